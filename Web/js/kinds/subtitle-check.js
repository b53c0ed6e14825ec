// Subtitle check: hear the clip or see the programme, then give each cue a verdict (number keys act on the cue you are at),
// with an optional corrected text when the verdict is not "correct"; the rules' findings are hints, hard ones named first.
import { audioPlayer } from '../work-audio.js';
import { videoPlayer } from '../work-video.js';
import { el, keyLabel, labelName, numberKey } from '../work-dom.js';

export function mount(container, task, context) {
  const { t, lang } = context;
  const payload = task.payload || {};
  const base = `cues-${task.id}`;
  const scope = container.closest('form') || container;
  const verdicts = (task.labels || []).map((label) => label.id);
  const number = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const when = (seconds) => seconds < 60
    ? t('subtitle.seconds', { s: number.format(seconds) })
    : t('subtitle.minutes', { m: Math.floor(seconds / 60), s: number.format(seconds % 60) });
  const draft = (context.draft && context.draft.cues) || {};
  const src = (payload.audio && payload.audio.url) || (task.media || [])[0];
  // The cue on screen is marked in the list too.
  const player = payload.video ? videoPlayer(payload.video, payload.cues || [], context, base,
    (on) => { for (const item of cues) item.fieldset.classList.toggle('now', on.includes(item.cue.index)); })
    : src ? audioPlayer(src, context, base) : null;
  const says = (f) => f.explanation[lang] || f.explanation.en;
  const word = (key, v, plain) => (t(key) === key ? plain : t(key, v));
  const first = [];

  const cues = (payload.cues || []).map((cue, position) => {
    const id = `${base}-${position}`;
    const saved = draft[cue.index] || {};
    const radios = verdicts.map((verdict, i) => el('input', { type: 'radio', name: id, id: `${id}-${i}`, value: verdict }));
    const textarea = el('textarea', { id: `${id}-fix`, rows: '2', 'aria-describedby': `${id}-fixhint` });
    textarea.value = saved.correction || '';
    const correction = el('div', { class: 'correction' },
      el('label', { for: textarea.id, text: t('subtitle.correction', { n: cue.index }) }),
      el('p', { class: 'hint', id: `${id}-fixhint`, text: t('subtitle.correctionHint') }), textarea);
    const name = t('subtitle.cue', { n: cue.index });
    const found = cue.findings || [];
    const hard = found.find((f) => f.severity === 'hard');
    if (hard) first.push(word('subtitle.hardFirst', { n: cue.index, text: says(hard) }, `${name}: ${says(hard)}`));
    const text = found.map(says).join(' ');
    const shown = t('subtitle.shown', { from: when(cue.start), to: when(cue.end) });
    const hint = text && word('subtitle.hint', { text }, text);
    const fieldset = el('fieldset', { class: 'cue', 'aria-describedby': `${position ? '' : `${base}-first `}${id}-time ${id}-text ${id}-rules` },
      el('legend', { text: name }),
      el('p', { class: 'cue-text', id: `${id}-text`, text: cue.text }),
      el('p', { class: 'cue-time', id: `${id}-time`, text: shown }),
      el('p', { class: 'hint rule', id: `${id}-rules`, hidden: !text, text: hint }),
      // A toolbar, named by all that is needed to judge (Orca speaks several labels in any order): in browse mode
      // Orca takes the number keys itself, and a toolbar is its reason for focus mode.
      el('div', { class: 'verdicts', role: 'toolbar', 'aria-label': [`${name}:`, cue.text, shown, hint].join(' ').trim() }, ...radios.map((radio, i) => el('span', { class: 'option' }, radio,
        keyLabel(radio.id, i + 1, labelName(task, verdicts[i], lang))))),
      correction);
    for (const radio of radios) radio.checked = radio.value === saved.verdict;
    const item = { cue, fieldset, radios, textarea, correction };
    const verdict = () => radios.find((radio) => radio.checked)?.value || null;
    item.verdict = verdict;
    item.update = () => { correction.hidden = !verdict() || verdict() === 'correct'; };
    item.update();
    for (const radio of radios) radio.addEventListener('change', () => { item.update(); save(); });
    textarea.addEventListener('input', save);
    return item;
  });

  container.append(
    el('p', { class: 'panel', id: `${base}-first`, hidden: !first.length, text: first.join(' ') }),
    player ? player.element : null,
    el('p', { class: 'hint', text: t('subtitle.keys', { count: verdicts.length }) }),
    el('ol', { class: 'cues', 'aria-label': t('subtitle.list') }, ...cues.map((item) => el('li', {}, item.fieldset))),
  );

  function save() {
    const state = {};
    for (const item of cues) state[item.cue.index] = { verdict: item.verdict(), correction: item.textarea.value };
    context.onDraft({ cues: state });
  }

  function onKey(event) {
    if (player && player.handleKey(event)) return;
    const key = numberKey(event);
    if (!key || key > verdicts.length) return;
    const item = cues.find((entry) => entry.fieldset.contains(event.target)) || cues.find((entry) => !entry.verdict()) || cues[0];
    if (!item) return;
    event.preventDefault();
    // A screen reader names a radio the focus moves to, but says nothing when the focused one is chosen.
    if (document.activeElement === item.radios[key - 1]) context.announce(`${t('subtitle.cue', { n: item.cue.index })}: ${labelName(task, verdicts[key - 1], lang)}`);
    item.radios[key - 1].checked = true;
    item.radios[key - 1].focus();
    item.update();
    save();
  }
  scope.addEventListener('keydown', onKey);

  return {
    answer() {
      const missing = cues.find((item) => !item.verdict());
      if (missing) return { ok: false, message: t('subtitle.missing', { n: missing.cue.index }), focus: missing.radios[0] };
      return {
        ok: true,
        answer: {
          cues: cues.map((item) => {
            const entry = { index: item.cue.index, verdict: item.verdict() };
            const text = item.textarea.value.trim();
            if (text && entry.verdict !== 'correct') entry.correction = text;
            return entry;
          }),
        },
      };
    },
    focus() {
      const first = cues[0];
      if (first) (first.radios.find((radio) => radio.checked) || first.radios[0]).focus();
    },
    destroy() {
      scope.removeEventListener('keydown', onKey);
      if (player) player.destroy();
      container.replaceChildren();
    },
  };
}
