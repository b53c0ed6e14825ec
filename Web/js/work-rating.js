// After a task, the optional question "were the instructions clear?": one key (Y/J, N, C/O) or Tab to its
// buttons. The next task is already there; ignoring the question is fine.
import { csrfHeaders } from './api.js';
import { isTextField } from './work-dom.js';

const KEYS = { y: true, j: true, n: false, c: 'comment', o: 'comment' };
const $ = (id) => document.getElementById(id);

/** `ask(id)` after a task is sent or skipped; `spoken()` gives the question once, for the next task's announcement. */
export class RatingQuestion {
  constructor({ t, announce, focusTask }) {
    Object.assign(this, { t, announce, focusTask, id: null, fresh: false });
    $('rating-yes').onclick = () => this.send(true);
    $('rating-no').onclick = () => this.send(false);
    $('rating-open').onclick = () => this.comment(true);
    $('rating-cancel').onclick = () => { this.comment(false); focusTask(); };
    $('rating-form').onsubmit = (event) => {
      event.preventDefault();
      this.send(false, $('rating-comment').value.trim());
    };
    // Bubbling: a key the task itself uses (N for "nothing here", Y in a yes-or-no check) stays the task's.
    document.addEventListener('keydown', (event) => {
      const choice = KEYS[event.key.toLowerCase()];
      if (choice === undefined || this.id === null || !$('rating-form').hidden || event.defaultPrevented || event.repeat
        || event.ctrlKey || event.metaKey || event.altKey || isTextField(event.target)) return;
      event.preventDefault();
      if (choice === 'comment') this.comment(true);
      else this.send(choice);
    });
  }

  /** A comment being written is kept: the question stays with its own task. */
  writing() {
    return !$('rating-form').hidden && $('rating-comment').value.trim() !== '';
  }

  ask(id) {
    if (this.writing()) return;
    Object.assign(this, { id, fresh: true });
    $('rating').hidden = false;
    $('rating-thanks').hidden = true;
    $('rating-comment').value = '';
    this.comment(false);
  }

  spoken() {
    if (!this.fresh) return '';
    this.fresh = false;
    return `${this.t('rating.question')} ${this.t('rating.keys')}`;
  }

  comment(open) {
    $('rating-choices').hidden = open;
    $('rating-form').hidden = !open;
    if (open) $('rating-comment').focus();
  }

  send(clear, comment) {
    const inside = $('rating').contains(document.activeElement);
    const body = JSON.stringify(comment ? { clear, comment } : { clear });
    deliver(this.id, body, 10);
    Object.assign(this, { id: null, fresh: false });
    $('rating-choices').hidden = true;
    $('rating-form').hidden = true;
    $('rating-thanks').hidden = false;
    this.announce(this.t('rating.thanks'));
    if (inside) this.focusTask();
  }

  /** No task on screen (a pause, the shift's end): the question goes with it. */
  hide() {
    if (this.writing()) return;
    this.id = null;
    $('rating').hidden = true;
  }
}

/** The task's answer may still be on its way from the outbox: 409 task_not_done is tried again a little later. */
async function deliver(id, body, tries) {
  const response = await fetch(`/api/v1/assignments/${id}/rating`, {
    method: 'POST', credentials: 'same-origin', body, headers: { 'Content-Type': 'application/json', ...csrfHeaders('POST') },
  }).catch(() => null);
  const data = response && response.status === 409 ? await response.json().catch(() => null) : null;
  const again = !response || response.status >= 500 || (data && data.error && data.error.code === 'task_not_done');
  if (again && tries > 1) setTimeout(() => deliver(id, body, tries - 1), 3000);
}
