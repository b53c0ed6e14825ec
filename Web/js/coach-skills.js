// The coach's view of one operator on the skill ladder: the steps reached (when, and how), the next
// step with its practice, and a step the coach opens by hand. Nothing here closes a step.
import { api } from './api.js';
import { t } from './i18n.js';
import { el } from './work-dom.js';

const T = (key, values) => t(`coach.${key}`, values);
const day = (iso) => new Date(iso).toLocaleDateString(document.documentElement.lang, { dateStyle: 'long' });

/** Fills the operator's ladder part: `n.skillList` and the `step` choice of the form in `n.skills`. */
export async function showSkills(id, n) {
  let ladder;
  try {
    ladder = await api(`/api/v1/coach/operators/${id}/skills?language=${document.documentElement.lang === 'nl' ? 'nl' : 'en'}`);
  } catch (error) {
    n.skillList.replaceChildren(el('li', { text: T('failed', { reason: error.message }) }));
    return;
  }
  const items = ladder.steps.map((step) => {
    const how = step.via === 'always' ? T('skills.always')
      : step.reachedAt ? T(`skills.via.${step.via}`, { date: day(step.reachedAt) }) : T('skills.notYet');
    return el('li', { text: `${step.name}: ${how}` });
  });
  if (ladder.next) {
    const right = typeof ladder.next.accuracy === 'number' ? Math.round(ladder.next.accuracy * 100) : null;
    items.push(el('li', { text: T(right === null ? 'skills.nextNone' : 'skills.next', {
      name: ladder.next.name, done: ladder.next.practiceDone, needed: ladder.next.practiceNeeded, right,
      percent: Math.round(ladder.next.accuracyNeeded * 100),
    }) }));
  }
  if (!ladder.enabled) items.unshift(el('li', { text: T('skills.off') }));
  n.skillList.replaceChildren(...items);
  const select = n.skills.querySelector('select[name=step]');
  const closed = ladder.steps.filter((step) => !step.reachedAt && step.via !== 'always');
  select.replaceChildren(...closed.map((step) => el('option', { value: step.id, text: step.name })));
  n.skills.querySelector('form').hidden = closed.length === 0;
}

/** Opens the chosen step; returns what the form's status line says. */
export async function openStep(form, id) {
  const select = form.elements.step;
  const name = select.selectedOptions[0]?.textContent || select.value;
  await api(`/api/v1/coach/operators/${id}/skills`, { method: 'POST', body: { step: select.value } });
  return T('skills.opened', { name });
}
