// Audio tags: hear a clip, tick every sound heard (number keys toggle); nothing ticked is a fine answer.
import { audioPlayer } from '../work-audio.js';
import { el, keyLabel, labelHint, labelName, numberKey } from '../work-dom.js';

export function mount(container, task, context) {
  const { t, lang } = context;
  const payload = task.payload || {};
  const base = `tags-${task.id}`;
  const scope = container.closest('form') || container;
  const src = (payload.audio && payload.audio.url) || (task.media || [])[0];
  const player = audioPlayer(src, context, base);

  const boxes = [];
  const rows = (task.labels || []).map((label, i) => {
    const input = el('input', { type: 'checkbox', name: base, id: `${base}-${i}`, value: label.id });
    const hint = labelHint(task, label.id, lang);
    if (hint) input.setAttribute('aria-describedby', `${base}-${i}-hint`);
    boxes.push(input);
    return el('div', { class: 'option' }, input, keyLabel(input.id, i + 1, labelName(task, label.id, lang)),
      hint ? el('p', { class: 'hint', id: `${base}-${i}-hint`, text: hint }) : null);
  });
  const keys = `${t('tags.keys', { count: boxes.length })} ${t('tags.none')}`;
  container.append(player.element,
    el('fieldset', { class: 'options', 'aria-describedby': `${base}-keys` },
      el('legend', { text: t('tags.legend') }),
      el('p', { class: 'hint', id: `${base}-keys`, text: keys }),
      // A toolbar, named by the question (Orca does not always name the fieldset): in browse mode Orca takes
      // number keys and K itself, and a toolbar is its reason for focus mode.
      el('div', { role: 'toolbar', 'aria-label': `${t('tags.legend')} ${keys}` }, ...rows)));

  const tags = () => boxes.filter((box) => box.checked).map((box) => box.value);
  const save = () => context.onDraft({ tags: tags() });
  if (context.draft && Array.isArray(context.draft.tags)) {
    for (const box of boxes) box.checked = context.draft.tags.includes(box.value);
  }
  for (const box of boxes) box.addEventListener('change', save);

  function onKey(event) {
    if (player.handleKey(event)) return;
    const number = numberKey(event);
    if (!number || number > boxes.length) return;
    event.preventDefault();
    boxes[number - 1].checked = !boxes[number - 1].checked;
    boxes[number - 1].focus();
    save();
  }
  scope.addEventListener('keydown', onKey);

  return {
    answer: () => ({ ok: true, answer: { tags: tags() } }),
    focus() {
      boxes[0]?.focus();
    },
    destroy() {
      scope.removeEventListener('keydown', onKey);
      player.destroy();
      container.replaceChildren();
    },
  };
}
