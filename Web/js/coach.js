// The job coach's dashboard: a live card per operator, alerts, new work to share out, client feedback to check.
// The parts are <template>s in coach.html; live updates only rewrite text, so the focus and typed text stay put.
import { api, homeOf } from './api.js';
import { language, loadLanguage, t, toggleLanguage } from './i18n.js';
import { el, inPage } from './work-dom.js';
import { showRatings } from './coach-ratings.js';
import { openStep, showSkills } from './coach-skills.js';
import { applySettings, loadSettings } from './work-prefs.js';

const $ = (id) => document.getElementById(id);
const T = (key, values) => t(`coach.${key}`, values);
const cards = new Map();
const alerts = new Map();
const MINUTES = ['workMinutes', 'pauseMinutes', 'shiftMinutes', 'dailyCapMinutes'];
const ICONS = {
  work: 'M4 2l10 6-10 6z',
  pause: 'M3 2h4v12H3zM9 2h4v12H9z',
  off: 'M8 1a7 7 0 1 1 0 14A7 7 0 1 1 8 1zm0 2a5 5 0 1 0 0 10A5 5 0 1 0 8 3z',
  ended: 'M2 2h12v12H2z',
};
let me;
let connected = true;
let newWork = null;
// Alerts that came after the page had its first ones: the live region names each once.
let fresh = null;

/** Changes a node's text only when it differs, so nothing is announced twice. */
const put = (node, text) => node.textContent !== text && (node.textContent = text);
/** Bundle text that a language switch translates again. */
const say = (node, key) => { node.dataset.i18n = key; node.textContent = t(key); };
const lang = () => document.documentElement.lang;
const clock = (date) => date.toLocaleTimeString(lang(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const when = (iso) => new Date(iso).toLocaleString(lang(), { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' });
const byTime = (list) => list.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
const running = (d) => d.phase === 'work' || d.phase === 'pause';
const base = (id) => `/api/v1/coach/operators/${id}`;
const get = async (path, key) => (await api(path).catch(() => ({})))[key] || [];
const svg = (tag, attrs) => {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const name in attrs) node.setAttribute(name, attrs[name]);
  return node;
};
const checkbox = (id, name, value, checked) =>
  el('div', { class: 'option' }, el('input', { type: 'checkbox', id, value, checked }), el('label', { for: id, text: name }));

/** A copy of a <template>: '{}' in its attributes becomes this id; the parts marked data-f come back by name.
 *  The copy is a clone of nodes, never HTML parsed again, so an id can only ever be an attribute's text. */
function stamp(name, id) {
  const copy = $(`${name}-template`).content.cloneNode(true);
  const parts = {};
  for (const node of copy.querySelectorAll('*')) {
    for (const attribute of node.attributes) {
      if (attribute.value.includes('{}')) attribute.value = attribute.value.replaceAll('{}', id);
    }
  }
  copy.querySelectorAll('[data-i18n]').forEach((node) => { node.textContent = t(node.dataset.i18n); });
  copy.querySelectorAll('[data-f]').forEach((node) => { parts[node.dataset.f] = node; });
  copy.firstElementChild.dataset.id = id;
  return [copy.firstElementChild, parts];
}

// The one polite live region changes at most once in 10 seconds, so a screen reader is not talked over.
let lastSaid = 0;
let timer = null;
function announce() {
  timer ||= setTimeout(() => {
    timer = null;
    lastSaid = Date.now();
    const counts = { work: 0, pause: 0, off: 0, ended: 0 };
    cards.forEach((c) => { counts[c.data.phase] += 1; });
    const parts = Object.keys(counts).filter((k) => counts[k]).map((k) => T(`group.${k}`, { n: counts[k] }));
    put($('group-line'), parts.length ? `${parts.join(', ')}.` : T('none'));
    // New alerts have a line of their own, said once: a change in the group's figures repeats only those.
    if (fresh?.length) {
      const named = fresh.map((a) => T('news.alert', { name: a.operatorName, kind: T(`alert.${a.kind}`) })).join('; ');
      put($('alert-news'), `${T(fresh.length === 1 ? 'news.one' : 'news.many', { alerts: named })} ${T('news.open', { n: alerts.size })}`);
    } else if (!fresh && alerts.size) {
      put($('alert-news'), T('news.open', { n: alerts.size }));
    }
    fresh = [];
    put($('connection'), connected ? '' : T('reconnecting'));
    $('connection').hidden = connected;
    const notice = $('new-work');
    notice.hidden = !newWork;
    if (newWork && notice.dataset.project !== `${newWork.projectId}`) {
      const name = newWork.projectName;
      notice.dataset.project = newWork.projectId;
      notice.replaceChildren(`${T('newWork', { name })} `, inPage(el('a', { href: `#work-${newWork.projectId}`, text: T('newWorkLink', { name }) })));
    }
  }, Math.max(0, lastSaid + 10000 - Date.now()));
}

function addCard(op) {
  const [item, n] = stamp('card', op.id);
  const c = { id: op.id, data: { ...op }, at: Date.now(), n };
  cards.set(op.id, c);
  n.name.textContent = op.name;
  n.badge.textContent = op.badge || '';
  n.summaryLink.href = `/coach/summary?operator=${op.id}&week=${new Date().toISOString().slice(0, 10)}`;
  const back = () => { n.confirm.hidden = true; n.shift.focus(); };
  n.shift.addEventListener('click', () => {
    if (!running(c.data)) return shift(c, 'start');
    n.confirm.hidden = false;
    n.yes.focus();
  });
  n.yes.addEventListener('click', () => { back(); shift(c, 'end'); });
  n.no.addEventListener('click', back);
  n.profile.addEventListener('toggle', () => n.profile.open && fillProfile(c, true));
  n.statement.addEventListener('toggle', () => n.statement.open && !c.statementLoaded && loadStatement(c));
  n.skills.addEventListener('toggle', () => n.skills.open && showSkills(c.id, n));
  n.notes.addEventListener('toggle', async () => {
    if (!n.notes.open || c.notesLoaded) return;
    c.notesLoaded = true;
    byTime(await get(`${base(c.id)}/notes`, 'notes')).forEach((note) => addNote(c, note));
    n.noNotes.hidden = n.noteList.children.length > 0;
  });
  $('list').append(item);
  updateCard(c);
}

function addNote(c, note) {
  c.n.noteList.prepend(el('li', {}, el('strong', { text: when(note.createdAt) }), ` ${note.text}`));
  c.n.noNotes.hidden = true;
}

/** The statement for the operator's work record: its text (filled once, the coach may be typing) and its state. */
async function loadStatement(c) {
  let statement = null;
  try {
    statement = await api(`${base(c.id)}/statement`);
  } catch (error) {
    if (error.status !== 404) return put(c.n.statementState, T('failed', { reason: error.message }));
  }
  if (statement && !c.statementLoaded) c.n.statementText.value = statement.text;
  showStatement(c, statement);
}

function showStatement(c, statement) {
  const day = (iso) => new Date(iso).toLocaleDateString(lang(), { dateStyle: 'long' });
  c.statementLoaded = true;
  c.statement = statement;
  const values = { name: c.data.name };
  let key = 'none';
  if (statement?.agreedAt) [key, values.date] = ['agreed', day(statement.agreedAt)];
  else if (statement?.changeRequest) [key, values.date, values.request] = ['change', day(statement.changeRequestedAt), statement.changeRequest];
  else if (statement) key = 'waiting';
  put(c.n.statementState, T(`statement.${key}`, values));
}

async function shift(c, what) {
  put(c.n.status, '');
  try {
    await api(`${base(c.id)}/shift/${what}`, { method: 'POST', body: {} });
    put(c.n.status, T(`shift.${what}ed`));
    refresh();
  } catch (error) {
    put(c.n.status, T('failed', { reason: error.message }));
  }
}

/** Fills the profile form, but never while it is open: the coach may be typing. */
function fillProfile(c, opening) {
  const profile = c.data.profile;
  const form = c.n.profile.lastElementChild;
  if (!profile || (c.n.profile.open && !opening)) return;
  for (const name of MINUTES) form.elements[name].value = profile[name] ?? '';
  for (const box of form.querySelectorAll('[name=kind]')) box.checked = (profile.taskKinds || []).includes(box.value);
  form.elements.audio.checked = Boolean(profile.audioMode);
}

function tick(c) {
  const d = c.data;
  const left = (seconds, iso) => (seconds != null ? seconds - (Date.now() - c.at) / 1000 : iso ? (new Date(iso) - Date.now()) / 1000 : null);
  let text = T('left.none');
  if (d.phase === 'work') {
    const s = left(d.blockSecondsLeft, d.blockEndsAt);
    if (s != null) text = s < 60 ? T('left.workLess') : T('left.work', { m: Math.round(s / 60) });
  } else if (d.phase === 'pause') {
    const s = left(d.resumesInSeconds, d.resumesAt);
    text = d.extraPause || s == null ? T('left.extra') : T('left.pause', { m: Math.max(1, Math.round(s / 60)) });
  }
  put(c.n.left, text);
}

function paceWords({ ratio, secondsPerAnswer: now, baseline: usual } = {}) {
  if (ratio == null) return T('pace.none');
  const words = T(ratio >= 1.5 ? 'pace.slow' : ratio <= 0.67 ? 'pace.fast' : 'pace.usual');
  return now && usual ? `${words} (${T('pace.figures', { now: Math.round(now), usual: Math.round(usual) })})` : words;
}

function goldWords({ recent, earlier } = {}) {
  if (recent == null) return T('gold.none');
  const p = Math.round(recent * 100);
  const before = Math.round(earlier * 100);
  if (earlier == null) return T('gold.recent', { p });
  return T(p - before >= 15 ? 'gold.better' : before - p >= 15 ? 'gold.worse' : 'gold.same', { p, before });
}

/** Bars: answers per 5 minutes; dots: practice questions right; the same figures in words and in a table. */
function drawChart(c) {
  const { series = [], profile } = c.data;
  const n = c.n;
  n.figure.hidden = !series.length;
  n.noChart.hidden = series.length > 0;
  if (!series.length) return;
  const slots = Math.max(((profile && profile.shiftMinutes) || 60) / 5, ...series.map((s) => s.minute / 5 + 1));
  const most = Math.max(...series.map((s) => s.answers));
  const y = (v) => 92 - (v / Math.max(4, most)) * 84;
  const shapes = [svg('path', { class: 'axis', d: `M0 92.5H${slots * 10}` })];
  for (let h = 12; h < slots; h += 12) shapes.push(svg('path', { class: 'hour', d: `M${h * 10} 4V92` }));
  let [total, right, gold] = [0, 0, 0];
  const rows = series.map(({ minute, answers, goldCorrect: ok = 0, goldTotal: of = 0 }) => {
    total += answers;
    right += ok;
    gold += of;
    if (answers) shapes.push(svg('rect', { class: 'bar', x: minute * 2 + 1, y: y(answers), width: 8, height: 92 - y(answers) }));
    if (of) shapes.push(svg('circle', { class: 'dot', cx: minute * 2 + 5, cy: y(ok), r: 3.5 }));
    return el('tr', {}, el('th', { scope: 'row', text: `${minute}–${minute + 5}` }), el('td', { text: `${answers}` }),
      el('td', { text: T('chart.of', { right: ok, total: of }) }));
  });
  n.chart.setAttribute('viewBox', `0 0 ${slots * 10} 100`);
  n.bars.replaceChildren(...shapes);
  n.rows.replaceChildren(...rows);
  put(n.title, T('chart.label', { total, most, right, gold }));
}

function updateCard(c, fresh) {
  if (fresh) {
    Object.assign(c.data, fresh);
    c.at = Date.now();
  }
  const d = c.data;
  const n = c.n;
  const phase = d.phase === 'pause' && d.extraPause ? 'extra' : ICONS[d.phase] ? d.phase : 'off';
  const resumes = d.resumesInSeconds != null ? new Date(c.at + d.resumesInSeconds * 1000) : d.resumesAt && new Date(d.resumesAt);
  const open = n.alerts.children.length;
  n.phase.closest('article').dataset.phase = phase;
  n.icon.setAttribute('d', ICONS[d.phase] || ICONS.off);
  put(n.phase, phase !== 'pause' ? T(`phase.${phase}`) : resumes ? T('phase.pause', { time: clock(resumes) }) : T('phase.pauseNoTime'));
  tick(c);
  put(n.answers, T('answers', { block: d.answersThisBlock ?? 0, today: d.answersToday ?? 0 }));
  put(n.pace, paceWords(d.pace));
  put(n.gold, goldWords(d.gold));
  put(n.today, T('today', { pauses: d.extraPausesToday ?? 0, skips: d.skipsToday ?? 0 }));
  put(n.alertCount, open ? T('alertsOpen', { n: open }) : T('alertsNone'));
  put(n.shift, T(running(d) ? 'shift.end' : 'shift.start'));
  // A confirmation the coach is in stays open: a live update never takes the focus away.
  if (!running(d) && !n.confirm.contains(document.activeElement)) n.confirm.hidden = true;
  drawChart(c);
  fillProfile(c);
  if (c.statementLoaded) showStatement(c, c.statement);
}

/** All cards again: at the start, after an action, after the stream reconnects. */
async function refresh() {
  try {
    for (const op of (await api('/api/v1/coach/operators')).operators) {
      if (cards.has(op.id)) updateCard(cards.get(op.id), op);
      else addCard(op);
    }
    // Alerts raised while the live stream was down.
    addAlerts((await api('/api/v1/coach/alerts')).alerts);
  } catch (error) {
    if (error.status === 401) location.replace('/');
  }
  $('no-operators').hidden = cards.size > 0;
  announce();
}

function alertItem(a, inCard) {
  const id = `alert-${a.id}-${inCard ? 'card' : 'list'}`;
  const button = el('button', { type: 'button', class: 'secondary', id, 'aria-describedby': `${id}-text` });
  say(button, 'coach.alerts.ack');
  button.addEventListener('click', () => acknowledge(a, inCard));
  const kind = el('strong');
  say(kind, `coach.alert.${a.kind}`);
  return el('li', { 'data-alert': a.id },
    el('p', { id: `${id}-text` }, inCard ? '' : `${a.operatorName}: `, kind, ` (${clock(new Date(a.createdAt))}). ${(language() === 'nl' && a.reasonNl) || a.reason || ''}`), button);
}

function addAlerts(list) {
  for (const a of byTime(list)) {
    if (a.acknowledgedAt || alerts.has(a.id)) continue;
    alerts.set(a.id, a);
    fresh?.push(a);
    $('alert-list').prepend(alertItem(a, false));
    cards.get(a.operator)?.n.alerts.prepend(alertItem(a, true));
    const c = cards.get(a.operator);
    if (a.kind === 'statement-change' && c?.statementLoaded) loadStatement(c);
  }
  $('no-alerts').hidden = alerts.size > 0;
  cards.forEach((c) => updateCard(c));
  announce();
}

async function acknowledge(a, inCard) {
  const c = cards.get(a.operator);
  const said = inCard ? c.n.status : $('alerts-status');
  put(said, '');
  try {
    await api(`/api/v1/coach/alerts/${a.id}/acknowledge`, { method: 'POST', body: {} });
  } catch (error) {
    return put(said, T('failed', { reason: error.message }));
  }
  alerts.delete(a.id);
  put($('alert-news'), '');
  for (const item of document.querySelectorAll(`[data-alert="${a.id}"]`)) {
    if (item.contains(document.activeElement)) {
      // The button goes away: the focus moves to the next alert, or else to the heading above.
      const next = item.nextElementSibling || item.previousElementSibling;
      (next ? next.lastChild : inCard ? c.n.name.parentNode : $('alerts-title')).focus();
    }
    item.remove();
  }
  put(said, T('alerts.acked'));
  addAlerts([]);
}

async function addWork(id, name, decided) {
  const state = $(`work-${id}-state`);
  if (state) return decided || say(state, 'coach.work.open');
  const operators = await get(`/api/v1/coach/projects/${id}/operators`, 'operators');
  const [item, n] = stamp('work', id);
  n.name.textContent = name;
  say(n.state, decided ? 'coach.work.decided' : 'coach.work.open');
  n.who.append(...operators.map((o) => checkbox(`work-${id}-op-${o.id}`, o.name, o.id, o.allowed)));
  $('work-list').prepend(item);
  $('no-work').hidden = true;
}

function addFeedback(f) {
  const [item, n] = stamp('feedback', f.id);
  n.name.textContent = f.projectName;
  say(n.kind, `coach.feedback.kind.${f.kind}`);
  n.when.textContent = when(f.createdAt);
  n.said.textContent = n.words.value = f.text;
  n.who.append(...[...cards.values()].map((c) => checkbox(`feedback-${f.id}-op-${c.id}`, c.data.name, c.id)));
  $('feedback-list').append(item);
  $('no-feedback').hidden = true;
}

// Every form: check, send, then an error summary (focused) or a status message.
const need = (problems, key, field) => problems.push({ text: T(key), field }) && null;
const ticked = (form, selector = 'fieldset input:checked') => [...form.querySelectorAll(selector)].map((box) => box.value);
const senders = {
  async profile(form, problems, id) {
    const body = { taskKinds: ticked(form, '[name=kind]:checked'), audioMode: form.elements.audio.checked };
    for (const name of MINUTES) {
      const input = form.elements[name];
      if (/^\s*\d{1,4}\s*$/.test(input.value)) body[name] = Number(input.value);
      else problems.push({ text: T('profile.whole', { field: input.labels[0].textContent }), field: input });
    }
    if (problems.length) return null;
    cards.get(Number(id)).data.profile = await api(`${base(id)}/profile`, { method: 'PUT', body });
    return T('profile.saved');
  },
  async message(form, problems, id) {
    const text = form.elements.text.value.trim();
    if (!text) return need(problems, 'message.empty', form.elements.text);
    await api(`${base(id)}/messages`, { method: 'POST', body: { text } });
    form.reset();
    return T('message.sent');
  },
  async note(form, problems, id) {
    const text = form.elements.text.value.trim();
    if (!text) return need(problems, 'notes.empty', form.elements.text);
    addNote(cards.get(Number(id)), await api(`${base(id)}/notes`, { method: 'POST', body: { text } }));
    form.reset();
    return T('notes.added');
  },
  async statement(form, problems, id) {
    const text = form.elements.text.value.trim();
    if (!text) return need(problems, 'statement.empty', form.elements.text);
    const c = cards.get(Number(id));
    showStatement(c, await api(`${base(id)}/statement`, { method: 'PUT', body: { text } }));
    return T('statement.saved', { name: c.data.name });
  },
  async skills(form, problems, id) {
    if (!form.elements.step.value) return need(problems, 'skills.none', form.elements.step);
    const said = await openStep(form, id);
    await showSkills(Number(id), cards.get(Number(id)).n);
    return said;
  },
  async work(form, problems, id) {
    const saved = await api(`/api/v1/coach/projects/${id}/operators`, { method: 'PUT', body: { operators: ticked(form).map(Number) } });
    say($(`work-${id}-state`), 'coach.work.decided');
    return T('work.saved', { n: (saved.operators || []).filter((o) => o.allowed).length });
  },
  async feedback(form, problems, id, action) {
    const text = form.elements.text.value.trim();
    const operators = ticked(form).map(Number);
    if (action === 'forward' && !text) need(problems, 'feedback.noText', form.elements.text);
    if (action === 'forward' && !operators.length) need(problems, 'feedback.noOne', form.querySelector('fieldset input'));
    if (problems.length) return null;
    await api(`/api/v1/coach/feedback/${id}`, { method: 'POST', body: { action, text, operators } });
    const done = el('p', { role: 'status', tabindex: '-1', class: 'saved', text: T(`feedback.${action === 'forward' ? 'sent' : 'dropped'}`) });
    form.replaceWith(done);
    done.focus();
    return null;
  },
};

function showErrors(box, problems) {
  box.parentNode.querySelectorAll('[aria-invalid]').forEach((node) => node.removeAttribute('aria-invalid'));
  box.lastChild.replaceChildren(...problems.map(({ text, field }) => {
    field?.setAttribute('aria-invalid', 'true');
    return el('li', {}, field ? inPage(el('a', { href: `#${field.id}`, text })) : text);
  }));
  box.hidden = !problems.length;
  if (problems.length) box.focus();
}

document.addEventListener('submit', async (event) => {
  const form = event.target;
  const box = form.querySelector('.error-summary');
  const done = form.querySelector('[role=status]');
  const problems = [];
  event.preventDefault();
  // One send at a time: a second press while the first is on its way sends nothing twice.
  if (form.dataset.busy) return;
  form.dataset.busy = 'yes';
  put(done, '');
  try {
    const said = await senders[form.dataset.send](form, problems, form.closest('[data-id]').dataset.id, event.submitter?.value);
    showErrors(box, problems);
    if (said) put(done, said);
  } catch (error) {
    showErrors(box, [{ text: T('failed', { reason: error.message }) }]);
  } finally {
    delete form.dataset.busy;
  }
});

document.querySelectorAll('a[href^="#"]').forEach(inPage);

/** EventSource reconnects by itself, but not after a refusal: then the page tries again in 15 s. */
function listen() {
  const events = new EventSource('/api/v1/coach/events');
  const on = (name, handle) => events.addEventListener(name, (event) => { handle(JSON.parse(event.data)); announce(); });
  events.onopen = () => {
    if (!connected) refresh();
    connected = true;
    announce();
  };
  events.onerror = () => {
    connected = false;
    announce();
    if (events.readyState === EventSource.CLOSED) setTimeout(listen, 15000);
  };
  on('operator', (d) => (cards.has(d.operator ?? d.id) ? updateCard(cards.get(d.operator ?? d.id), d) : refresh()));
  on('alert', (a) => addAlerts([a]));
  on('dataset', (d) => { newWork = d; addWork(d.projectId, d.projectName, false); });
}

const showWho = () => {
  document.title = `${T('title')} – Annolab`;
  $('who').textContent = T('signedInAs', { name: me.name });
};
$('language').addEventListener('click', async () => {
  await toggleLanguage();
  showWho();
  delete $('new-work').dataset.project;
  lastSaid = 0;
  put($('alert-news'), '');
  cards.forEach((c) => updateCard(c));
  announce();
});
$('sign-out').addEventListener('click', async () => {
  await api('/api/v1/logout', { method: 'POST' }).catch(() => {});
  location.assign('/');
});

async function main() {
  await loadLanguage();
  me = await api('/api/v1/me').catch(() => ({}));
  if (me.role !== 'coach') return location.replace(homeOf[me.role] || '/');
  await applySettings(await loadSettings(me.id));
  showWho();
  $('group-line').removeAttribute('data-i18n');
  await refresh();
  addAlerts(await get('/api/v1/coach/alerts', 'alerts'));
  listen();
  const seen = new Set();
  for (const item of byTime(await get('/api/v1/coach/notifications', 'notifications'))) {
    if (item.kind === 'dataset' && !seen.has(item.projectId)) await addWork(item.projectId, item.projectName, item.decided);
    seen.add(item.projectId);
  }
  (await get('/api/v1/coach/feedback', 'feedback')).filter((f) => f.status === 'pending').forEach(addFeedback);
  await showRatings();
  setInterval(() => cards.forEach(tick), 20000);
}

main();
