// Answers waiting to be sent: kept on this computer first, sent in order, retried until the lab has them.
// Each answer carries an idempotency key, so a retry is counted once.
import { csrfHeaders } from './api.js';

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export class Outbox {
  /**
   * handlers: accepted(item, body), refused(item, status, code), trouble(), recovered(), signedOut().
   */
  constructor(userId, handlers) {
    this.key = `annolab.outbox.${userId}`;
    this.handlers = handlers;
    this.delay = 1000;
    this.sending = false;
    this.inTrouble = false;
    try {
      this.items = JSON.parse(localStorage.getItem(this.key)) || [];
    } catch {
      this.items = [];
    }
    window.addEventListener('online', () => this.flush());
  }

  get size() {
    return this.items.length;
  }

  save() {
    if (this.items.length) localStorage.setItem(this.key, JSON.stringify(this.items));
    else localStorage.removeItem(this.key);
  }

  /** Keeps an answer, then sends everything waiting. */
  add(assignmentId, answer) {
    this.items.push({ assignmentId, answer, idempotencyKey: newKey() });
    this.save();
    this.flush();
  }

  /** Sends the waiting answers one by one, oldest first. Resolves when done or stuck. */
  async flush() {
    if (this.sending) {
      this.again = true;
      return this.sending;
    }
    clearTimeout(this.timer);
    this.sending = this.sendAll().finally(() => {
      this.sending = false;
      if (this.again) {
        this.again = false;
        this.flush();
      }
    });
    return this.sending;
  }

  async sendAll() {
    while (this.items.length) {
      const item = this.items[0];
      let response;
      let body = null;
      try {
        response = await fetch(`/api/v1/assignments/${item.assignmentId}/answer`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json', ...csrfHeaders('POST') },
          body: JSON.stringify({ answer: item.answer, idempotencyKey: item.idempotencyKey }),
        });
        const text = await response.text();
        body = text ? JSON.parse(text) : null;
      } catch {
        if (!response) return this.trouble();
      }
      const code = body && body.error ? body.error.code : null;
      if (response.status === 401) return this.handlers.signedOut();
      if (response.status >= 500 || response.status === 429 || code === 'answer_in_progress') return this.trouble();
      this.items.shift();
      this.save();
      if (response.ok) this.handlers.accepted(item, body || {});
      else this.handlers.refused(item, response.status, code);
    }
    this.delay = 1000;
    if (this.inTrouble) {
      this.inTrouble = false;
      this.handlers.recovered();
    }
  }

  /** The lab could not be reached: keep everything and try again a little later each time. */
  trouble() {
    this.inTrouble = true;
    this.handlers.trouble();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.delay);
    this.delay = Math.min(this.delay * 2, 30000);
  }
}
