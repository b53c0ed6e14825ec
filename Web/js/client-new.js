// A new project from a template: the form (with how to use the client's model, for the kinds that can), and a preview of what operators will see that follows the typing.
import { $, T, api, el, language, lines, maybe, showErrors, start } from './client-common.js';
import { addStrings, t } from './i18n.js';
import modelEnglish from '../i18n/model.en.json' with { type: 'json' };
import modelDutch from '../i18n/model.nl.json' with { type: 'json' };

addStrings('model', modelEnglish, modelDutch);
// The kinds of work whose items a client's model can answer first.
const MODEL_KINDS = ['image-boxes', 'choice', 'audio-tags'];

const form = $('project-form');
const f = form.elements;
// Which field an error code of the lab belongs to, so the error summary can link to it.
const FIELD = {
  invalid_name: 'name', unknown_template: 'kind', invalid_labels: 'labels', labels_missing: 'labels', choice_needs_options: 'labels',
  invalid_overlap: 'overlap', invalid_adaptive_overlap: 'mode', invalid_gold_rate: 'gold', invalid_deadline: 'deadline',
  invalid_preannotations: 'pre-threshold',
};
const pick = (text, lang) => (text && (text[lang] || text.en)) || '';
let templates = null;
let timer = null;

const checked = (name) => document.querySelector(`[name="${name}"]:checked`)?.value;
const chosen = () => templates?.find((tpl) => tpl.kind === checked('kind'));

async function render() {
  if (!templates) {
    try {
      templates = (await api('/api/v1/templates')).templates;
    } catch (error) {
      return $('kind-options').replaceChildren(el('p', { class: 'error-message', text: T('failed', { reason: error.message }) }));
    }
    $(`preview-${language()}`).checked = true;
  }
  const kind = checked('kind');
  $('kind-options').replaceChildren(...templates.map((tpl) => el('div', { class: 'option' },
    el('input', { type: 'radio', name: 'kind', id: `kind-${tpl.kind}`, value: tpl.kind, checked: tpl.kind === kind }),
    el('label', { for: `kind-${tpl.kind}`, text: pick(tpl.title, language()) }))));
  const range = chosen()?.adaptiveOverlap || { min: 2, max: 5 };
  $('mode-adaptive-hint').textContent = T('new.adaptiveHint', range);
  showModelFields();
  preview();
}

/** Puts the template's text in a field, unless the client has written their own there. */
function prefill(field, value) {
  if (!field.value.trim() || field.value === field.dataset.prefill) field.value = value;
  field.dataset.prefill = value;
}

/** What operators will see: the task's title, the steps, the labels and the worked examples, in their language. */
function preview() {
  const tpl = chosen();
  const body = $('preview-body');
  if (!tpl) {
    body.removeAttribute('lang');
    return body.replaceChildren(el('p', { text: T('preview.none') }));
  }
  const lang = checked('preview-lang');
  const O = (key) => T(`op.${lang}.${key}`);
  const names = new Map((tpl.labels || []).map((label) => [label.id, pick(label.name, lang)]));
  const steps = lines(f[`instructions-${lang}`].value);
  const labels = lines(f.labels.value);
  const list = (items) => el('ul', {}, ...items.map((text) => el('li', { text })));
  const pair = (key, text) => (text ? [el('dt', { text: O(key) }), el('dd', { text })] : []);
  body.lang = lang;
  body.replaceChildren(
    el('h3', { text: pick(tpl.title, lang) }),
    el('h4', { text: O('how') }),
    steps.length ? list(steps) : el('p', { text: O('noSteps') }),
    ...(labels.length ? [el('h4', { text: O('labels') }), list(labels.map((id) => names.get(id) || id))] : []),
    ...((tpl.examples || []).length ? [el('h4', { text: O('example') })] : []),
    ...(tpl.examples || []).map((ex) => el('dl', { class: 'example' },
      ...pair('input', pick(ex.input, lang)), ...pair('answer', pick(ex.answer, lang)), ...pair('why', pick(ex.why, lang)))),
  );
}

form.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(preview, 300);
});
/** The model's fields only for kinds a model can answer, and its settings only once the client uses a model. */
function showModelFields() {
  $('preannotations').hidden = !MODEL_KINDS.includes(checked('kind'));
  $('pre-more').hidden = checked('pre-use') === 'none';
}

form.addEventListener('change', (event) => {
  if (event.target.name === 'pre-use') showModelFields();
  if (event.target.name !== 'kind') return;
  showModelFields();
  const tpl = chosen();
  prefill(f.labels, (tpl.labels || []).map((label) => label.id).join('\n'));
  for (const lang of ['en', 'nl']) prefill(f[`instructions-${lang}`], (tpl.instructions?.[lang] || []).join('\n'));
  if (tpl.defaultOverlap) prefill(f.overlap, String(tpl.defaultOverlap));
  $('mode-adaptive-hint').textContent = T('new.adaptiveHint', tpl.adaptiveOverlap || { min: 2, max: 5 });
  preview();
});
$('preview').addEventListener('change', preview);

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const problems = [];
  const need = (name, key) => problems.push({ name, text: T(key) });
  const tpl = chosen();
  const name = f.name.value.trim();
  const fixed = checked('mode') === 'fixed';
  const overlap = f.overlap.value.trim();
  const gold = f.gold.value.trim().replace(',', '.');
  const instructions = { en: lines(f['instructions-en'].value), nl: lines(f['instructions-nl'].value) };
  if (!name) need('name', 'new.err.name');
  if (!tpl) need('kind', 'new.err.kind');
  if (fixed && !(/^\d{1,2}$/.test(overlap) && overlap >= 1 && overlap <= 10)) need('overlap', 'new.err.overlap');
  if (!/^\d{1,2}(\.\d+)?$/.test(gold) || gold > 50) need('gold', 'new.err.gold');
  if (f.deadline.validity.badInput) need('deadline', 'new.err.deadline');
  for (const lang of ['en', 'nl']) if (tpl && !instructions[lang].length) need(`instructions-${lang}`, `new.err.instructions-${lang}`);
  const use = tpl && MODEL_KINDS.includes(tpl.kind) ? checked('pre-use') : 'none';
  const threshold = f['pre-threshold'].value.trim().replace(',', '.');
  if (use !== 'none' && !(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(threshold))) {
    problems.push({ name: 'pre-threshold', text: t('model.new.err.threshold') });
  }
  showErrors(form, problems);
  if (problems.length) return;
  const body = { name, template: tpl.kind, labels: lines(f.labels.value), goldRate: Number(gold) / 100, instructions };
  if (fixed) body.overlap = Number(overlap);
  else if (tpl.adaptiveOverlap) body.adaptiveOverlap = tpl.adaptiveOverlap;
  if (f.deadline.value) body.deadline = f.deadline.value;
  if (use !== 'none') {
    body.preannotations = { mode: use, threshold: Number(threshold), order: checked('pre-order'), modelVotes: f['pre-votes'].checked };
  }
  $('sending').textContent = T('new.sending');
  try {
    const project = await api('/api/v1/projects', { method: 'POST', body });
    location.assign(`/client/project?id=${project.id}`);
  } catch (error) {
    $('sending').textContent = '';
    const field = FIELD[error.code] || (/instruction/.test(error.code) ? 'instructions-en' : null);
    const own = `model.new.code.${error.code}`;
    showErrors(form, [{ name: field, text: t(own) === own ? maybe(`new.code.${error.code}`, error.message) : t(own) }]);
  }
});

start(render);
