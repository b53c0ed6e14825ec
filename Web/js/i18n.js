// Dutch and English strings for every page: no text is written in the scripts themselves.
const supported = ['nl', 'en'];
let strings = {};
let current = 'en';

/** The language the person chose, else the browser's, else English. */
export function preferredLanguage() {
  const saved = localStorage.getItem('annolab.language');
  if (supported.includes(saved)) return saved;
  const browser = (navigator.language || 'en').slice(0, 2);
  return supported.includes(browser) ? browser : 'en';
}

/** Loads a language and translates every element with data-i18n on the page. */
export async function loadLanguage(language = preferredLanguage()) {
  const response = await fetch(`/i18n/${language}.json`);
  strings = await response.json();
  current = language;
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  return language;
}

/** A string in the current language; {name} placeholders are filled from values. */
export function t(key, values = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
}

/** Switches between Dutch and English and remembers the choice. */
export async function toggleLanguage() {
  const next = current === 'nl' ? 'en' : 'nl';
  localStorage.setItem('annolab.language', next);
  return loadLanguage(next);
}
