// The printable weekly summary of one operator: the start of the coach's talk with them and their case manager.
import { api, homeOf } from './api.js';
import { loadLanguage, t, toggleLanguage } from './i18n.js';
import { el } from './work-dom.js';

const $ = (id) => document.getElementById(id);
const T = (key, values) => t(`coach.${key}`, values);
const query = new URLSearchParams(location.search);
const operator = query.get('operator') || '';
let s = null;

const noon = (iso) => new Date(`${String(iso).slice(0, 10)}T12:00:00Z`);
const day = (iso, year) => noon(iso).toLocaleDateString(document.documentElement.lang,
  { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: year && 'numeric' });
const rows = (list) => list.map((cells) => el('tr', {}, el('th', { scope: 'row', text: cells[0] }), ...cells.slice(1).map((text) => el('td', { text }))));
function weekLink(days) {
  const date = noon(s.weekStart);
  date.setUTCDate(date.getUTCDate() + days);
  return `?${new URLSearchParams({ operator, week: date.toISOString().slice(0, 10) })}`;
}

function render() {
  const title = T('sum.title', { name: s.operator.name });
  const kinds = s.kinds || [];
  const gold = s.gold || {};
  document.title = `${title} – Annolab`;
  $('title').textContent = title;
  $('range').textContent = T('sum.range', { from: day(s.weekStart, 1), to: day(s.weekEnd, 1) });
  $('hours').textContent = Number(s.hours || 0).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 });
  $('shifts').textContent = s.shifts ?? 0;
  $('minutes').textContent = s.workMinutes ?? 0;
  $('kinds').replaceChildren(...rows(kinds.map((k) => [T(`kind.${k.kind}`), `${k.answers}`])));
  $('kinds-table').hidden = !kinds.length;
  $('no-kinds').hidden = kinds.length > 0;
  $('gold-all').textContent = gold.total ? T('sum.qualityAll', { right: gold.correct, total: gold.total }) : T('sum.noGold');
  $('quality').replaceChildren(...rows((s.qualityTrend || []).map((d) => [day(d.day),
    d.goldTotal ? T('chart.of', { right: d.goldCorrect, total: d.goldTotal }) : T('sum.noGoldDay'),
    d.goldTotal ? `${Math.round((100 * d.goldCorrect) / d.goldTotal)}%` : ''])));
  $('quality-table').hidden = !(s.qualityTrend || []).length;
  $('pauses').textContent = T('sum.pausesText', { scheduled: s.pauses?.scheduled ?? 0, extra: s.pauses?.extra ?? 0 });
  const alerts = (s.alerts || []).map((a) =>
    `${day(a.createdAt)}: ${T(`alert.${a.kind}`)}. ${(document.documentElement.lang === 'nl' && a.reasonNl) || a.reason || ''} (${T(a.acknowledgedAt ? 'sum.acked' : 'sum.open')})`);
  $('alerts').replaceChildren(...(alerts.length ? alerts : [T('sum.noAlerts')]).map((text) => el('li', { text })));
  $('prev').href = weekLink(-7);
  $('next').href = weekLink(7);
  $('week').value = String(s.weekStart).slice(0, 10);
  $('content').hidden = false;
}

function problem() {
  $('title').textContent = T('problem');
  $('problem').textContent = T('sum.notFound');
  $('problem').hidden = false;
}

$('print').addEventListener('click', () => window.print());
$('operator').value = operator;
$('language').addEventListener('click', async () => {
  await toggleLanguage();
  if (s) render();
  else if (!$('problem').hidden) problem();
});
$('sign-out').addEventListener('click', async () => {
  await api('/api/v1/logout', { method: 'POST' }).catch(() => {});
  location.assign('/');
});

async function main() {
  await loadLanguage();
  $('title').removeAttribute('data-i18n');
  const me = await api('/api/v1/me').catch(() => ({}));
  if (me.role !== 'coach') return location.replace(homeOf[me.role] || '/');
  const week = query.get('week');
  try {
    s = await api(`/api/v1/coach/operators/${encodeURIComponent(operator)}/summary${week ? `?week=${encodeURIComponent(week)}` : ''}`);
  } catch {
    return problem();
  }
  render();
}

main();
