// Drawing boxes around things in a picture: with a mouse or touch, or with the keyboard alone
// (a crosshair moved by arrow keys), and every box also listed as text with fields to edit.
// Also "anything missed?" (payload.missed: accepted boxes fixed, none drawn means none missing) and one box to adjust.
const SVG = 'http://www.w3.org/2000/svg';
const ZOOMS = [1, 1.5, 2, 3, 4];
let mounted = 0;

/** Makes an element (SVG when the name is in svg:) with attributes and children. */
export function el(name, attributes = {}, ...children) {
  const svg = name.startsWith('svg:');
  const element = svg ? document.createElementNS(SVG, name.slice(4)) : document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    if (key === 'text') element.textContent = value;
    else element.setAttribute(key, value === true ? '' : value);
  }
  element.append(...children.filter(Boolean));
  return element;
}

/** The name of a label in the operator's language, else its id. */
export function labelName(task, lang, id) {
  const label = (task.labels || []).find((l) => l.id === id);
  return (label && label.name && (label.name[lang] || label.name.en)) || id;
}

/** "car, left 120, top 80, 200 by 90". */
export function describe(t, name, box) {
  const r = Math.round;
  return t('boxes.describe', { label: name, x: r(box.x), y: r(box.y), w: r(box.w), h: r(box.h) });
}

/** A box outline that shows on any picture: a wide dark line under a dashed light one. */
export function outline(box, extra = '') {
  const attrs = (c) => ({ class: c, fill: 'none', x: box.x, y: box.y, width: box.w, height: box.h, 'vector-effect': 'non-scaling-stroke' });
  return [el('svg:rect', attrs('bx-focus' + extra)), el('svg:rect', attrs('bx-dark' + extra)), el('svg:rect', attrs('bx-light' + extra))];
}

/** The picture of the task as an SVG image sized in the pixels of the tile shown. */
export function picture(image) {
  return el('svg:image', { href: image.url, x: 0, y: 0, width: image.width, height: image.height, preserveAspectRatio: 'none' });
}

/** Sizes the picture to fit the width and most of the window's height, times the zoom; calls back after each change. */
export function fit(view, svg, W, H, zoom = () => 1, after = () => {}) {
  const size = () => {
    const base = Math.max(160, Math.min(view.clientWidth, (window.innerHeight * 0.65 * W) / H));
    const width = `${Math.round(base * zoom())}px`;
    if (svg.style.width !== width) { svg.style.width = width; after(); }
  };
  const observer = new ResizeObserver(size);
  observer.observe(view.parentNode);
  size();
  return { size, stop: () => observer.disconnect() };
}

const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
const typing = (target) => target.matches('input:not([type=radio]):not([type=checkbox]), select, textarea, [contenteditable]');

export function mount(container, task, context) {
  const { t, lang } = context;
  const { image, missed, adjust } = task.payload;
  const shown = missed ? task.payload.shown || [] : [];
  const only = missed || adjust; // no "nothing here"
  const W = image.width, H = image.height;
  const labels = task.labels || [];
  const id = `bx${++mounted}`;
  const step = { x: Math.max(1, Math.round(W / 100)), y: Math.max(1, Math.round(H / 100)) };
  const big = { x: Math.max(1, Math.round(W / 10)), y: Math.max(1, Math.round(H / 10)) };

  // State, restored from the draft so nothing drawn is lost on a reload.
  const draft = context.draft || {};
  const valid = (b) => b && labels.some((l) => l.id === b.label) && [b.x, b.y, b.w, b.h].every(Number.isFinite);
  let boxes = Array.isArray(draft.boxes) ? draft.boxes.filter(valid).map((b) => fitBox({ ...b })) : [];
  let label = labels.some((l) => l.id === draft.label) ? draft.label : labels[0]?.id;
  let cross = draft.cross && Number.isFinite(draft.cross.x) ? { x: clamp(draft.cross.x, 0, W), y: clamp(draft.cross.y, 0, H) }
    : { x: Math.round(W / 2), y: Math.round(H / 2) };
  let zoom = ZOOMS.includes(draft.zoom) ? draft.zoom : 1;
  let corner = null; // the first corner, once set
  let drag = null;
  let resize = false; // R on a box: arrow keys change its size

  function fitBox(b) {
    b.x = clamp(Math.round(b.x), 0, W - 1);
    b.y = clamp(Math.round(b.y), 0, H - 1);
    b.w = clamp(Math.round(b.w), 1, W - b.x);
    b.h = clamp(Math.round(b.h), 1, H - b.y);
    return b;
  }
  const name = (labelId) => labelName(task, lang, labelId);
  const text = (b) => describe(t, name(b.label), b);
  const at = (p) => t('boxes.at', { x: p.x, y: p.y });
  const save = () => context.onDraft({ boxes, label, cross, zoom, nothing: nothing.checked });

  // The page: label picker, zoom, drawing area, key help, the list of boxes, "nothing here".
  const radios = labels.map((l, i) => {
    const input = el('input', { type: 'radio', name: `${id}-label`, id: `${id}-l${i}`, value: l.id });
    input.checked = l.id === label;
    input.addEventListener('change', () => { label = l.id; save(); });
    return el('div', { class: 'bx-choice' }, input, el('label', { for: input.id, text: t('boxes.labelKey', { n: i + 1, label: name(l.id) }) }));
  });
  const zoomOut = el('button', { type: 'button', class: 'secondary', text: t('boxes.zoomOut') });
  const zoomIn = el('button', { type: 'button', class: 'secondary', text: t('boxes.zoomIn') });
  const zoomText = el('span', { class: 'bx-zoom' });
  const drawn = el('svg:g');
  const pending = el('svg:g', { class: 'bx-pending' });
  const line = (c, a) => el('svg:line', { class: c, ...a, 'vector-effect': 'non-scaling-stroke' });
  const crossV = ['bx-dark', 'bx-light'].map((c) => line(c, { y1: 0, y2: H }));
  const crossH = ['bx-dark', 'bx-light'].map((c) => line(c, { x1: 0, x2: W }));
  const status = el('p', { class: 'bx-status', id: `${id}-status`, 'aria-live': 'polite', 'aria-atomic': 'true' });
  const help = el('ul', { class: 'bx-keys', id: `${id}-keys` },
    ...[adjust && 'adjust', 'arrows', 'enter', 'escape', 'numbers', 'zoom', !only && 'nothing', 'tab'].filter(Boolean)
      .map((k) => el('li', { text: t('boxes.keys.' + k) })));
  const marked = missed && el('p', { id: `${id}-shown`, text: t('boxes.missed.shown', { count: shown.length, list: shown.map(text).join('; ') }) });
  const svg = el('svg:svg', {
    class: 'bx-svg', viewBox: `0 0 ${W} ${H}`, tabindex: 0, role: 'group',
    'aria-label': t('boxes.area'), 'aria-describedby': `${marked ? `${id}-ask ${marked.id} ` : ''}${status.id} ${help.id}`,
  }, picture(image), el('svg:g', { class: 'bv-box' }, ...shown.flatMap((b) => outline(b))), drawn, pending,
  el('svg:g', { class: 'bx-crosshair' }, ...crossV, ...crossH));
  // A group in a toolbar: Orca reads an SVG application as outside the page and keeps the arrow keys; a toolbar means focus mode.
  const view = el('div', { class: 'bx-view', role: 'toolbar' }, svg);
  const list = el('ol', { class: 'bx-list' });
  const none = el('p', { class: 'hint', text: t('boxes.none') });
  const nothing = el('input', { type: 'checkbox', id: `${id}-nothing` });
  nothing.checked = !!draft.nothing;
  const root = el('div', { class: 'bx' },
    missed && el('p', { class: 'bv-question', id: `${id}-ask`, text: t('boxes.missed.question') }), marked,
    el('fieldset', { class: 'bx-labels' }, el('legend', { text: t('boxes.labelLegend') }), ...radios),
    el('div', { class: 'bx-tools' }, zoomOut, zoomIn, zoomText),
    view, status,
    el('h3', { text: t('boxes.keysTitle') }), help,
    el('h3', { text: t('boxes.listTitle') }), none, list,
    el('div', { class: 'bx-choice bx-nothing', hidden: only }, nothing, el('label', { for: nothing.id, text: t('boxes.nothing') })));
  container.append(root);

  // Drawing: boxes in the SVG are focusable, so Tab goes through them after the drawing area.
  function renderBoxes(focusIndex) {
    const scale = W / (svg.getBoundingClientRect().width || W);
    const made = boxes.map((b, i) => {
      const g = el('svg:g', { class: 'bx-box', tabindex: 0, role: 'img', 'data-i': i,
        'aria-label': t('boxes.item', { n: i + 1, text: text(b) }), 'aria-describedby': `${id}-boxkeys` }, ...outline(b));
      const size = 16 * scale;
      g.append(el('svg:text', { class: 'bx-name', x: b.x + 4 * scale, y: b.y > size * 1.5 ? b.y - 6 * scale : b.y + size * 1.2,
        'font-size': size, 'aria-hidden': 'true', text: `${i + 1} ${name(b.label)}` }));
      return g;
    });
    // A box moved by keys is redrawn in place: the focus stays on it, the screen reader is not sent elsewhere.
    const old = drawn.children[focusIndex], fresh = made[focusIndex];
    if (old && made.length === drawn.children.length) {
      old.replaceChildren(...fresh.childNodes);
      old.setAttribute('aria-label', fresh.getAttribute('aria-label'));
    } else drawn.replaceChildren(...made);
    drawn.children[focusIndex]?.focus();
  }
  function renderCross() {
    for (const l of crossV) { l.setAttribute('x1', cross.x); l.setAttribute('x2', cross.x); }
    for (const l of crossH) { l.setAttribute('y1', cross.y); l.setAttribute('y2', cross.y); }
    const from = drag ? drag.from : corner;
    pending.replaceChildren(...(from ? outline(span(from, drag ? drag.to : cross)) : []));
    status.textContent = corner ? t('boxes.statusCorner', { corner: at(corner), cross: at(cross) }) : t('boxes.statusCross', { cross: at(cross) });
  }
  function span(a, b) {
    return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), w: Math.abs(a.x - b.x), h: Math.abs(a.y - b.y) };
  }

  // The list: every box as a sentence and as fields to edit.
  const fields = ['x', 'y', 'w', 'h'];
  let entries = [];
  function renderList() {
    none.hidden = boxes.length > 0;
    entries = boxes.map((b, i) => {
      const legend = el('legend');
      const inputs = {};
      const parts = fields.map((f) => {
        const input = inputs[f] = el('input', { type: 'number', id: `${id}-b${i}${f}`, min: f === 'w' || f === 'h' ? 1 : 0,
          max: f === 'x' || f === 'w' ? W : H, step: 1, inputmode: 'numeric' });
        input.addEventListener('input', () => edit(i, f, input.value));
        input.addEventListener('change', () => sync(i));
        return el('div', { class: 'bx-field' }, el('label', { for: input.id, text: t('boxes.field.' + f) }), input);
      });
      const select = el('select', { id: `${id}-b${i}l` }, ...labels.map((l) => el('option', { value: l.id, text: name(l.id) })));
      select.addEventListener('change', () => { boxes[i].label = select.value; changed(i); });
      const remove = el('button', { type: 'button', class: 'secondary', text: t('boxes.remove', { n: i + 1 }) });
      remove.addEventListener('click', () => removeBox(i, false));
      const li = el('li', {}, el('fieldset', {}, legend,
        el('div', { class: 'bx-field' }, el('label', { for: select.id, text: t('boxes.field.label') }), select), ...parts, remove));
      return { li, legend, inputs, select };
    });
    list.replaceChildren(...entries.map((e) => e.li));
    boxes.forEach((_, i) => sync(i));
  }
  function sync(i) {
    const b = boxes[i], e = entries[i];
    if (!e) return;
    for (const f of fields) e.inputs[f].value = b[f];
    e.select.value = b.label;
    e.legend.textContent = t('boxes.item', { n: i + 1, text: text(b) });
  }
  function edit(i, f, value) {
    const v = Number(value);
    if (value === '' || !Number.isFinite(v)) return;
    const b = boxes[i];
    b[f] = v;
    if (f === 'x') b.w = Math.min(b.w, W - clamp(Math.round(v), 0, W - 1));
    if (f === 'y') b.h = Math.min(b.h, H - clamp(Math.round(v), 0, H - 1));
    fitBox(b);
    entries[i].legend.textContent = t('boxes.item', { n: i + 1, text: text(b) });
    renderBoxes(); save();
  }
  function changed(i, focus) { sync(i); renderBoxes(focus); save(); }

  function addBox(b) {
    fitBox(b);
    boxes.push({ label, ...b });
    if (nothing.checked) nothing.checked = false;
    renderList(); renderBoxes(); save();
    context.announce(t('boxes.added', { n: boxes.length, text: text(boxes[boxes.length - 1]) }));
  }
  function removeBox(i, fromDrawing) {
    const [gone] = boxes.splice(i, 1);
    renderList();
    renderBoxes();
    save();
    context.announce(t('boxes.removed', { text: text(gone), count: boxes.length }));
    if (fromDrawing && boxes.length) drawn.children[Math.min(i, boxes.length - 1)].focus();
    else if (fromDrawing || !boxes.length) svg.focus();
    else list.children[Math.min(i, boxes.length - 1)].querySelector('button').focus();
  }
  function setCorner() {
    if (!corner) {
      corner = { ...cross };
      context.announce(t('boxes.cornerSet', { corner: at(corner) }));
    } else {
      const b = span(corner, cross);
      if (b.w < 1 || b.h < 1) { context.announce(t('boxes.tooSmall')); return; }
      corner = null;
      addBox(b);
    }
    renderCross();
  }
  function setZoom(next) {
    zoom = ZOOMS[clamp(ZOOMS.indexOf(zoom) + next, 0, ZOOMS.length - 1)];
    sizing.size();
    zoomText.textContent = t('boxes.zoomIs', { percent: Math.round(zoom * 100) });
    zoomOut.disabled = zoom === ZOOMS[0];
    zoomIn.disabled = zoom === ZOOMS[ZOOMS.length - 1];
    keepInView();
    if (next) { save(); context.announce(zoomText.textContent); }
  }
  function keepInView() {
    const r = svg.getBoundingClientRect();
    if (!r.width) return;
    const px = cross.x / W * r.width, py = cross.y / H * r.height, m = 40;
    if (px < view.scrollLeft + m || px > view.scrollLeft + view.clientWidth - m) view.scrollLeft = px - view.clientWidth / 2;
    if (py < view.scrollTop + m || py > view.scrollTop + view.clientHeight - m) view.scrollTop = py - view.clientHeight / 2;
  }
  function chooseLabel(n, box) {
    const l = labels[n];
    if (!l) return;
    label = l.id;
    radios[n].querySelector('input').checked = true;
    if (box != null) { boxes[box].label = l.id; changed(box, box); }
    save();
    context.announce(box != null ? t('boxes.relabelled', { n: box + 1, label: name(l.id) }) : t('boxes.labelChosen', { label: name(l.id) }));
  }
  function toggleNothing() {
    nothing.checked = !nothing.checked;
    save();
    context.announce(t(nothing.checked ? 'boxes.nothingOn' : 'boxes.nothingOff'));
    if (nothing.checked) nothing.focus();
  }

  function onKey(event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || typing(target)) return;
    const boxEl = target.closest && target.closest('.bx-box');
    const boxIndex = boxEl ? Number(boxEl.dataset.i) : null;
    const inArea = target === svg || boxEl;
    const key = event.key;
    let handled = true;
    if (/^[1-9]$/.test(key)) chooseLabel(Number(key) - 1, boxIndex);
    else if ((key === 'n' || key === 'N') && !only) toggleNothing();
    else if (!inArea) handled = false;
    else if (key === '+' || key === '=') setZoom(1);
    else if (key === '-' || key === '_') setZoom(-1);
    else if (key.startsWith('Arrow')) {
      const dx = key === 'ArrowLeft' ? -1 : key === 'ArrowRight' ? 1 : 0;
      const dy = key === 'ArrowUp' ? -1 : key === 'ArrowDown' ? 1 : 0;
      const s = event.shiftKey ? big : step;
      if (boxEl) {
        const b = boxes[boxIndex];
        if (resize) {
          b.w = clamp(b.w + dx * s.x, 1, W - b.x);
          b.h = clamp(b.h + dy * s.y, 1, H - b.y);
        } else {
          b.x = clamp(b.x + dx * s.x, 0, W - b.w);
          b.y = clamp(b.y + dy * s.y, 0, H - b.h);
        }
        changed(boxIndex, boxIndex);
        context.announce(text(b));
      } else {
        cross = { x: clamp(cross.x + dx * s.x, 0, W), y: clamp(cross.y + dy * s.y, 0, H) };
        renderCross(); keepInView(); save();
      }
    } else if (boxEl && (key === 'Delete' || key === 'Backspace')) removeBox(boxIndex, true);
    else if (boxEl && (key === 'r' || key === 'R')) context.announce(t((resize = !resize) ? 'boxes.resizeOn' : 'boxes.resizeOff'));
    else if (!boxEl && (key === 'Enter' || key === ' ')) setCorner();
    else if (!boxEl && key === 'Escape' && corner) { corner = null; renderCross(); context.announce(t('boxes.cancelled')); }
    else handled = false;
    if (handled) event.preventDefault();
  }

  // Mouse, pen and touch: drag to draw; a tap on a box selects it.
  function point(event) {
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
    return { x: clamp(Math.round(p.x), 0, W), y: clamp(Math.round(p.y), 0, H) };
  }
  function onDown(event) {
    if (event.button !== 0) return;
    event.preventDefault();
    svg.focus();
    svg.setPointerCapture(event.pointerId);
    drag = { from: point(event), to: point(event), box: event.target.closest('.bx-box') };
  }
  function onMove(event) {
    if (!drag) return;
    drag.to = cross = point(event);
    renderCross();
  }
  function onUp() {
    if (!drag) return;
    const b = span(drag.from, drag.to), box = drag.box;
    cross = drag.to;
    drag = null;
    if (b.w >= 2 && b.h >= 2) addBox(b);
    else if (box && !corner) box.focus();
    else setCorner(); // two taps draw a box too, for those who cannot drag
    renderCross();
  }
  svg.addEventListener('pointerdown', onDown);
  svg.addEventListener('pointermove', onMove);
  svg.addEventListener('pointerup', onUp);
  svg.addEventListener('pointercancel', () => { drag = null; renderCross(); });
  zoomIn.addEventListener('click', () => setZoom(1));
  zoomOut.addEventListener('click', () => setZoom(-1));
  nothing.addEventListener('change', save);
  root.addEventListener('keydown', onKey);
  const boxKeys = el('p', { id: `${id}-boxkeys`, class: 'hint', text: t('boxes.keys.box') });
  help.after(boxKeys);
  const sizing = fit(view, svg, W, H, () => zoom,
    () => renderBoxes(drawn.contains(document.activeElement) ? Number(document.activeElement.dataset.i) : null));

  renderList(); renderBoxes(); renderCross(); setZoom(0);

  return {
    answer() {
      for (const [i, e] of entries.entries()) {
        for (const f of fields) {
          const v = e.inputs[f].value;
          if (v === '' || !Number.isFinite(Number(v))) {
            return { ok: false, message: t('boxes.errorField', { n: i + 1, field: t('boxes.field.' + f).toLowerCase() }), focus: e.inputs[f] };
          }
        }
      }
      if (nothing.checked && boxes.length) return { ok: false, message: t('boxes.errorBoth', { count: boxes.length }), focus: nothing };
      if (!nothing.checked && !boxes.length && !only) return { ok: false, message: t('boxes.errorEmpty'), focus: svg };
      return { ok: true, answer: { boxes: boxes.map(({ label: l, x, y, w, h }) => ({ label: l, x, y, w, h })) } };
    },
    focus() { (adjust ? drawn.firstChild || svg : svg).focus(); },
    destroy() { sizing.stop(); root.removeEventListener('keydown', onKey); root.remove(); },
  };
}
