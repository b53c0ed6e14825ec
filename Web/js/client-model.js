// The model's report on one project: right and wrong per label (a chart and the same figures in a table), what it mixed up, how sure it was, where it was most wrong, and the time it saved.
import { $, T, api, el, num, start } from './client-common.js';
import { addStrings, t } from './i18n.js';
import english from '../i18n/model.en.json' with { type: 'json' };
import dutch from '../i18n/model.nl.json' with { type: 'json' };

// The report's words come with its script, so the page is in its reader's language at once.
addStrings('model', english, dutch);

const M = (key, values) => t(`model.${key}`, values);
const id = (location.pathname.match(/^\/client\/projects\/([^/]+)\/model\/?$/) || [])[1];
const SVG = 'http://www.w3.org/2000/svg';
// One colour per measure, dark enough on white to read as text too; the legend names them in the same order.
const MEASURES = [['precision', '#1d4e89'], ['recall', '#2e6b30'], ['f1', '#7a2a7a']];

const put = (node, text) => { node.textContent = text; };
/** A share 0...1 as a whole percentage, the way the table and the chart both say it. */
const percent = (x) => (x == null ? T('notYet') : `${num(x * 100, 0)}%`);
const score = (x) => (x == null ? T('notYet') : num(x, 2));

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text != null) node.textContent = text;
  return node;
}

async function render() {
  let project;
  try {
    project = await api(`/api/v1/projects/${encodeURIComponent(id || 0)}`);
  } catch (error) {
    if (error.status === 401) return location.replace('/');
    return missing(T('project.missingTitle'), error.status === 404 ? T('project.missing') : T('failed', { reason: error.message }));
  }
  $('back').href = `/client/project?id=${encodeURIComponent(project.id)}`;
  put($('back'), M('backTo', { name: project.name }));
  let report;
  try {
    report = await api(`/api/v1/projects/${encodeURIComponent(project.id)}/model/report`);
  } catch (error) {
    if (error.status === 401) return location.replace('/');
    const why = error.status === 404 && error.code === 'no_predictions' ? M('noPredictions') : T('failed', { reason: error.message });
    return missing(M('heading', { name: project.name }), why);
  }
  put($('name'), M('heading', { name: project.name }));
  $('missing').hidden = true;
  show(report);
}

function missing(title, text) {
  put($('name'), title);
  put($('missing'), text);
  $('missing').hidden = false;
  $('report').hidden = true;
}

function show(report) {
  const labels = report.labels || [];
  put($('summary'), report.items == null ? M('summaryAll') : M('summary', { items: num(report.items, 0) }));
  put($('version'), report.modelVersion ? M('version', { version: report.modelVersion }) : M('noVersion'));
  chart(labels);
  $('labels-rows').replaceChildren(...labels.map((row) => el('tr', {},
    el('th', { scope: 'row', text: row.label }), el('td', { text: percent(row.precision) }), el('td', { text: percent(row.recall) }),
    el('td', { text: percent(row.f1) }), el('td', { text: num(row.support ?? 0, 0) }))));
  confusion(report.confusion);
  calibration(report.calibration || []);
  worst(report.worst || []);
  put($('hours'), hoursSaved(report.hoursSaved));
  $('report').hidden = false;
}

/**
 * Bars of precision, recall and F1 for each label. The chart is one image with a name for screen
 * readers; its figures are the table's, which is what a screen reader reads.
 */
function chart(labels) {
  const group = 150;
  const width = Math.max(640, 60 + labels.length * group);
  const [bottom, height] = [180, 140];
  const node = $('chart');
  node.setAttribute('viewBox', `0 0 ${width} 220`);
  node.setAttribute('aria-label', labels.length === 1 ? M('labels.chartOne') : M('labels.chart', { n: labels.length }));
  const parts = [];
  for (const step of [0, 0.5, 1]) {
    const y = bottom - step * height;
    parts.push(svg('line', { x1: 50, x2: width - 10, y1: y, y2: y, stroke: '#6b6b6b', 'stroke-width': 1 }),
      svg('text', { x: 44, y: y + 5, 'text-anchor': 'end', 'font-size': 14, fill: '#1a1a1a' }, `${num(step * 100, 0)}%`));
  }
  MEASURES.forEach(([measure, colour], i) => {
    const x = 60 + i * 150;
    parts.push(svg('rect', { x, y: 8, width: 16, height: 16, fill: colour }),
      svg('text', { x: x + 22, y: 21, 'font-size': 14, fill: '#1a1a1a' }, M(`labels.${measure}`)));
  });
  labels.forEach((row, n) => {
    const x0 = 60 + n * group;
    MEASURES.forEach(([measure, colour], i) => {
      const value = Math.max(0, Math.min(1, row[measure] ?? 0));
      const x = x0 + 10 + i * 40;
      parts.push(svg('rect', { x, y: bottom - value * height, width: 32, height: value * height, fill: colour }),
        svg('text', { x: x + 16, y: bottom - value * height - 4, 'text-anchor': 'middle', 'font-size': 12, fill: '#1a1a1a' },
          row[measure] == null ? '–' : num(row[measure] * 100, 0)));
    });
    parts.push(svg('text', { x: x0 + 70, y: bottom + 22, 'text-anchor': 'middle', 'font-size': 14, fill: '#1a1a1a' }, row.label));
  });
  node.replaceChildren(...parts);
}

/** Rows are what people decided, columns what the model said; only choice projects have one. */
function confusion(table) {
  const shown = Boolean(table && (table.labels || []).length);
  $('confusion').hidden = !shown;
  $('confusion-link').hidden = !shown;
  if (!shown) return;
  $('confusion-head').replaceChildren(el('th', { scope: 'col', text: M('confusion.corner') }),
    ...table.labels.map((label) => el('th', { scope: 'col', text: M('confusion.model', { label }) })));
  $('confusion-rows').replaceChildren(...table.labels.map((label, row) => el('tr', {},
    el('th', { scope: 'row', text: M('confusion.people', { label }) }),
    ...table.labels.map((_, column) => el('td', { text: num(table.counts?.[row]?.[column] ?? 0, 0) })))));
}

function calibration(rows) {
  $('calibration-table').hidden = !rows.length;
  $('no-calibration').hidden = rows.length > 0;
  $('calibration-rows').replaceChildren(...rows.map((row) => el('tr', {},
    el('th', { scope: 'row', text: M('calibration.from', { from: score(row.from), to: score(row.to) }) }),
    el('td', { text: num(row.count ?? 0, 0) }), el('td', { text: percent(row.accepted) }), el('td', { text: percent(row.changed) }),
    el('td', { text: score(row.meanScore) }))));
}

/**
 * What one side said about an item, in words: the lab's sentence as it is, or its answers, each a label (a box
 * around it, for boxes) and the model's score.
 */
function saidWords(said) {
  if (typeof said === 'string') return said;
  if (!Array.isArray(said) || !said.length) return M('worst.nothing');
  return said.map((one) => {
    const what = one.w != null ? M('worst.box', { label: one.label }) : one.label;
    return one.score != null ? M('worst.score', { what, score: num(one.score, 2) }) : what;
  }).join(', ');
}

/** Each item with its thumbnail; the picture's text says what the model and people said, so the words beside it are for the eye only. */
function worst(items) {
  $('no-worst').hidden = items.length > 0;
  $('worst').replaceChildren(...items.map((item) => {
    const said = M('worst.said', { model: saidWords(item.model), people: saidWords(item.people) });
    const picture = item.thumbnail ? el('img', { src: item.thumbnail, alt: said, width: 160 }) : null;
    return el('li', {}, el('p', {}, el('strong', { text: item.file ?? item.fileName ?? '' })), picture,
      el('p', { text: said, 'aria-hidden': picture ? 'true' : null }));
  }));
}

/** The lab hours saved, in words: "about 1 hour and 15 minutes". */
function hoursSaved(hours) {
  const minutes = Math.round((hours ?? 0) * 60);
  if (minutes <= 0) return M('hours.none');
  const [h, m] = [Math.floor(minutes / 60), minutes % 60];
  const hourWords = h === 1 ? M('hours.oneHour') : M('hours.hours', { n: num(h, 0) });
  const minuteWords = m === 1 ? M('hours.oneMinute') : M('hours.minutes', { n: num(m, 0) });
  let time = minuteWords;
  if (h && m) time = M('hours.and', { a: hourWords, b: minuteWords });
  else if (h) time = hourWords;
  return M('hours.saved', { time });
}

start(render);
