// The operator's settings page: text size, contrast, motion, language and sounds, kept by the lab.
import { api } from './api.js';
import { addStrings, language, t } from './i18n.js';
import { applySettings, openPage, saveSettings } from './work-prefs.js';
import english from '../i18n/settings.en.json' with { type: 'json' };
import dutch from '../i18n/settings.nl.json' with { type: 'json' };

// This page's own words come with its script, so the page is in its reader's language at once;
// the work page, which never shows them, does not load them.
addStrings('settings', english, dutch);

const form = document.getElementById('settings-form');
const saved = document.getElementById('saved');
const problem = document.getElementById('settings-error');
let me = null;

function show(settings) {
  form.elements.textSize.value = String(settings.textSize);
  form.elements.language.value = settings.language;
  form.elements.contrast.checked = settings.contrast;
  form.elements.reducedMotion.checked = settings.reducedMotion;
  form.elements.sounds.checked = settings.sounds;
}

function read() {
  return {
    textSize: Number(form.elements.textSize.value) || 100,
    contrast: form.elements.contrast.checked,
    reducedMotion: form.elements.reducedMotion.checked,
    language: form.elements.language.value || 'en',
    sounds: form.elements.sounds.checked,
  };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  problem.hidden = true;
  saved.textContent = '';
  try {
    const before = language();
    const { settings, where } = await saveSettings(me.id, read());
    await applySettings(settings, { switchLanguage: true });
    // A screen reader keeps a group's old name when only its legend changes language (Orca said "Sounds Geluid"):
    // new groups, in the new language, have new names.
    if (language() !== before) for (const group of form.querySelectorAll('fieldset')) group.replaceWith(group.cloneNode(true));
    document.title = `${t('settings.title')} – Annolab`;
    show(settings);
    showStatement();
    saved.textContent = t(where === 'server' ? 'settings.saved' : 'settings.savedHere');
  } catch (error) {
    problem.textContent = t('settings.failed', { reason: error.message || '' });
    problem.hidden = false;
    problem.focus();
  }
});

// ---- My work record: the coach's statement, which the record shows only once the operator agreed ----
const $ = (id) => document.getElementById(id);
const changeForm = $('change-form');
let statement = null;

function showStatement() {
  const day = (iso) => new Date(iso).toLocaleDateString(language(), { dateStyle: 'long' });
  $('no-statement').hidden = Boolean(statement);
  $('statement').hidden = !statement;
  if (!statement) return;
  const text = $('statement-text');
  if (text.dataset.shown !== statement.text) {
    text.dataset.shown = statement.text;
    text.replaceChildren(...statement.text.split(/\n+/).map((line) => Object.assign(document.createElement('p'), { textContent: line })));
  }
  const state = statement.agreedAt ? t('settings.statementAgreed', { date: day(statement.agreedAt) })
    : statement.changeRequest ? t('settings.statementAsked', { date: day(statement.changeRequestedAt), request: statement.changeRequest })
      : t('settings.statementWaiting');
  if ($('statement-state').textContent !== state) $('statement-state').textContent = state;
  $('statement-agree').hidden = Boolean(statement.agreedAt);
}

/** Sends one statement action. The focus then goes to the part's heading, whose description is the new state.
 *  Orca said a focused paragraph twice (its text as its name, then its text), and said the state again when
 *  the description of the heading it had just been given changed: so the heading is a new one each time. */
async function act(path, body) {
  $('change-error').hidden = true;
  try {
    statement = await api(`/api/v1/me/statement/${path}`, { method: 'POST', body });
  } catch (error) {
    $('change-error').textContent = t('settings.statementFailed', { reason: error.message || '' });
    $('change-error').hidden = false;
    return $('change-error').focus();
  }
  showStatement();
  const title = $('statement-title').cloneNode(true);
  $('statement-title').replaceWith(title);
  title.focus();
}

$('statement-agree').addEventListener('click', () => act('agree', {}));
changeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const field = changeForm.elements.request;
  const request = field.value.trim();
  if (!request) {
    field.setAttribute('aria-invalid', 'true');
    $('change-error').textContent = t('settings.changeEmpty');
    $('change-error').hidden = false;
    return $('change-error').focus();
  }
  field.removeAttribute('aria-invalid');
  await act('change', { request });
  if (statement.changeRequest === request) changeForm.reset();
});

document.getElementById('sign-out').addEventListener('click', async () => {
  // Signing out hands back the task kept for the work page and forgets what was typed in it.
  const key = `annolab.work.${me.id}`;
  try {
    const kept = JSON.parse(localStorage.getItem(key));
    if (kept && kept.assignment) await api(`/api/v1/assignments/${kept.assignment.id}/release`, { method: 'POST', body: {} }).catch(() => {});
  } catch {
    // Nothing kept.
  }
  localStorage.removeItem(key);
  await api('/api/v1/logout', { method: 'POST' }).catch(() => {});
  location.assign('/');
});

const opened = await openPage('operator');
if (opened) {
  me = opened.me;
  document.title = `${t('settings.title')} – Annolab`;
  show(opened.settings);
  statement = await api('/api/v1/me/statement').catch(() => null);
  showStatement();
}
