// Talking to the lab's HTTP API: JSON in, JSON out, errors as plain sentences.

/** An error from the lab, with its stable code and its plain-language message. */
export class LabError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * The headers a request that changes something sends: the session's CSRF token, which the lab
 * gives its own pages in the readable cookie `annolab_csrf` (another site cannot read it).
 */
export function csrfHeaders(method = 'POST') {
  if (['GET', 'HEAD'].includes(method.toUpperCase())) return {};
  const found = document.cookie.split('; ').find((part) => part.startsWith('annolab_csrf='));
  return found ? { 'X-CSRF-Token': decodeURIComponent(found.slice('annolab_csrf='.length)) } : {};
}

/** Calls the API; resolves to the parsed JSON (or null for an empty answer). */
export async function api(path, { method = 'GET', body } = {}) {
  const options = { method, headers: csrfHeaders(method), credentials: 'same-origin' };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = data && data.error ? data.error : { code: 'http_' + response.status, message: response.statusText };
    throw new LabError(response.status, error.code, error.message);
  }
  return data;
}

/** The home page of each role. */
export const homeOf = { operator: '/work', coach: '/coach', client: '/client', admin: '/admin' };
