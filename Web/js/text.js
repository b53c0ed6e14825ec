// The text mode page: one input field, the conversation in a log, sounds on keys.
// The dialogue itself runs on the server (POST /api/v1/text), the same one as `annolab text`.
import textEnglish from '../i18n/text.en.json' with { type: 'json' };
import textDutch from '../i18n/text.nl.json' with { type: 'json' };
import { api } from './api.js';
import { addStrings, language, t, toggleLanguage, translatePage } from './i18n.js';
import { el } from './work-dom.js';
import { openPage } from './work-prefs.js';
import { playTone } from './work-sound.js';

addStrings('text', textEnglish, textDutch);

const $ = (id) => document.getElementById(id);
const log = $('log');
const input = $('say');
const player = $('player');
const speakKey = 'annolab.text.speak';
let settings = null;
/** The sounds of the current task, and which one plays now. */
let clips = [];
let queue = [];

/**
 * A reply goes into the log as one paragraph, its lines kept apart by line breaks (shown as lines): added as
 * several elements, a screen reader may read them in another order (Orca read "Subtitle 1 of 4" before
 * "Check 4 subtitles", and the lines of a reply added as one element in any order at all).
 */
function addLines(lines, className) {
  log.append(el('p', { class: className, text: lines.join('\n') }));
  log.scrollTop = log.scrollHeight;
}

function speakAloud() {
  return $('speak').checked;
}

/** Reads a reply aloud: the lab's spoken version when there is one, else the browser's voice. */
function speak(reply) {
  if (reply.audio) {
    queue = [];
    player.src = reply.audio;
    player.play().catch(() => {});
  } else if (window.speechSynthesis) {
    const words = new SpeechSynthesisUtterance(reply.lines.join(' '));
    words.lang = reply.language === 'nl' ? 'nl-NL' : 'en-GB';
    speechSynthesis.cancel();
    speechSynthesis.speak(words);
  }
}

function playFrom(list) {
  if (!list.length) {
    addLines([t('text.noSound')]);
    return;
  }
  queue = list.slice(1);
  player.src = list[0];
  player.play().catch(() => {});
}

player.addEventListener('ended', () => {
  if (queue.length) playFrom(queue);
});

async function send(said) {
  if (said) addLines([t('text.you', { input: said })], 'said');
  let reply;
  try {
    // The dialogue speaks the page's language.
    const body = { input: said, speech: speakAloud(), language: language() };
    reply = await api('/api/v1/text', { method: 'POST', body });
  } catch (error) {
    addLines([error.status ? t('text.failed', { message: error.message }) : t('text.noConnection')]);
    if (error.status === 401) location.replace('/');
    return;
  }
  addLines(reply.lines);
  if (reply.clips && reply.clips.length) clips = reply.clips;
  if (reply.signal) playTone(reply.signal, settings);
  if (reply.play) playFrom(reply.clips || []);
  else if (speakAloud()) speak(reply);
}

/** Lines go to the lab one after another, in the order they were said. */
let sending = Promise.resolve();

$('say-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const said = input.value.trim();
  input.value = '';
  input.focus();
  if (said) sending = sending.then(() => send(said));
});

function togglePlay() {
  if (!player.src) return playFrom(clips);
  if (player.paused) player.play().catch(() => {});
  else player.pause();
}

function seek(seconds) {
  if (!player.src) return;
  player.currentTime = Math.max(0, Math.min((player.duration || 0), player.currentTime + seconds));
}

$('play-pause').addEventListener('click', togglePlay);
$('replay').addEventListener('click', () => playFrom(clips));
$('back').addEventListener('click', () => seek(-2));
$('forward').addEventListener('click', () => seek(2));
$('player-keys').addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const onButton = event.target.tagName === 'BUTTON';
  if (event.key === ' ' && !onButton) togglePlay();
  else if (event.key === 'r' || event.key === 'R') playFrom(clips);
  else if (event.key === 'ArrowLeft') seek(-2);
  else if (event.key === 'ArrowRight') seek(2);
  else return;
  event.preventDefault();
});

/**
 * One voice at a time. With "read aloud" on, the lab's voice reads each reply and the conversation is not a
 * live region, so a screen reader does not read it as well; with it off, the screen reader reads the replies
 * and the lab's voice says nothing of them. A key typed in the field stops the lab's voice and any sound at
 * once, so the screen reader's echo of the typing and the next reply never meet them.
 */
function shareTheEar() {
  log.setAttribute('aria-live', speakAloud() ? 'off' : 'polite');
}

function silence() {
  queue = [];
  if (!player.paused) player.pause();
  if (window.speechSynthesis) speechSynthesis.cancel();
}

input.addEventListener('keydown', (event) => {
  if (event.key.length === 1 || event.key === 'Enter' || event.key === 'Backspace') silence();
});

$('speak').checked = localStorage.getItem(speakKey) === 'on';
shareTheEar();
$('speak').addEventListener('change', () => {
  localStorage.setItem(speakKey, speakAloud() ? 'on' : 'off');
  shareTheEar();
});

$('language').addEventListener('click', async () => {
  await toggleLanguage();
  document.title = `${t('text.title')} – Annolab`;
  // The dialogue follows the page's language; an empty line reads the current step again.
  send('');
});
$('sign-out').addEventListener('click', async () => {
  await api('/api/v1/logout', { method: 'POST' }).catch(() => {});
  location.assign('/');
});

async function main() {
  const opened = await openPage('operator');
  if (!opened) return;
  settings = opened.settings;
  document.title = `${t('text.title')} – Annolab`;
  await send('');
}

// The page is in its reader's language, and the focus in the field, before the page has finished loading.
// A screen reader then starts in the field, ready for typing. Moved later (after the requests of main),
// the focus lands while the screen reader reads the page from the top, and Orca stays in browse mode:
// the letters typed next are taken as navigation keys (h for the next heading) instead of reaching the field.
translatePage();
document.title = `${t('text.title')} – Annolab`;
input.focus();
main();
