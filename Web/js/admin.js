// The admin's page: everyone in the lab, disabling an account, and the audit log of changes.
// Every text from the lab goes into the page with textContent only: names and details are data, never HTML.
import { api, homeOf } from './api.js';
import { language, loadLanguage, t, toggleLanguage } from './i18n.js';

const $ = (id) => document.getElementById(id);
let me = null;
let people = [];
let entries = [];

/** An element with attributes and children; `text` becomes its textContent. */
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') element.textContent = value;
    else if (name === 'hidden') element.hidden = value;
    else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

/** A moment as people of the page's language write it, to the second, in this computer's time zone. */
const moment = (iso) => new Date(iso).toLocaleString(language(), { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' });

function timeElement(iso) {
  return el('time', { datetime: iso, text: moment(iso) });
}

function personName(id) {
  const person = people.find((p) => p.id === id);
  return person ? t('admin.person', { name: person.name, role: t(`role.${person.role}`) }) : t('admin.subject.user', { id });
}

/** What a line is about, in words: `user:12` is that person's name, `project:3` "project 3". */
function subjectText(subject) {
  if (!subject) return '';
  const match = /^([a-z]+):(\d+)$/.exec(subject);
  if (!match) return subject;
  const [, kind, id] = match;
  if (kind === 'user') return personName(Number(id));
  const key = `admin.subject.${kind}`;
  const text = t(key, { id });
  return text === key ? subject : text;
}

function actionText(action) {
  const key = `admin.action.${action}`;
  const text = t(key);
  return text === key ? action : text;
}

function renderPeople() {
  const list = $('list');
  list.replaceChildren(...people.map(personItem));
}

/** One person; others than yourself have a disable button that asks once more before it acts. */
function personItem(person) {
  const id = `person-${person.id}`;
  const line = el('p', {}, el('strong', { text: person.name }), ` (${t(`role.${person.role}`)})`);
  if (person.disabledAt) {
    line.append(' ', el('span', { class: 'disabled', text: t('admin.people.disabledSince', { when: moment(person.disabledAt) }) }));
    return el('li', { id, class: 'is-disabled' }, line);
  }
  if (me && person.id === me.id) return el('li', { id }, line);
  const disable = el('button', { type: 'button', class: 'secondary', id: `${id}-disable`,
                                 text: t('admin.people.disable', { name: person.name }) });
  const yes = el('button', { type: 'button', id: `${id}-yes`, text: t('admin.people.yes', { name: person.name }) });
  const no = el('button', { type: 'button', class: 'secondary', id: `${id}-no`, text: t('admin.people.no') });
  const question = el('p', { id: `${id}-question`, text: t('admin.people.sure', { name: person.name }) });
  const confirm = el('div', { class: 'confirm', hidden: true, role: 'group', 'aria-labelledby': `${id}-question` }, question, yes, no);
  disable.addEventListener('click', () => { confirm.hidden = false; disable.hidden = true; yes.focus(); });
  no.addEventListener('click', () => { confirm.hidden = true; disable.hidden = false; disable.focus(); });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    let message;
    try {
      await api(`/api/v1/admin/users/${person.id}/disable`, { method: 'POST' });
      message = t('admin.people.disabled', { name: person.name });
    } catch (error) {
      message = t('admin.people.failed', { name: person.name, reason: error.message });
      yes.disabled = false;
    }
    // The list is drawn again first (this button goes away), then the focus and the news move together.
    await Promise.all([loadPeople(), loadAudit()]).catch(() => {});
    $('people-title').focus();
    $('people-status').textContent = message;
  });
  return el('li', { id }, line, disable, confirm);
}

function renderAudit() {
  $('audit-caption').textContent = t('admin.audit.caption', { count: entries.length });
  $('audit-rows').replaceChildren(...entries.map((entry) => el('tr', {},
    el('td', {}, timeElement(entry.at)),
    el('td', { text: entry.actor ? t('admin.person', { name: entry.actor.name, role: t(`role.${entry.actor.role}`) }) : t('admin.audit.noActor') }),
    el('td', { text: actionText(entry.action) }),
    el('td', { text: subjectText(entry.subject) }),
    el('td', { text: entry.detail ?? '' }),
  )));
  $('audit').hidden = entries.length === 0;
}

async function loadPeople() {
  people = (await api('/api/v1/admin/users')).users;
  renderPeople();
  renderAudit(); // the log names people by their names, which may have come in after it
}

async function loadAudit() {
  const limit = Number($('audit-limit').value) || 100;
  entries = (await api(`/api/v1/admin/audit?limit=${limit}`)).entries;
  renderAudit();
  $('audit-status').textContent = entries.length ? '' : t('admin.audit.none');
}

function render() {
  document.title = `${t('home.admin.title')} – Annolab`;
  $('who').textContent = `${t('home.signedInAs', { name: me.name })} (${t(`role.${me.role}`)})`;
  renderPeople();
  renderAudit();
}

$('language').addEventListener('click', async () => { await toggleLanguage(); render(); });
$('sign-out').addEventListener('click', async () => {
  await api('/api/v1/logout', { method: 'POST' });
  location.assign('/');
});
$('audit-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await loadAudit();
    $('audit-status').textContent = t('admin.audit.shown', { count: entries.length });
  } catch (error) {
    $('audit-status').textContent = t('admin.audit.failed', { reason: error.message });
  }
});

await loadLanguage();
try {
  me = await api('/api/v1/me');
} catch {
  $('who').textContent = t('home.notSignedIn');
  location.replace('/');
}
if (me && me.role !== 'admin') location.replace(homeOf[me.role]);
else if (me) {
  render();
  await Promise.all([loadPeople(), loadAudit()]);
}
