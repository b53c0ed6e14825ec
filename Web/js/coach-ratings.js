// The coach's part on comments about instructions: each comment with its project and version, never its writer,
// passed on to the client or not with one button.
import { api } from './api.js';
import { t } from './i18n.js';
import { el } from './work-dom.js';

const $ = (id) => document.getElementById(id);
const T = (key, values) => t(`coach.${key}`, values);
const when = (iso) => new Date(iso).toLocaleString(document.documentElement.lang, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' });

/** Bundle text that a language switch translates again. */
function said(tag, key, props = {}) {
  return el(tag, { ...props, 'data-i18n': key, text: t(key) });
}

let watching = false;

/** Lists the comments waiting for a coach, oldest first; again in the other language after a switch. */
export async function showRatings() {
  if (!watching) {
    watching = true;
    new MutationObserver(showRatings).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  }
  const { ratings = [] } = await api('/api/v1/coach/ratings').catch(() => ({}));
  $('ratings-list').replaceChildren(...ratings.map(item));
  $('no-ratings').hidden = ratings.length > 0;
}

function item(rating) {
  const title = `rating-${rating.id}-title`;
  const pass = said('button', 'coach.ratings.pass', { type: 'button', id: `rating-${rating.id}-pass` });
  const dismiss = said('button', 'coach.ratings.dismiss', { type: 'button', class: 'secondary', id: `rating-${rating.id}-dismiss` });
  const actions = el('div', { class: 'rating-actions' }, pass, ' ', dismiss);
  pass.addEventListener('click', () => decide(rating.id, 'pass', actions));
  dismiss.addEventListener('click', () => decide(rating.id, 'dismiss', actions));
  return el('li', {}, el('section', { class: 'item', 'aria-labelledby': title },
    el('h3', { id: title, text: T('ratings.item', { project: rating.projectName, version: rating.version, when: when(rating.createdAt) }) }),
    said('p', rating.clear ? 'coach.ratings.foundClear' : 'coach.ratings.foundUnclear'),
    el('blockquote', {}, el('p', { text: rating.text })),
    actions));
}

/** One decision; the buttons give way to what was done, which takes the focus so it is heard. */
async function decide(id, decision, actions) {
  if (actions.dataset.busy) return;
  actions.dataset.busy = 'yes';
  try {
    await api(`/api/v1/coach/ratings/${id}`, { method: 'POST', body: { decision } });
  } catch (error) {
    delete actions.dataset.busy;
    $('ratings-status').textContent = T('failed', { reason: error.message });
    return;
  }
  const done = said('p', decision === 'pass' ? 'coach.ratings.passed' : 'coach.ratings.dismissed', { class: 'saved', tabindex: '-1' });
  actions.replaceWith(done);
  done.focus();
}
