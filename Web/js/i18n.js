// Dutch and English strings for every page: no text is written in the scripts themselves.
// A page may ask for extra bundles with <meta name="annolab-i18n" content="boxes ...">:
// then /i18n/{name}.{lang}.json is merged in as well (its keys start with the bundle's name).
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

/** The language the page shows now. */
export function language() {
  return current;
}

function bundleNames() {
  const meta = document.querySelector('meta[name="annolab-i18n"]');
  return meta ? meta.content.split(/\s+/).filter((name) => /^[a-z0-9-]+$/.test(name)) : [];
}

async function fetchStrings(path) {
  try {
    const response = await fetch(path);
    return response.ok ? await response.json() : {};
  } catch {
    return {};
  }
}

/** Loads a language (and the page's extra bundles) and translates every element with data-i18n. */
export async function loadLanguage(language = preferredLanguage()) {
  if (!supported.includes(language)) language = 'en';
  const parts = await Promise.all([`/i18n/${language}.json`, ...bundleNames().map((name) => `/i18n/${name}.${language}.json`)]
    .map(fetchStrings));
  strings = Object.assign({}, ...parts);
  current = language;
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of document.querySelectorAll('[data-i18n-label]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nLabel));
  }
  return language;
}

/** A string in the current language; {name} placeholders are filled from values. */
export function t(key, values = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');
}

/** Switches to a language and remembers the choice on this computer. */
export async function setLanguage(language) {
  localStorage.setItem('annolab.language', language);
  return loadLanguage(language);
}

/** Switches between Dutch and English and remembers the choice. */
export async function toggleLanguage() {
  return setLanguage(current === 'nl' ? 'en' : 'nl');
}
