// The operator's work page: one microtask at a time, the pause screen, and the block's time in words.
// The server's clock is the truth: the page schedules only by the wall seconds the server sends.
import { api, csrfHeaders } from './api.js';
import { language, t, toggleLanguage } from './i18n.js';
import { el } from './work-dom.js';
import { Outbox } from './work-outbox.js';
import { openPage, saveSettings } from './work-prefs.js';
import { RatingQuestion } from './work-rating.js';
import { showLadder, showReviewNote } from './work-ladder.js';
import { playTone } from './work-sound.js';

const kinds = ['image-boxes', 'image-box-verify', 'subtitle-check', 'audio-tags', 'choice'];
const $ = (id) => document.getElementById(id);
const screens = ['loading', 'start', 'work', 'wait', 'pause', 'extra'];
const tipCount = 5;

let me = null;
let settings = null;
let outbox = null;
let rating = null; // were the instructions clear? (work-rating.js)
let shift = null;
let screen = 'loading';
let current = null; // the task on screen: {task, assignment, module, widget, draft, dirty}
let next = null; // the task preloaded while the operator works on the current one
let preloading = false;
let finishing = false; // the block ended while the operator was busy with a task
let resuming = null;
let gettingNext = null;
let blockEnd = null; // performance.now() at which the work block ends
let speed = 1; // lab seconds in a wall second: more than 1 only in a test lab whose clock runs fast
const timers = {};

// ---- talking to the lab ---------------------------------------------------------------

/** A request that never throws for HTTP errors: {status, data}; {status: 0} when the lab cannot be reached. */
async function request(path, method = 'GET', body, keepalive = false) {
  try {
    const response = await fetch(path, {
      method, keepalive, credentials: 'same-origin',
      headers: body === undefined ? csrfHeaders(method) : { 'Content-Type': 'application/json', ...csrfHeaders(method) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch { data = null; }
    if (response.status === 401) location.replace('/');
    return { status: response.status, data };
  } catch {
    return { status: 0, data: null };
  }
}

const storeKey = () => `annolab.work.${me.id}`;
const countKey = () => `annolab.count.${me.id}`;
const nextKey = () => `annolab.next.${me.id}`;

function later(name, seconds, action) {
  clearTimeout(timers[name]);
  timers[name] = setTimeout(action, Math.max(0, seconds) * 1000);
}

// ---- words on the screen --------------------------------------------------------------

function announce(text) {
  const region = $('announce');
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

function tell(id, text, seconds) {
  clearTimeout(timers[id]);
  $(id).textContent = text || '';
  if (seconds) later(id, seconds, () => { $(id).textContent = ''; });
}

/** The lab cannot be reached: say so, and say that answers are kept when some are waiting. */
function connectionLost() {
  tell('connection', `${outbox && outbox.size ? `${t('work.offline')} ` : ''}${t('work.noConnection')}`);
}

function connectionBack() {
  if (!(outbox && outbox.inTrouble) && $('connection').textContent.includes(t('work.noConnection'))) tell('connection', '');
}

function timeLeftText(seconds) {
  const minutes = Math.round(seconds / 60);
  if (seconds < 60) return t('work.timeLeftLess');
  if (minutes <= 1) return t('work.timeLeftOne');
  return t('work.timeLeft', { minutes });
}

function renderTimeLeft() {
  const line = $('time-left');
  line.hidden = blockEnd === null;
  if (blockEnd !== null) line.textContent = timeLeftText(Math.max(0, (blockEnd - performance.now()) / 1000) * speed);
}

function blockId() {
  return shift ? `${shift.startedAt}|${shift.blockEndsAt}` : '';
}

function answerCount() {
  try {
    const saved = JSON.parse(localStorage.getItem(countKey()));
    return saved && saved.block === blockId() ? saved.count : 0;
  } catch {
    return 0;
  }
}

function renderCount() {
  $('answer-count').textContent = t('work.answers', { count: answerCount() });
}

function countAnswer() {
  localStorage.setItem(countKey(), JSON.stringify({ block: blockId(), count: answerCount() + 1 }));
  renderCount();
}

/** The block's time in words, updated silently once a minute and announced at 5 and 1 minute. */
function setBlockClock(secondsLeft) {
  for (const name of ['warn5', 'warn1', 'blockEnd']) clearTimeout(timers[name]);
  clearInterval(timers.minute);
  blockEnd = typeof secondsLeft === 'number' ? performance.now() + secondsLeft * 1000 : null;
  renderTimeLeft();
  if (blockEnd === null) return;
  timers.minute = setInterval(renderTimeLeft, 60000 / speed);
  for (const minutes of [5, 1]) {
    const at = secondsLeft - minutes * 60 / speed;
    if (at > 0) {
      later(`warn${minutes}`, at, () => {
        renderTimeLeft();
        announce(timeLeftText(minutes * 60));
      });
    }
  }
  later('blockEnd', secondsLeft + 0.5, refreshShift);
}

/**
 * True until the page shows its first screen. That screen leaves the focus at the start of the page: a
 * screen reader reads a page that has just opened from the top, and a focus moved meanwhile cuts that
 * reading off, or (Orca) makes it skip the new page's name altogether and say nothing.
 */
let opening = true;

function showScreen(name, { focus = true } = {}) {
  screen = name;
  for (const other of screens) $(`screen-${other}`).hidden = other !== name;
  $('pause-area').hidden = !['work', 'wait', 'loading'].includes(name) || !shift || shift.phase !== 'work';
  const heading = $(`screen-${name}`).querySelector('.screen-title');
  document.title = `${heading && heading.textContent ? heading.textContent : t('home.operator.title')} – Annolab`;
  if (focus && heading && !opening) heading.focus();
  if (name !== 'loading') opening = false;
  if (!['work', 'loading', 'wait'].includes(name)) rating.hide();
  // What the operator can learn next, where there is room for it: before the shift and while waiting for work.
  $('ladder').hidden = true;
  if (['start', 'wait'].includes(name)) showLadder(t, () => ['start', 'wait'].includes(screen));
}

// ---- the shift ------------------------------------------------------------------------

async function refreshShift() {
  const { status, data } = await request('/api/v1/shift');
  if (status !== 200) {
    if (status === 0) connectionLost();
    later('refresh', 10, refreshShift);
    return;
  }
  connectionBack();
  applyShift(data);
}

function applyShift(data) {
  const before = screen;
  shift = data;
  later('refresh', 60, refreshShift);
  if (data.phase === 'work') {
    // The lab's minutes, not the wall's: the block's and the shift's ends are lab times, their counters wall seconds.
    const lab = (Date.parse(data.shiftEndsAt) - Date.parse(data.blockEndsAt)) / 1000;
    const wall = data.shiftSecondsLeft - data.blockSecondsLeft;
    speed = lab > 60 && wall > 0 ? lab / wall : speed;
    setBlockClock(data.blockSecondsLeft);
    renderCount();
    if (finishing) {
      finishing = false;
      tell('feedback', '');
    }
    if (current && before === 'work') {
      showScreen('work', { focus: false });
      preload();
      return;
    }
    if (before === 'wait' || resuming || gettingNext) return;
    startWork(before === 'pause' || before === 'extra' ? 'work.resume.announce' : 'work.newTask');
    return;
  }
  setBlockClock(null);
  if (data.phase === 'pause' && data.extraPause) showExtraPause(before);
  else if (data.phase === 'pause') showPause(data, before);
  else showStart(data.phase);
}

function showStart(phase) {
  dropAll();
  finishing = false;
  const ended = phase === 'ended';
  $('start-title').textContent = t(ended ? 'work.start.endedTitle' : 'work.start.title');
  $('start-text').textContent = t(ended ? 'work.start.endedText' : 'work.start.text');
  if (screen !== 'start') showScreen('start');
}

function showPause(data, before) {
  if (before === 'work' && current && current.dirty) {
    // The operator may finish the task in hand; the pause screen comes right after it.
    releaseNext();
    if (!finishing) {
      finishing = true;
      tell('feedback', t('work.blockEndedFinish'));
      announce(t('work.blockEndedFinish'));
    }
    return;
  }
  if (current && !current.dirty) dropCurrent(true);
  releaseNext();
  const seconds = typeof data.resumesInSeconds === 'number' ? data.resumesInSeconds : null;
  const time = seconds === null ? '' : new Date(Date.now() + seconds * 1000)
    .toLocaleTimeString(language(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  $('pause-resume').textContent = time ? t('work.pause.resumeAt', { time }) : '';
  if (screen !== 'pause') {
    const tip = (Number(localStorage.getItem('annolab.tip')) || 0) % tipCount;
    localStorage.setItem('annolab.tip', String(tip + 1));
    $('pause-tip').textContent = t(`work.pause.tip${tip + 1}`);
    showScreen('pause');
    announce(time ? t('work.pause.announce', { time }) : t('work.pause.title'));
    playTone('pause', settings);
  }
  if (seconds !== null) later('resume', seconds + 1, refreshShift);
}

function showExtraPause() {
  if (current && !current.dirty) dropCurrent(true);
  releaseNext();
  if (screen !== 'extra') {
    showScreen('extra');
    announce(t('work.extra.title'));
  }
}

// ---- tasks ----------------------------------------------------------------------------

async function fetchTask() {
  const { status, data } = await request('/api/v1/tasks/next');
  if (status) connectionBack();
  if (status !== 200 || !data || !data.task) return { status };
  return { status, entry: await prepare({ task: data.task, assignment: data.assignment, draft: null }) };
}

/** Loads the task's widget module and warms its media, so showing it later costs no network. */
async function prepare(entry) {
  const kind = entry.task.kind;
  entry.module = null;
  if (kinds.includes(kind)) {
    try { entry.module = await import(`./kinds/${kind}.js`); } catch { entry.module = null; }
  }
  for (const url of entry.task.media || []) {
    if (/\.(png|jpe?g)$/i.test(url)) new Image().src = url;
  }
  return entry;
}

function leaseSeconds(entry) {
  const seconds = entry.assignment && Number(entry.assignment.leaseSeconds);
  return seconds > 0 ? seconds : 600;
}

function scheduleRenew(entry) {
  clearTimeout(entry.renewTimer);
  entry.renewTimer = setTimeout(() => renew(entry), Math.max(1, leaseSeconds(entry) / 2) * 1000);
}

async function renew(entry) {
  const { status, data } = await request(`/api/v1/assignments/${entry.assignment.id}/renew`, 'POST', {});
  if (entry !== current && entry !== next) return;
  if (status === 200) {
    if (data && data.leaseSeconds) entry.assignment.leaseSeconds = data.leaseSeconds;
    scheduleRenew(entry);
  } else if (status === 0 || status >= 500) {
    entry.renewTimer = setTimeout(() => renew(entry), Math.min(15, leaseSeconds(entry) / 4) * 1000);
  } else if (status === 423) {
    if (!finishing) refreshShift();
  } else if (entry === next) {
    setNext(null);
    preload();
  } else {
    tell('feedback', t('work.taskClosed'), 10);
    dropCurrent(false);
    advance();
  }
}

function release(entry) {
  clearTimeout(entry.renewTimer);
  return request(`/api/v1/assignments/${entry.assignment.id}/release`, 'POST', {}, true);
}

/** Remembers which task is loaded ahead, so that it is handed back even after a crash. */
function setNext(entry) {
  next = entry;
  if (entry) localStorage.setItem(nextKey(), String(entry.assignment.id));
  else localStorage.removeItem(nextKey());
}

function releaseNext() {
  const done = next ? release(next) : null;
  setNext(null);
  return done;
}

function dropCurrent(giveBack) {
  if (!current) return null;
  clearTimeout(current.renewTimer);
  if (current.widget) current.widget.destroy();
  const done = giveBack ? release(current) : null;
  current = null;
  localStorage.removeItem(storeKey());
  return done;
}

function dropAll() {
  return Promise.all([dropCurrent(true), releaseNext()]);
}

function storeCurrent() {
  if (!current) return;
  const { task, assignment, draft } = current;
  localStorage.setItem(storeKey(), JSON.stringify({ task, assignment, draft }));
}

function renderTask(entry) {
  const { task } = entry;
  const lang = language();
  $('task-title').textContent = (task.title && (task.title[lang] || task.title.en)) || t('work.taskTitle');
  const lines = (task.instructions && (task.instructions[lang] || task.instructions.en)) || [];
  $('instruction-list').replaceChildren(...lines.map((line) => el('li', { text: line })));
  $('instructions').hidden = lines.length === 0;
  // Changed instructions are shown open.
  $('instructions-changed').hidden = !task.instructionsChanged;
  $('instructions').open = task.instructionsChanged || localStorage.getItem(`annolab.instructions.${task.kind}`) !== 'closed';
  const examples = task.examples || [];
  $('example').hidden = examples.length === 0;
  const pick = (text) => (text && (text[lang] || text.en)) || '';
  $('example-body').replaceChildren(...examples.map((example) => el('dl', { class: 'example' },
    el('dt', { text: t('work.example.input') }), el('dd', { text: pick(example.input) }),
    el('dt', { text: t('work.example.answer') }), el('dd', { text: pick(example.answer) }),
    example.why ? el('dt', { text: t('work.example.why') }) : null, example.why ? el('dd', { text: pick(example.why) }) : null)));
  hideTaskError();
  const container = el('div', { class: `widget widget-${task.kind}` });
  $('widget').replaceChildren(container);
  if (entry.widget) entry.widget.destroy();
  entry.widget = null;
  if (entry.module && entry.module.mount) {
    try {
      entry.widget = entry.module.mount(container, task, {
        t, lang, draft: entry.draft || null, settings,
        announce,
        onDraft(state) {
          entry.draft = state;
          entry.dirty = true;
          if (entry === current) storeCurrent();
        },
      });
    } catch {
      entry.widget = null;
    }
  }
  if (!entry.widget) container.append(el('p', { class: 'error-message', text: t('work.kindMissing') }));
}

/** Puts a task on the screen at once (it is already loaded), then moves the focus to it. */
function showTask(entry, { focus = true, say = 'work.newTask' } = {}) {
  if (current && current !== entry) dropCurrent(false);
  current = entry;
  entry.dirty = Boolean(entry.draft);
  renderTask(entry);
  const reviewing = showReviewNote(entry.task, t);
  showScreen('work', { focus: false });
  performance.mark('annolab-task-shown');
  storeCurrent();
  scheduleRenew(entry);
  if (focus) focusTask();
  if (say) {
    const changed = entry.task.instructionsChanged ? t('work.instructionsChanged') : '';
    announce([t(say, { title: $('task-title').textContent }), reviewing, changed, rating.spoken()].filter(Boolean).join(' '));
  }
  renderTimeLeft();
  renderCount();
}

function preload() {
  if (next || preloading || screen !== 'work' || finishing) return;
  preloading = true;
  fetchTask().then(({ status, entry }) => {
    preloading = false;
    if (entry) {
      if (screen === 'work' && !finishing && !next) {
        setNext(entry);
        scheduleRenew(entry);
      } else release(entry);
    } else if (status === 423 || status === 409) {
      if (!finishing) refreshShift();
    } else {
      later('preload', status === 204 ? 30 : 10, preload);
    }
  });
}

/** After a submit or skip: the preloaded task at once, else the next from the lab. */
function advance(say) {
  if (finishing) {
    finishing = false;
    tell('feedback', '');
    releaseNext();
    refreshShift();
    return;
  }
  if (next) {
    const entry = next;
    setNext(null);
    showTask(entry, { say });
    preload();
    return;
  }
  getNext(say);
}

function getNext(say = 'work.newTask') {
  if (!gettingNext) gettingNext = fetchNext(say).finally(() => { gettingNext = null; });
  return gettingNext;
}

async function fetchNext(say) {
  clearTimeout(timers.wait);
  if (screen !== 'wait') showScreen('loading', { focus: false });
  const { status, entry } = await fetchTask();
  if (entry) {
    if (shift && shift.phase === 'work' && ['loading', 'wait'].includes(screen)) {
      showTask(entry, { say });
      preload();
    } else release(entry);
  } else if (status === 204) {
    if (screen !== 'wait') {
      showScreen('wait');
      announce(t('work.wait.title'));
    }
    later('wait', 30, () => getNext());
  } else if (status === 423 || status === 409) {
    refreshShift();
  } else {
    connectionLost();
    later('wait', 10, () => getNext());
  }
}

/** Work (again): the task kept from before a reload or a pause if its lease still holds, else a new one. */
function startWork(say) {
  if (resuming) return;
  resuming = (async () => {
    let saved = current;
    if (!saved) {
      try { saved = JSON.parse(localStorage.getItem(storeKey())); } catch { saved = null; }
    }
    if (saved && saved.task && saved.assignment) {
      // The task kept from before a reload or a pause: still ours only if its lease can be renewed.
      const { status, data } = await request(`/api/v1/assignments/${saved.assignment.id}/renew`, 'POST', {});
      if (status === 200 || status === 0) {
        if (data && data.leaseSeconds) saved.assignment.leaseSeconds = data.leaseSeconds;
        showTask(saved.module === undefined ? await prepare(saved) : saved, { say });
        preload();
        return;
      }
      if (saved === current) dropCurrent(false);
      localStorage.removeItem(storeKey());
      if (status === 423) {
        refreshShift();
        return;
      }
    }
    await getNext(say);
  })().finally(() => { resuming = null; });
}

function showTaskError(message, focus) {
  $('task-error-text').textContent = message;
  $('task-error').hidden = false;
  if (focus) focus.focus();
  else $('task-error').focus();
}

function focusTask() {
  if (current && current.widget) current.widget.focus();
  else $('task-title').focus();
}

function hideTaskError() {
  $('task-error').hidden = true;
}

function submitTask() {
  if (!current || screen !== 'work') return;
  performance.mark('annolab-submit');
  const result = current.widget ? current.widget.answer() : { ok: false, message: t('work.kindMissing') };
  if (!result.ok) {
    showTaskError(result.message, result.focus);
    return;
  }
  outbox.add(current.assignment.id, result.answer);
  rating.ask(current.assignment.id);
  countAnswer();
  dropCurrent(false);
  advance('work.sentNext');
}

function skipTask() {
  if (!current || screen !== 'work') return;
  request(`/api/v1/assignments/${current.assignment.id}/skip`, 'POST', {});
  rating.ask(current.assignment.id);
  dropCurrent(false);
  advance('work.skippedNext');
}

// ---- the outbox: answers kept on this computer until the lab has them -------------------

const outboxHandlers = {
  accepted(item, body) {
    playTone('saved', settings);
    const feedback = body && body.feedback;
    if (feedback && feedback.message) {
      const text = feedback.message[language()] || feedback.message.en || '';
      tell('feedback', `${t(feedback.correct ? 'work.gold.correct' : 'work.gold.learn')} ${text}`, 10);
    }
  },
  refused(item, status, code) {
    const key = status === 423 ? 'work.refused.block'
      : ['lease_expired', 'assignment_closed', 'already_answered'].includes(code) ? 'work.refused.closed' : 'work.refused.other';
    tell('feedback', t(key), 12);
    if (status === 423 && !finishing) refreshShift();
  },
  trouble() {
    tell('connection', t('work.offline'));
  },
  recovered() {
    tell('connection', t('work.online'), 8);
  },
  signedOut() {
    location.replace('/');
  },
};

// ---- controls -------------------------------------------------------------------------

function wire() {
  const form = $('task-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitTask();
  });
  form.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.defaultPrevented || event.isComposing) return;
    // A held Enter must not answer the next task, which appears at once, unseen.
    if (event.repeat) {
      event.preventDefault();
      return;
    }
    if (event.shiftKey || event.ctrlKey || event.altKey || event.metaKey) return;
    if (event.target.closest('button, a, summary, audio, [role=button]')) return;
    event.preventDefault();
    submitTask();
  });
  $('skip').addEventListener('click', skipTask);
  $('instructions').addEventListener('toggle', () => {
    if (current) localStorage.setItem(`annolab.instructions.${current.task.kind}`, $('instructions').open ? 'open' : 'closed');
  });
  $('start-shift').addEventListener('click', async () => {
    $('start-error').hidden = true;
    const { status, data } = await request('/api/v1/shift/start', 'POST', {});
    if (status === 200 || status === 201) return applyShift(data);
    const reason = data && data.error ? data.error.message : t('work.noConnection');
    $('start-error').textContent = t('work.start.failed', { reason });
    $('start-error').hidden = false;
    $('start-shift').focus();
  });
  $('take-pause').addEventListener('click', async () => {
    const { status, data } = await request('/api/v1/shift/pause', 'POST', {});
    if (status === 200) applyShift(data);
    else connectionLost();
  });
  $('resume').addEventListener('click', async () => {
    const { status, data } = await request('/api/v1/shift/resume', 'POST', {});
    if (status === 200) applyShift(data);
    else connectionLost();
  });
  $('language').addEventListener('click', async () => {
    await toggleLanguage();
    settings.language = language();
    saveSettings(me.id, settings).catch(() => {});
    renderStatic();
  });
  $('sign-out').addEventListener('click', async () => {
    const patience = new Promise((resolve) => setTimeout(resolve, 3000));
    await Promise.race([outbox.flush(), patience]);
    await Promise.race([dropAll(), patience]);
    await api('/api/v1/logout', { method: 'POST' }).catch(() => {});
    location.assign('/');
  });
  // A task loaded ahead is handed back when the page goes; the one on screen is kept for a reload.
  window.addEventListener('pagehide', releaseNext);
}

/** Texts that depend on the language, after it changes. */
function renderStatic() {
  $('who').textContent = `${t('home.signedInAs', { name: me.name })} (${t('role.operator')})`;
  renderTimeLeft();
  renderCount();
  if (screen === 'start' && shift) showStart(shift.phase);
  if (screen === 'work' && current) showTask(current, { focus: false, say: false });
  const heading = $(`screen-${screen}`).querySelector('.screen-title');
  document.title = `${heading && heading.textContent ? heading.textContent : t('home.operator.title')} – Annolab`;
}

async function main() {
  const opened = await openPage('operator');
  if (!opened) return;
  ({ me, settings } = opened);
  wire();
  rating = new RatingQuestion({ t, announce, focusTask });
  renderStatic();
  outbox = new Outbox(me.id, outboxHandlers);
  if (outbox.size) outbox.flush();
  // A task loaded ahead by an earlier visit that ended without handing it back.
  const left = localStorage.getItem(nextKey());
  if (left) {
    localStorage.removeItem(nextKey());
    await request(`/api/v1/assignments/${Number(left)}/release`, 'POST', {});
  }
  await refreshShift();
}

main();
