// Judging one box that operators did not agree on: "Is this box tight around a car?" yes or no.
// The box is drawn clearly on the picture and also described in words, so no one needs to see it.
import { describe, el, fit, labelName, outline, picture } from './image-boxes.js';

let mounted = 0;
const KEYS = { 1: 'yes', y: 'yes', j: 'yes', 2: 'no', n: 'no' };

/** "the top left", "the middle", ...: where the centre of the box lies, in thirds of the picture. */
function where(t, box, image) {
  const third = (centre, size) => Math.min(2, Math.floor((3 * centre) / size));
  const v = ['top', 'middle', 'bottom'][third(box.y + box.h / 2, image.height)];
  const h = ['left', 'middle', 'right'][third(box.x + box.w / 2, image.width)];
  return t(`boxes.where.${v}-${h}`);
}

export function mount(container, task, context) {
  const { t, lang } = context;
  const { image, box } = task.payload;
  const options = task.payload.options || ['yes', 'no'];
  const id = `bv${++mounted}`;
  const name = labelName(task, lang, box.label);
  const optionName = (o) => (['yes', 'no'].includes(o) ? t('boxes.verify.' + o) : o);

  const W = image.width, H = image.height;
  const shade = el('svg:path', { class: 'bv-shade', 'fill-rule': 'evenodd',
    d: `M0 0H${W}V${H}H0Z M${box.x} ${box.y}h${box.w}v${box.h}h${-box.w}Z` });
  const description = el('p', { id: `${id}-desc`, class: 'bv-desc',
    text: t('boxes.verify.describe', { text: describe(t, name, box), where: where(t, box, image), width: W, height: H }) });
  const svg = el('svg:svg', { class: 'bx-svg bv-svg', viewBox: `0 0 ${W} ${H}`, 'aria-hidden': 'true' },
    picture(image), shade, el('svg:g', { class: 'bv-box' }, ...outline(box)));
  const legend = el('legend', { class: 'bv-question', text: t('boxes.verify.question', { label: name }) });
  const radios = options.map((o, i) => {
    const input = el('input', { type: 'radio', name: `${id}-choice`, id: `${id}-o${i}`, value: o });
    input.checked = context.draft && context.draft.choice === o;
    input.addEventListener('change', () => context.onDraft({ choice: o }));
    return input;
  });
  const figure = el('figure', { class: 'bx-view bv-figure' }, svg, el('figcaption', {}, description));
  const root = el('div', { class: 'bv' }, figure,
    el('fieldset', { class: 'bv-choices', 'aria-describedby': `${id}-keys` }, legend,
      ...radios.map((input, i) => el('div', { class: 'bx-choice' }, input,
        el('label', { for: input.id, text: t('boxes.labelKey', { n: i + 1, label: optionName(options[i]) }) })))),
    el('p', { class: 'hint', id: `${id}-keys`, text: t('boxes.verify.keys') }));
  container.append(root);
  const sizing = fit(figure, svg, W, H);

  function onKey(event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || target.matches('input[type=text], input[type=number], select, textarea, [contenteditable]')) return;
    const choice = KEYS[event.key.toLowerCase()];
    const input = radios[options.indexOf(choice)];
    if (!input) return;
    event.preventDefault();
    input.checked = true;
    input.focus();
    context.onDraft({ choice });
  }
  root.addEventListener('keydown', onKey);

  return {
    answer() {
      const chosen = radios.find((r) => r.checked);
      return chosen ? { ok: true, answer: { choice: chosen.value } } : { ok: false, message: t('boxes.verify.error'), focus: radios[0] };
    },
    focus() { (radios.find((r) => r.checked) || radios[0]).focus(); },
    destroy() { sizing.stop(); root.removeEventListener('keydown', onKey); root.remove(); },
  };
}
