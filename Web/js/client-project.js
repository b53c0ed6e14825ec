// One project: progress, quality (with a subtitle check's rule findings), how clear the instructions are, and cost in words, adding files (with progress), downloads, the client's model, a note to the lab.
import { csrfHeaders } from './api.js';
import { $, T, api, day, el, euro, kindWords, maybe, num, percent, showErrors, start } from './client-common.js';
import { showClarity } from './client-ratings.js';
import { addStrings, t } from './i18n.js';
import modelEnglish from '../i18n/model.en.json' with { type: 'json' };
import modelDutch from '../i18n/model.nl.json' with { type: 'json' };

addStrings('model', modelEnglish, modelDutch);

const id = new URLSearchParams(location.search).get('id');
let project = null;
let report = null;
let busy = false;

const put = (node, text) => { node.textContent = text; };
const facts = (list, pairs) => list.replaceChildren(...pairs.filter(Boolean)
  .flatMap(([key, value]) => [el('dt', { text: T(key) }), el('dd', { text: value })]));
const work = (h) => (h >= 1 ? T('work.hours', { n: num(h) }) : T('work.minutes', { n: Math.max(1, Math.round(h * 60)) }));
const said = (error) => maybe(`code.${error.code}`, error.message);

async function render() {
  try {
    project = await api(`/api/v1/projects/${encodeURIComponent(id || 0)}`);
  } catch (error) {
    if (error.status === 401) return location.replace('/');
    put($('name'), T('project.missingTitle'));
    put($('missing'), error.status === 404 ? T('project.missing') : T('failed', { reason: error.message }));
    $('missing').hidden = false;
    return;
  }
  show();
}

function show() {
  const p = project;
  const g = p.progress || {};
  const q = p.quality || {};
  const c = p.cost || {};
  const [total = 0, done = 0, working = 0] = [g.microtasks, g.completed, g.inProgress];
  const left = g.left ?? Math.max(0, total - done - working);
  $('project').hidden = false;
  put($('name'), p.name);
  facts($('setup'), [
    ['project.kind', kindWords(p.template)],
    p.labels?.length && ['project.labels', p.labels.join(', ')],
    ['project.people', p.overlap ? T('project.fixed', { n: p.overlap }) : T('project.adaptive', p.adaptiveOverlap || { min: 2, max: 5 })],
    ['project.gold', `${num((p.goldRate || 0) * 100)}%`],
    p.deadline && ['project.deadline', day(p.deadline)],
  ]);

  put($('progress-done'), total ? T('done', { done, total }) : T('noItems'));
  Object.assign($('progress-bar'), { max: total || 1, value: done });
  let eta = T('progress.etaNone');
  if (total && done >= total) eta = T('progress.finished');
  else if (g.eta) eta = T(g.etaHours != null ? 'progress.eta' : 'progress.etaDate', { date: day(g.eta), work: work(g.etaHours) });
  else if (g.etaHours != null) eta = T('progress.etaHours', { work: work(g.etaHours) });
  $('progress-list').replaceChildren(...[T('progress.working', { n: working }), T('progress.left', { n: left }), eta]
    .map((text) => el('li', { text })));
  showJobs(p.jobs || []);
  showClarity(p);

  facts($('quality'), [
    ['quality.agreementAll', percent(q.agreement)],
    ['quality.alpha', q.alpha == null ? T('notYet') : T('quality.alphaValue', { alpha: num(q.alpha, 2) })],
    ['quality.gold', q.goldAccuracy == null ? T('notYet') : T('quality.goldValue', { p: percent(q.goldAccuracy), n: q.goldAnswers ?? 0 })],
    ['quality.answersAll', num(q.answers ?? 0, 0)],
  ]);
  const rows = q.labels || [];
  $('label-table').hidden = !rows.length;
  $('label-rows').replaceChildren(...rows.map((row) => el('tr', {},
    el('th', { scope: 'row', text: row.label }), el('td', { text: num(row.answers ?? 0, 0) }), el('td', { text: percent(row.agreement) }))));

  // A subtitle check's machine findings per rule; other kinds have no rules, so nothing is shown.
  const found = p.subtitleFindings;
  $('rules').hidden = !found;
  $('rules-link').hidden = !found;
  if (found) {
    put($('rules-summary'), T('rules.summary', { cues: num(found.cueCount ?? 0, 0), flagged: num(found.flaggedCueCount ?? 0, 0),
      hard: num(found.hardCueCount ?? 0, 0) }));
    $('rules-rows').replaceChildren(...(found.rules || []).map((row) => el('tr', {},
      el('th', { scope: 'row', text: maybe(`rules.name.${row.rule}`, row.rule) }),
      el('td', { text: maybe(`rules.${row.severity}`, row.severity) }), el('td', { text: num(row.cues ?? 0, 0) }))));
  }

  facts($('cost'), [
    ['cost.hours', T('cost.hoursValue', { hours: num(c.paidHours ?? 0, 2) })],
    ['cost.total', T('cost.totalValue', { cost: euro(c.cost ?? 0), price: euro(c.clientHourlyPrice ?? 0) })],
    ['cost.labels', num(c.labelsDelivered ?? 0, 0)],
    ['cost.perLabel', c.costPerLabel == null ? T('notYet') : euro(c.costPerLabel)],
  ]);

  const formats = p.exports || [];
  // Shown again only when it changes: a refresh while programmes are prepared must not take
  // away a download link that has the focus.
  const shown = `${p.template}:${formats.join(',')}:${document.documentElement.lang}`;
  if ($('downloads').dataset.shown !== shown) {
    $('downloads').dataset.shown = shown;
    $('downloads').replaceChildren(...formats.map((format) => el('li', {}, el('a', {
      id: `download-${format}`, download: true, href: `/api/v1/projects/${p.id}/export?format=${encodeURIComponent(format)}`,
      text: maybe(`format.${p.template}.${format}`, maybe(`format.${format}`, format)),
    }))));
  }
  $('no-downloads').hidden = formats.length > 0;
  showModel();
  if (report) showReport(false);
}

// ---- The client's model: its address and token, its state, removing it, and a link to its report ----------

const MODEL_KINDS = ['image-boxes', 'choice', 'audio-tags'];
const M = (key, values) => t(`model.${key}`, values);
/** An element whose words follow the page's language (i18n translates every data-i18n on a switch). */
const words = (tag, key, props = {}) => el(tag, { ...props, 'data-i18n': `model.${key}`, text: M(key) });
let modelTimer = null;

/** The model's part of the page, made once (after the downloads) so that a refresh keeps what is typed and the focus. */
function modelPart() {
  if ($('model')) return $('model');
  const field = (name, key, input) => el('div', { class: 'field' }, words('label', `part.${key}`, { for: name }),
    words('p', `part.${key}Hint`, { class: 'hint', id: `${name}-hint` }), el('p', { class: 'error-message', id: `${name}-error`, hidden: true }),
    el('input', { id: name, name, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `${name}-hint ${name}-error`, ...input }));
  const form = el('form', { id: 'model-form', novalidate: true },
    el('div', { class: 'error-summary', tabindex: '-1', hidden: true }, el('h3', { 'data-i18n': 'client.problem', text: T('problem') }), el('ul')),
    field('model-url', 'url', { type: 'text', inputmode: 'url' }),
    field('model-token', 'token', { type: 'password' }),
    words('button', 'part.connect', { type: 'submit', id: 'model-connect' }));
  const part = el('section', { id: 'model', 'aria-labelledby': 'model-title' },
    words('h2', 'part.title', { id: 'model-title', tabindex: '-1' }),
    words('p', 'part.intro'),
    el('p', { id: 'model-use' }),
    el('dl', { id: 'model-facts', class: 'facts' }),
    el('p', { id: 'model-report-link' }, words('a', 'part.report', { id: 'model-report' })),
    form,
    words('button', 'part.remove', { type: 'button', class: 'secondary', id: 'model-remove', hidden: true }),
    el('p', { id: 'model-status', role: 'status', class: 'saved' }));
  $('downloads').closest('section').after(part);
  const link = el('li', { id: 'model-nav' }, el('a', { href: '#model-title', 'data-i18n': 'model.part.title', text: M('part.title') }));
  document.querySelector('.page-nav a[href="#downloads-title"]').closest('li').after(link);
  link.querySelector('a').addEventListener('click', (event) => { event.preventDefault(); $('model-title').focus(); });
  form.addEventListener('submit', connectModel);
  $('model-remove').addEventListener('click', removeModel);
  return part;
}

function showModel() {
  const p = project;
  const shown = MODEL_KINDS.includes(p.template);
  if (!shown) {
    if ($('model')) $('model').hidden = true;
    if ($('model-nav')) $('model-nav').hidden = true;
    return;
  }
  modelPart();
  $('model').hidden = false;
  $('model-nav').hidden = false;
  const pre = p.preannotations;
  const use = pre ? [pre.mode === 'blind' ? M('part.useBlind') : M('part.useVerify', { threshold: num(pre.threshold ?? 0.5, 2) }),
    M(pre.order === 'uncertain-first' ? 'part.useUncertain' : 'part.useInOrder'), pre.modelVotes ? M('part.useVotes') : null]
    .filter(Boolean).join(' ') : '';
  const m = p.model;
  const state = m && (m.state === 'failed' ? (m.reason ? M('part.failed', { reason: m.reason }) : M('part.failedNoReason')) : M(`part.${m.state}`));
  // Only a project made to start from a model's answers can take a model.
  $('model-form').hidden = !pre;
  $('model-facts').hidden = !pre && !m;
  $('model-use').textContent = pre ? use : M('part.notMade');
  $('model-use').hidden = false;
  $('model-facts').replaceChildren(...(m ? [['address', m.url], ['state', state], m.modelVersion && ['modelVersion', m.modelVersion],
    ['predicted', num(m.predicted ?? 0, 0)], ['waiting', num(m.waiting ?? 0, 0)]] : [['state', M('part.none')]])
    .filter(Boolean).flatMap(([key, value]) => [el('dt', { text: M(`part.${key}`) }), el('dd', { text: value })]));
  $('model-report').href = `/client/projects/${encodeURIComponent(p.id)}/model`;
  $('model-report-link').hidden = !(m || pre);
  $('model-remove').hidden = !m;
  clearTimeout(modelTimer);
  if (m?.state === 'checking') modelTimer = setTimeout(render, 3000);
}

async function connectModel(event) {
  event.preventDefault();
  const form = event.target;
  const url = form.elements['model-url'].value.trim();
  const token = form.elements['model-token'].value;
  if (!/^https?:\/\/\S+$/i.test(url)) return showErrors(form, [{ name: 'model-url', text: M('part.err.url') }]);
  showErrors(form, []);
  $('model-status').textContent = M('part.connecting');
  try {
    project.model = await api(`/api/v1/projects/${encodeURIComponent(project.id)}/model`,
      { method: 'PUT', body: token ? { url, token } : { url } });
  } catch (error) {
    $('model-status').textContent = '';
    const text = t(`model.part.code.${error.code}`) === `model.part.code.${error.code}` ? said(error) : M(`part.code.${error.code}`);
    return showErrors(form, [{ name: 'model-url', text: error.message && error.code === 'model_setup_failed' ? `${text} ${error.message}` : text }]);
  }
  form.reset();
  $('model-status').textContent = M('part.connected');
  show();
}

async function removeModel() {
  try {
    await api(`/api/v1/projects/${encodeURIComponent(project.id)}/model`, { method: 'DELETE' });
  } catch (error) {
    $('model-status').textContent = T('failed', { reason: said(error) });
    return;
  }
  delete project.model;
  show();
  // The button is gone: the part's heading takes the focus, and the status says what happened.
  $('model-title').focus();
  $('model-status').textContent = M('part.removed');
}

// Programmes are prepared after the upload: their state is shown, and looked at again every few
// seconds while one is unfinished. Only a programme that becomes ready or fails is said aloud.
let jobStates = null;
let jobTimer = null;
function showJobs(jobs) {
  $('jobs-box').hidden = !jobs.length;
  $('jobs').replaceChildren(...jobs.map((job) => el('li', {
    text: T(`jobs.${job.state}`, { file: job.file, p: Math.round((job.progress || 0) * 100), reason: job.reason || '' }),
  })));
  const said = jobs.filter((job) => jobStates && jobStates[job.file] && jobStates[job.file] !== job.state
    && (job.state === 'ready' || job.state === 'failed'))
    .map((job) => (job.state === 'ready' ? T('jobs.done', { file: job.file }) : T('jobs.failed', { file: job.file, reason: job.reason || '' })));
  if (said.length) put($('jobs-said'), said.join(' '));
  jobStates = Object.fromEntries(jobs.map((job) => [job.file, job.state]));
  clearTimeout(jobTimer);
  if (jobs.some((job) => job.state === 'waiting' || job.state === 'working')) jobTimer = setTimeout(render, 3000);
}

function showReport(focus) {
  const rejected = report.rejected || [];
  put($('report-imported'), T('report.imported', { n: report.imported ?? 0, m: report.microtasks ?? 0 }));
  put($('rejected-intro'), T('report.rejected', { n: rejected.length }));
  $('rejected').replaceChildren(...rejected.map((file) => el('li', {}, el('strong', { text: file.file }),
    `: ${maybe(`reject.${file.code}`, file.reason)}`)));
  $('report-rejected').hidden = !rejected.length;
  // The heading that takes the focus carries the report as its description, so a screen reader says the
  // figures and each refused file's reason at once, not only the heading.
  $('report-title').setAttribute('aria-describedby', rejected.length ? 'report-imported report-rejected' : 'report-imported');
  $('report').hidden = false;
  if (focus) $('report-title').focus();
}

// The upload goes by XMLHttpRequest, which tells how much is sent; the words under the bar follow it,
// while the status line (a live region) speaks only at the start. At the end the report's heading takes the
// focus and is read with the report: a second sentence in the status line at that moment made a screen reader
// read the line's last text twice and lose the first (a small upload ends within the same instant).
$('upload-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  const n = form.elements.file.files.length;
  const one = n === 1 ? 'One' : '';
  if (busy) return;
  if (!n) return showErrors(form, [{ name: 'file', text: T('upload.none') }]);
  showErrors(form, []);
  busy = true;
  const bar = $('upload-progress');
  const words = $('upload-words');
  const xhr = new XMLHttpRequest();
  bar.value = 0;
  put(words, T(`upload.sending${one}`, { n, p: 0 }));
  put($('upload-status'), T(`upload.started${one}`, { n }));
  $('sending').hidden = false;
  $('report').hidden = true;
  const fail = (text) => {
    busy = false;
    $('sending').hidden = true;
    put($('upload-status'), '');
    showErrors(form, [{ name: 'file', text: T('upload.failed', { reason: text }) }]);
  };
  xhr.upload.onprogress = (e) => {
    if (!e.lengthComputable) return;
    bar.value = Math.round((e.loaded / e.total) * 100);
    put(words, T(`upload.sending${one}`, { n, p: bar.value }));
  };
  xhr.onload = async () => {
    let data = null;
    try { data = JSON.parse(xhr.responseText); } catch { /* not JSON: the status says enough */ }
    if (xhr.status !== 201 && xhr.status !== 200) return fail(data?.error ? said(data.error) : `${xhr.status} ${xhr.statusText}`);
    busy = false;
    bar.value = 100;
    put(words, T(`upload.sent${one}`, { n }));
    report = data;
    form.reset();
    showReport(true);
    project = await api(`/api/v1/projects/${project.id}`).catch(() => project);
    show();
  };
  xhr.onerror = () => fail(T('upload.network'));
  xhr.open('POST', `/api/v1/projects/${project.id}/items`);
  for (const [name, value] of Object.entries(csrfHeaders('POST'))) xhr.setRequestHeader(name, value);
  xhr.send(new FormData(form));
});

$('feedback-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const text = form.elements.text.value.trim();
  if (!text) return showErrors(form, [{ name: 'text', text: T('feedback.empty') }]);
  try {
    const kind = form.querySelector('[name=kind]:checked').value;
    await api(`/api/v1/projects/${project.id}/feedback`, { method: 'POST', body: { kind, text } });
  } catch (error) {
    return showErrors(form, [{ name: 'text', text: T('failed', { reason: said(error) }) }]);
  }
  form.hidden = true;
  $('thanks').hidden = false;
  $('thanks').focus();
});

start(render);
