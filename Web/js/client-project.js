// One project: progress, quality (with a subtitle check's rule findings), how clear the instructions are, and cost in words, adding files (with progress), downloads, a note to the lab.
import { csrfHeaders } from './api.js';
import { $, T, api, day, el, euro, kindWords, maybe, num, percent, showErrors, start } from './client-common.js';
import { showClarity } from './client-ratings.js';

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
  if (report) showReport(false);
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
