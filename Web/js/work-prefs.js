// The operator's own settings (text size, contrast, motion, language, sounds), applied on every operator page.
// The server keeps them so they follow the operator to any lab computer; this computer keeps a copy.
import { api, homeOf } from './api.js';
import { language, loadLanguage, preferredLanguage, setLanguage } from './i18n.js';

export const textSizes = [100, 125, 150, 175, 200];

export function defaults() {
  return { textSize: 100, contrast: false, reducedMotion: false, language: preferredLanguage(), sounds: true };
}

const key = (userId) => `annolab.settings.${userId}`;

function clean(value) {
  const base = defaults();
  const s = { ...base, ...(value || {}) };
  if (!textSizes.includes(Number(s.textSize))) s.textSize = base.textSize;
  s.textSize = Number(s.textSize);
  if (!['nl', 'en'].includes(s.language)) s.language = base.language;
  for (const flag of ['contrast', 'reducedMotion', 'sounds']) s[flag] = Boolean(s[flag]);
  return s;
}

function remembered(userId) {
  try {
    return JSON.parse(localStorage.getItem(key(userId)));
  } catch {
    return null;
  }
}

/** The settings: the server's when it has a settings route, else the copy on this computer. */
export async function loadSettings(userId) {
  let value = remembered(userId);
  try {
    value = await api('/api/v1/me/settings');
    localStorage.setItem(key(userId), JSON.stringify(clean(value)));
  } catch {
    // No settings route (yet) or no connection: the copy on this computer will do.
  }
  return clean(value);
}

/** Stores the settings; returns {settings, where: 'server'|'here'}. Throws on values the lab refuses. */
export async function saveSettings(userId, settings) {
  let value = clean(settings);
  let where = 'server';
  try {
    value = clean(await api('/api/v1/me/settings', { method: 'PUT', body: value }));
  } catch (error) {
    if (error.status && error.status !== 404 && error.status < 500) throw error;
    where = 'here';
  }
  localStorage.setItem(key(userId), JSON.stringify(value));
  return { settings: value, where };
}

/**
 * Applies the settings to this page: text size, contrast and less motion. The language is switched
 * only when asked (the settings page): otherwise the language chosen on this computer stays.
 */
export async function applySettings(settings, { switchLanguage = false } = {}) {
  const root = document.documentElement;
  for (const size of textSizes) root.classList.toggle(`text-${size}`, settings.textSize === size && size !== 100);
  root.classList.toggle('contrast', settings.contrast);
  root.classList.toggle('reduce-motion', settings.reducedMotion);
  if (switchLanguage && settings.language !== language()) await setLanguage(settings.language);
  settings.language = language();
}

/**
 * Opens a page for one role: loads the language, checks who is signed in (else back to the
 * sign-in page, or to the person's own home), and applies their settings. Resolves to
 * {me, settings}, or to null when the page is being left.
 */
export async function openPage(role) {
  await loadLanguage();
  let me;
  try {
    me = await api('/api/v1/me');
  } catch {
    location.replace('/');
    return null;
  }
  if (me.role !== role) {
    location.replace(homeOf[me.role] || '/');
    return null;
  }
  const settings = await loadSettings(me.id);
  // The language the person chose in their settings follows them to any computer.
  await applySettings(settings, { switchLanguage: Boolean(settings.languageChosen) });
  return { me, settings };
}
