// The project page's part on the instructions: how clear operators found each version, the comments a coach
// passed on (never a name), and a form to change the instructions, which makes a new version.
import { $, T, api, day, el, lines, maybe, num, percent, showErrors } from './client-common.js';

let projectId = null;

/** Fills the part for this project: its figures from the lab, and its current instructions in the form. */
export async function showClarity(project) {
  const first = projectId !== project.id;
  projectId = project.id;
  if (first) fillForm(project.instructions);
  let figures;
  try {
    figures = await api(`/api/v1/projects/${project.id}/ratings`);
  } catch {
    return;
  }
  $('clarity-summary').textContent = figures.ratings
    ? T('clarity.summary', { version: figures.version, ratings: num(figures.ratings, 0), unclear: num(figures.unclear, 0),
      share: percent(figures.unclearShare) })
    : T('clarity.none', { version: figures.version });
  const versions = figures.versions || [];
  $('clarity-table').hidden = !versions.length;
  $('clarity-rows').replaceChildren(...versions.map((row) => el('tr', {},
    el('th', { scope: 'row', text: String(row.version) }), el('td', { text: num(row.ratings, 0) }),
    el('td', { text: num(row.unclear, 0) }), el('td', { text: percent(row.ratings ? row.unclear / row.ratings : null) }))));
  const comments = figures.comments || [];
  $('no-comments').hidden = comments.length > 0;
  $('clarity-comments').replaceChildren(...comments.map((comment) => el('li', {
    text: T('clarity.comment', { version: comment.version, date: day(comment.createdAt),
      clear: T(comment.clear ? 'clarity.foundClear' : 'clarity.foundUnclear'), text: comment.text }),
  })));
}

function fillForm(instructions) {
  const form = $('instructions-form');
  form.elements['instructions-en'].value = ((instructions && instructions.en) || []).join('\n');
  form.elements['instructions-nl'].value = ((instructions && instructions.nl) || []).join('\n');
}

$('instructions-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  const en = lines(form.elements['instructions-en'].value);
  const nl = lines(form.elements['instructions-nl'].value);
  const problems = [['instructions-en', en], ['instructions-nl', nl]]
    .filter(([, list]) => !list.length || list.length > 30 || list.some((line) => line.length > 300))
    .map(([name]) => ({ name, text: T('clarity.empty') }));
  $('instructions-status').textContent = '';
  if (problems.length) return showErrors(form, problems);
  showErrors(form, []);
  try {
    const saved = await api(`/api/v1/projects/${projectId}/instructions`, { method: 'PUT', body: { instructions: { en, nl } } });
    $('instructions-status').textContent = T('clarity.saved', { version: saved.version });
  } catch (error) {
    showErrors(form, [{ name: 'instructions-en', text: maybe(`code.${error.code}`, error.message) }]);
  }
});
