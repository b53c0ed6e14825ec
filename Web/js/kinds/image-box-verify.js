// Judging one box that operators did not agree on: "Is this box tight around a car?" yes or no.
// The box is drawn clearly on the picture and also described in words, so no one needs to see it.
// A box from a client's model (payload.adjustable) may also be adjusted: it goes into the drawing tool.
import { describe, el, fit, labelName, mount as draw, outline, picture } from './image-boxes.js';

let mounted = 0;
const KEYS = { 1: 'yes', y: 'yes', j: 'yes', 2: 'no', n: 'no', 3: 'adjust', a: 'adjust' };

/** "the top left", "the middle", ...: where the centre of the box lies, in thirds of the picture. */
function where(t, box, image) {
  const third = (centre, size) => Math.min(2, Math.floor((3 * centre) / size));
  const v = ['top', 'middle', 'bottom'][third(box.y + box.h / 2, image.height)];
  const h = ['left', 'middle', 'right'][third(box.x + box.w / 2, image.width)];
  return t(`boxes.where.${v}-${h}`);
}

export function mount(container, task, context) {
  const { t, lang } = context;
  const { image, box, adjustable } = task.payload;
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
  const keys = t(adjustable ? 'boxes.verify.keysAdjust' : 'boxes.verify.keys');
  const adjustButton = adjustable && el('button', { type: 'button', class: 'secondary', 'aria-keyshortcuts': '3 A', text: t('boxes.verify.adjust') });
  const radios = options.map((o, i) => {
    const input = el('input', { type: 'radio', name: `${id}-choice`, id: `${id}-o${i}`, value: o });
    input.checked = context.draft && context.draft.choice === o;
    input.addEventListener('change', () => context.onDraft({ choice: o }));
    return input;
  });
  const figure = el('figure', { class: 'bx-view bv-figure' }, svg, el('figcaption', {}, description));
  // A toolbar, named by all a person needs: on radio buttons Orca keeps the number keys; a toolbar means focus mode.
  const choices = el('fieldset', { class: 'bv-choices' }, legend,
    el('div', { role: 'toolbar', 'aria-label': `${legend.textContent} ${description.textContent} ${keys}` },
      ...radios.map((input, i) => el('div', { class: 'bx-choice' }, input,
        el('label', { for: input.id, text: t('boxes.labelKey', { n: i + 1, label: optionName(options[i]) }) }))), adjustButton));
  const hint = el('p', { class: 'hint', text: keys });
  const root = el('div', { class: 'bv' }, figure, choices, hint);
  container.append(root);
  const sizing = fit(figure, svg, W, H);

  // Adjusting: the box in the drawing tool, moved and resized as any drawn box; Escape comes back to yes or no.
  let tool = null;
  function adjust(draft) {
    const label = (task.labels || []).find((l) => l.id === box.label) || { id: box.label };
    const area = el('div');
    root.append(area);
    tool = draw(area, { ...task, labels: [label], payload: { image, adjust: true } }, {
      ...context, draft: draft || { boxes: [box], label: box.label },
      onDraft: (state) => context.onDraft({ adjust: state }),
    });
    tool.focus();
    figure.hidden = choices.hidden = hint.hidden = true;
    context.onDraft({ adjust: draft || {} });
  }
  function back() {
    figure.hidden = choices.hidden = hint.hidden = false;
    (radios.find((r) => r.checked) || radios[0]).focus();
    tool.destroy();
    tool = null;
    context.onDraft({});
  }

  function onKey(event) {
    const target = event.target;
    if (tool) {
      if (event.key === 'Escape' && !event.defaultPrevented) back();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || target.matches('input[type=text], input[type=number], select, textarea, [contenteditable]')) return;
    const choice = KEYS[event.key.toLowerCase()];
    if (choice === 'adjust' && adjustable) {
      event.preventDefault();
      return adjust();
    }
    const input = radios[options.indexOf(choice)];
    if (!input) return;
    event.preventDefault();
    input.checked = true;
    input.focus();
    context.onDraft({ choice });
  }
  root.addEventListener('keydown', onKey);
  if (adjustButton) adjustButton.addEventListener('click', () => adjust());
  if (adjustable && context.draft && context.draft.adjust) adjust(context.draft.adjust.boxes ? context.draft.adjust : null);

  return {
    answer() {
      if (tool) {
        const drawn = tool.answer();
        if (!drawn.ok || drawn.answer.boxes.length === 1) return drawn;
        return { ok: false, message: t('boxes.verify.one', { count: drawn.answer.boxes.length }) };
      }
      const chosen = radios.find((r) => r.checked);
      return chosen ? { ok: true, answer: { choice: chosen.value } } : { ok: false, message: t('boxes.verify.error'), focus: radios[0] };
    },
    focus() { (tool || radios.find((r) => r.checked) || radios[0]).focus(); },
    destroy() { sizing.stop(); if (tool) tool.destroy(); root.removeEventListener('keydown', onKey); root.remove(); },
  };
}
