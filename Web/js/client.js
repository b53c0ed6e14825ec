// The client's home: their projects with progress in words, the lab-level impact, API tokens.
import { $, T, api, day, el, kindWords, num, showErrors, start } from './client-common.js';

const put = (id, text) => { $(id).textContent = text; };
let made = null;

async function render() {
  const [{ projects }, impact] = await Promise.all([api('/api/v1/projects'), api('/api/v1/impact').catch(() => null)]);
  $('list').replaceChildren(...projects.map((p) => {
    const { microtasks = 0, completed = 0 } = p.progress || {};
    return el('li', {}, el('a', { href: `/client/project?id=${p.id}`, text: p.name }),
      el('p', { text: `${kindWords(p.template)}. ${microtasks ? T('done', { done: completed, total: microtasks }) : T('noItems')}` }));
  }));
  $('empty').hidden = projects.length > 0;
  $('impact').hidden = !impact;
  if (impact) put('impact', impact.hours > 0 ? T('impact', { hours: num(impact.hours) }) : T('impactNone'));
  if (made) put('token-for', T('tokens.for', { label: made.label }));
  await showTokens();
}

async function showTokens() {
  const { tokens } = await api('/api/v1/tokens').catch(() => ({ tokens: [] }));
  $('tokens').replaceChildren(...tokens.map(tokenItem));
  $('no-tokens').hidden = tokens.length > 0;
}

/** A token with a revoke button; revoking needs a second button, so one key press never breaks a pipeline. */
function tokenItem(token) {
  const id = `token-${token.id}`;
  const revoke = el('button', { type: 'button', class: 'secondary', id: `${id}-revoke`, text: T('tokens.revoke', { label: token.label }) });
  const yes = el('button', { type: 'button', id: `${id}-yes`, text: T('tokens.yes') });
  const no = el('button', { type: 'button', class: 'secondary', text: T('tokens.no') });
  const confirm = el('div', { class: 'confirm', hidden: true }, el('p', { text: T('tokens.sure', { label: token.label }) }), yes, no);
  revoke.addEventListener('click', () => { confirm.hidden = false; yes.focus(); });
  no.addEventListener('click', () => { confirm.hidden = true; revoke.focus(); });
  yes.addEventListener('click', async () => {
    try {
      await api(`/api/v1/tokens/${token.id}`, { method: 'DELETE' });
    } catch (error) {
      return put('tokens-status', T('failed', { reason: error.message }));
    }
    await showTokens();
    put('tokens-status', T('tokens.revoked', { label: token.label }));
    $('tokens-title').focus();
  });
  const when = token.createdAt ? ` ${T('tokens.made', { date: day(token.createdAt) })}` : '';
  return el('li', { id }, el('p', {}, el('strong', { text: token.label }), when), revoke, confirm);
}

$('token-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const label = form.elements.label.value.trim();
  if (!label) return showErrors(form, [{ text: T('tokens.noLabel'), name: 'label' }]);
  try {
    made = await api('/api/v1/tokens', { method: 'POST', body: { label } });
  } catch (error) {
    return showErrors(form, [{ text: T('failed', { reason: error.message }), name: 'label' }]);
  }
  showErrors(form, []);
  form.reset();
  put('token-for', T('tokens.for', { label: made.label }));
  $('token-value').value = made.token;
  $('new-token').hidden = false;
  await showTokens();
  $('token-value').focus();
  $('token-value').select();
});

start(render);
