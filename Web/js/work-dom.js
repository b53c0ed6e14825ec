// Small helpers for building the work page's parts without any HTML strings.

/** A new element: attributes from props ('text' sets the text, true means a bare attribute), then children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

/** True when keys typed here are text, so single-letter and number shortcuts must leave them alone. */
export function isTextField(target) {
  if (!target || !target.closest) return false;
  if (target.isContentEditable) return true;
  const field = target.closest('textarea, select, input');
  if (!field) return false;
  return field.tagName !== 'INPUT' || !['radio', 'checkbox', 'button', 'submit', 'range'].includes(field.type);
}

/** The number key pressed (1-9), or 0 when it is not a plain number key. */
export function numberKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || isTextField(event.target)) return 0;
  return /^[1-9]$/.test(event.key) ? Number(event.key) : 0;
}

/** A label's name in the page's language. */
export function labelName(task, id, lang) {
  const label = (task.labels || []).find((item) => item.id === id);
  return (label && label.name && (label.name[lang] || label.name.en)) || id;
}

/** A label's hint in the page's language, if it has one. */
export function labelHint(task, id, lang) {
  const label = (task.labels || []).find((item) => item.id === id);
  return (label && label.hint && (label.hint[lang] || label.hint.en)) || '';
}

/** A numbered option: the number key that picks it is part of the visible label. */
export function keyLabel(forId, number, name) {
  return el('label', { for: forId }, el('span', { class: 'key', text: String(number) }), ` ${name}`);
}

/** Links within the page (an error summary's, "on this page" lists) move the focus to their target. */
/** An in-page link (the skip link, "on this page" lists, an error summary's) moves the focus to its target.
 *  Each link listens itself: a listener on the document makes a screen reader call every focusable heading
 *  "clickable". */
export function inPage(link) {
  link.addEventListener('click', (event) => {
    const target = document.getElementById(link.hash.slice(1));
    if (!target) return;
    event.preventDefault();
    target.focus();
  });
  return link;
}

export function focusInPageLinks() {
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#"]');
    const target = link && document.getElementById(link.hash.slice(1));
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });
}
