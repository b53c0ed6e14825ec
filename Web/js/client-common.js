// What the client's pages share: the sign-in check, the header buttons, numbers in words, error summaries.
import { api, homeOf } from './api.js';
import { language, loadLanguage, t, toggleLanguage } from './i18n.js';
import { el, inPage } from './work-dom.js';

export { api, el, language };
export const $ = (id) => document.getElementById(id);
export const T = (key, values) => t(`client.${key}`, values);
/** A bundle string when there is one for this key, else the fallback (e.g. the lab's own sentence). */
export const maybe = (key, fallback) => (t(`client.${key}`) === `client.${key}` ? fallback : T(key));
export const num = (n, digits = 1) => Number(n).toLocaleString(language(), { maximumFractionDigits: digits });
export const percent = (x) => (x == null ? T('notYet') : `${num(x * 100, 0)}%`);
export const euro = (text) => Number(text).toLocaleString(language(), { style: 'currency', currency: 'EUR' });
export const day = (date) => new Date(`${date.slice(0, 10)}T12:00:00Z`).toLocaleDateString(language(), { dateStyle: 'long', timeZone: 'UTC' });
export const kindWords = (kind) => maybe(`kind.${kind}`, kind);
export const lines = (text) => text.split('\n').map((line) => line.trim()).filter(Boolean);

/** Signs the page in: a client stays, anyone else goes to their own home. render runs now and after a language switch. */
export async function start(render) {
  await loadLanguage();
  const me = await api('/api/v1/me').catch(() => ({}));
  if (me.role !== 'client') return location.replace(homeOf[me.role] || '/');
  const draw = async () => {
    $('who').textContent = T('signedInAs', { name: me.name });
    await render();
    document.title = `${document.querySelector('h1').textContent} – Annolab`;
  };
  $('language').addEventListener('click', async () => { await toggleLanguage(); await draw(); });
  $('sign-out').addEventListener('click', async () => {
    await api('/api/v1/logout', { method: 'POST' }).catch(() => {});
    location.assign('/');
  });
  document.querySelectorAll('a[href^="#"]').forEach(inPage);
  await draw();
}

/**
 * Shows problems ({text, name}) in the form's error summary, which takes the focus, and next to each
 * field (in the <p class="error-message" id="NAME-error"> the field's aria-describedby names). [] clears them.
 */
export function showErrors(form, problems) {
  const box = form.querySelector('.error-summary');
  form.querySelectorAll('[aria-invalid]').forEach((node) => node.removeAttribute('aria-invalid'));
  form.querySelectorAll('.error-message').forEach((node) => { node.textContent = ''; node.hidden = true; });
  box.querySelector('ul').replaceChildren(...problems.map(({ text, name }) => {
    let field = name && form.elements[name];
    if (field instanceof RadioNodeList) field = field[0];
    const said = name && $(`${name}-error`);
    if (said) Object.assign(said, { textContent: text, hidden: false });
    field?.setAttribute('aria-invalid', 'true');
    return el('li', {}, field ? inPage(el('a', { href: `#${field.id}`, text })) : text);
  }));
  box.hidden = !problems.length;
  if (problems.length) box.focus();
}
