// The work page's "what you can learn" panel (the skill ladder), and the reviewer's note on a task
// whose earlier answers did not agree. Plain text only, in the page's language.
import { api } from './api.js';
import { language } from './i18n.js';
import { labelName } from './work-dom.js';

const $ = (id) => document.getElementById(id);

/** Fills the ladder panel from /api/v1/me/ladder; hides it when the lab has no ladder or it is off,
 *  or when `stillWanted()` says the page moved on while the answer was on its way. */
export async function showLadder(t, stillWanted = () => true) {
  const panel = $('ladder');
  if (!panel) return;
  let data = null;
  try {
    data = await api(`/api/v1/me/ladder?language=${language() === 'nl' ? 'nl' : 'en'}`);
  } catch {
    data = null;   // no ladder in this lab (404), or the connection is away: the panel waits for the next time
  }
  if (!data || !data.enabled || !stillWanted()) {
    panel.hidden = true;
    return;
  }
  const open = data.steps.filter((step) => step.reachedAt || step.via === 'always').map((step) => step.name);
  $('ladder-open').textContent = open.length ? t('work.ladder.open', { list: open.join(', ') }) : '';
  const next = data.next;
  if (!next) {
    $('ladder-next').textContent = t('work.ladder.top');
    $('ladder-progress').textContent = '';
  } else {
    $('ladder-next').textContent = t('work.ladder.next', { name: next.name, done: next.practiceDone, needed: next.practiceNeeded });
    $('ladder-progress').textContent = typeof next.accuracy === 'number'
      ? t('work.ladder.right', { right: Math.round(next.accuracy * 100), needed: Math.round(next.accuracyNeeded * 100) })
      : t('work.ladder.practice');
  }
  panel.hidden = false;
}

/** How many gave each answer, as "cat: 1, dog: 1" (choices) or per subtitle where verdicts differ. */
function summary(task, t) {
  const answers = (task.payload && task.payload.review && task.payload.review.answers) || [];
  const count = (values) => {
    const counted = new Map();
    for (const value of values) counted.set(value, (counted.get(value) || 0) + 1);
    return [...counted].map(([value, n]) => `${value}: ${n}`).join(', ');
  };
  const name = (id) => labelName(task, id, language());
  if (answers.some((answer) => typeof answer.choice === 'string')) {
    return count(answers.map((answer) => answer.choice).filter(Boolean).map(name));
  }
  if (answers.some((answer) => Array.isArray(answer.cues))) {
    const byCue = new Map();
    for (const answer of answers) {
      for (const cue of answer.cues || []) {
        byCue.set(cue.index, [...(byCue.get(cue.index) || []), name(cue.verdict)]);
      }
    }
    return [...byCue].filter(([, verdicts]) => new Set(verdicts).size > 1)
      .map(([index, verdicts]) => t('work.review.cue', { index, verdicts: count(verdicts) })).join('; ');
  }
  if (answers.some((answer) => Array.isArray(answer.tags))) {
    return count(answers.flatMap((answer) => answer.tags || []).map(name));
  }
  return '';
}

/** Shows the reviewer's note when the task decides earlier answers that split; hides it otherwise. */
export function showReviewNote(task, t) {
  const note = $('review-note');
  if (!note) return '';
  const review = task && task.payload && task.payload.review;
  if (!review) {
    note.hidden = true;
    return '';
  }
  const given = summary(task, t);
  $('review-text').textContent = t('work.review.text');
  $('review-given').textContent = given ? t('work.review.given', { answers: given }) : '';
  note.hidden = false;
  return t('work.review.text');
}
