// The sign-in page: a badge for operators, email and password for everyone else.
import { api, homeOf } from './api.js';
import { t, toggleLanguage, translatePage } from './i18n.js';

const summary = document.getElementById('error-summary');
const summaryText = document.getElementById('error-text');

function showError(message, field) {
  summaryText.textContent = message;
  summary.hidden = false;
  summary.focus();
  for (const input of document.querySelectorAll('input')) input.removeAttribute('aria-invalid');
  if (field) field.setAttribute('aria-invalid', 'true');
}

async function signIn(body, field) {
  try {
    const session = await api('/api/v1/login', { method: 'POST', body });
    location.assign(homeOf[session.role] || '/');
  } catch (error) {
    showError(`${t('login.failed')} ${error.message}`, field);
  }
}

document.getElementById('badge-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const field = document.getElementById('badge');
  const badge = field.value.trim();
  if (!badge) return showError(t('login.badgeMissing'), field);
  signIn({ badge }, field);
});

document.getElementById('email-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const email = document.getElementById('email');
  const password = document.getElementById('password');
  if (!email.value.trim() || !password.value) return showError(t('login.emailMissing'), email.value.trim() ? password : email);
  signIn({ email: email.value.trim(), password: password.value }, password);
});

document.getElementById('language').addEventListener('click', () => toggleLanguage());

// The page is in its reader's language, and the focus in the badge field, before the page has finished
// loading: a badge scanner types into the focused field, and a screen reader starts there, ready for typing.
// Reached by Tab instead, the field is now and then missed by Orca: when Chromium reports the caret in the
// field before the focus, Orca moves there without a word and stays in browse mode.
translatePage();
document.getElementById('badge').focus();

// Someone already signed in goes straight to their own page.
try {
  const me = await api('/api/v1/me');
  if (homeOf[me.role]) location.replace(homeOf[me.role]);
} catch {
  // Not signed in yet: this page is where they should be.
}
