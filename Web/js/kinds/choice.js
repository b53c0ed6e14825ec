// Choice: pick one option with a radio button, or with number keys 1-9; a programme's frames are shown as pictures.
import { el, keyLabel, labelHint, labelName, numberKey } from '../work-dom.js';

export function mount(container, task, context) {
  const { t, lang } = context;
  const payload = task.payload || {};
  const ids = payload.options && payload.options.length ? payload.options : (task.labels || []).map((label) => label.id);
  const base = `choice-${task.id}`;
  const scope = container.closest('form') || container;

  const frames = payload.frames || [];
  // A frame's time as m:ss.s, rounded down to the tenth.
  const at = (s) => `${Math.floor(s / 60)}:${(Math.floor(s % 60 * 10) / 10).toFixed(1).padStart(4, '0')}`;
  const inputs = [];
  const rows = ids.map((id, i) => {
    const input = el('input', { type: 'radio', name: base, id: `${base}-${i}`, value: id });
    const hint = labelHint(task, id, lang);
    if (hint) input.setAttribute('aria-describedby', `${base}-${i}-hint`);
    inputs.push(input);
    const frame = frames.find((f) => f.id === id);
    const label = keyLabel(input.id, i + 1, frame ? '' : labelName(task, id, lang));
    if (frame) {
      label.append(el('img', { src: frame.url, width: frame.width, height: frame.height,
        alt: t('choice.frame', { n: i + 1, count: ids.length, time: at(frame.time) }) }));
    }
    return el('div', { class: 'option' }, input, label, hint ? el('p', { class: 'hint', id: `${base}-${i}-hint`, text: hint }) : null);
  });
  const image = payload.image && payload.image.url
    ? el('img', { class: 'task-image', src: payload.image.url, alt: t('choice.image'), width: payload.image.width, height: payload.image.height })
    : null;
  if (image) container.append(image);
  container.append(
    el('fieldset', { class: frames.length ? 'options frames' : 'options', 'aria-describedby': `${base}-keys` },
      el('legend', { text: t('choice.legend') }),
      el('p', { class: 'hint', id: `${base}-keys`, text: t('choice.keys', { count: ids.length }) }),
      ...rows),
  );

  const chosen = () => inputs.find((input) => input.checked);
  const save = () => context.onDraft({ choice: chosen() ? chosen().value : null });
  if (context.draft && context.draft.choice) {
    const saved = inputs.find((input) => input.value === context.draft.choice);
    if (saved) saved.checked = true;
  }
  for (const input of inputs) input.addEventListener('change', save);

  function onKey(event) {
    const number = numberKey(event);
    if (!number || number > inputs.length) return;
    event.preventDefault();
    inputs[number - 1].checked = true;
    inputs[number - 1].focus();
    save();
  }
  scope.addEventListener('keydown', onKey);

  return {
    answer() {
      const input = chosen();
      return input ? { ok: true, answer: { choice: input.value } } : { ok: false, message: t('choice.missing'), focus: inputs[0] };
    },
    focus() {
      (chosen() || inputs[0])?.focus();
    },
    destroy() {
      scope.removeEventListener('keydown', onKey);
      container.replaceChildren();
    },
  };
}
