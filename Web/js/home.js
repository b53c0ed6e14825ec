// The home page of each role: who you are, what you can do here, and what is yours.
import { api, homeOf } from './api.js';
import { loadLanguage, t, toggleLanguage } from './i18n.js';

const role = document.body.dataset.role;
let me = null;

async function render() {
  document.title = `${t(`home.${role}.title`)} – Annolab`;
  document.getElementById('who').textContent =
    `${t('home.signedInAs', { name: me.name })} (${t(`role.${me.role}`)})`;
  const list = document.getElementById('list');
  if (!list) return;
  let items = [];
  if (role === 'coach') items = (await api('/api/v1/coach/operators')).operators.map((o) => `${o.name} (${o.badge})`);
  if (role === 'client') items = (await api('/api/v1/projects')).projects.map((p) => `${p.name} (${p.template})`);
  if (role === 'admin') items = (await api('/api/v1/admin/users')).users.map((u) => `${u.name}, ${t(`role.${u.role}`)}`);
  list.replaceChildren(...items.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
  const empty = document.getElementById('empty');
  if (empty) empty.hidden = items.length > 0;
}

document.getElementById('language').addEventListener('click', async () => { await toggleLanguage(); render(); });
document.getElementById('sign-out').addEventListener('click', async () => {
  await api('/api/v1/logout', { method: 'POST' });
  location.assign('/');
});

await loadLanguage();
try {
  me = await api('/api/v1/me');
} catch {
  document.getElementById('who').textContent = t('home.notSignedIn');
  location.replace('/');
}
if (me && me.role !== role) location.replace(homeOf[me.role]);
else if (me) await render();
