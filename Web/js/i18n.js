// Dutch and English strings for every page: no text is written in the scripts themselves.
// The strings every page needs come with this module (JSON modules), so a page is in its reader's language
// before it has finished loading: a screen reader that starts reading at the end of the load never reads
// the English of the HTML on a Dutch page. A page's own bundle comes with the page's script the same way
// (addStrings) when the page shows its strings at once, or is fetched when the page asks for it with
// <meta name="annolab-i18n" content="boxes ...">: then /i18n/{name}.{lang}.json is merged in as well
// (its keys start with the bundle's name).
import english from '../i18n/en.json' with { type: 'json' };
import dutch from '../i18n/nl.json' with { type: 'json' };

const supported = ['nl', 'en'];
const given = { en: [english], nl: [dutch] };
const givenNames = new Set();
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

/** A page's own strings, imported with its script: used at once, never fetched. */
export function addStrings(name, englishStrings, dutchStrings) {
  given.en.push(englishStrings);
  given.nl.push(dutchStrings);
  givenNames.add(name);
}

function bundleNames() {
  const meta = document.querySelector('meta[name="annolab-i18n"]');
  return meta ? meta.content.split(/\s+/).filter((name) => /^[a-z0-9-]+$/.test(name) && !givenNames.has(name)) : [];
}

async function fetchStrings(path) {
  try {
    const response = await fetch(path);
    return response.ok ? await response.json() : {};
  } catch {
    return {};
  }
}

/**
 * Writes a text only where it changed (an unchanged label is not announced again by a screen reader)
 * and only when the string is there (a bundle still to be fetched leaves its texts as they are).
 */
function apply() {
  document.documentElement.lang = current;
  for (const element of document.querySelectorAll('[data-i18n]')) {
    const key = element.dataset.i18n;
    if (key in strings && element.textContent !== t(key)) element.textContent = t(key);
  }
  for (const element of document.querySelectorAll('[data-i18n-label]')) {
    const key = element.dataset.i18nLabel;
    if (key in strings && element.getAttribute('aria-label') !== t(key)) element.setAttribute('aria-label', t(key));
  }
}

/**
 * Translates the page at once with the strings it already has (no fetch), so that it can be done while
 * the page is still loading. A bundle that is only fetched is added by loadLanguage.
 */
export function translatePage(language = preferredLanguage()) {
  if (!supported.includes(language)) language = 'en';
  strings = Object.assign({}, ...given[language]);
  current = language;
  apply();
  return language;
}

/**
 * Translates the page at once with what it has, then loads the page's fetched bundles (when it has any)
 * and translates what they hold.
 */
export async function loadLanguage(language = preferredLanguage()) {
  language = translatePage(language);
  const names = bundleNames();
  if (!names.length) return language;
  const parts = await Promise.all(names.map((name) => fetchStrings(`/i18n/${name}.${language}.json`)));
  strings = Object.assign({}, ...given[language], ...parts);
  current = language;
  apply();
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
