// A sound player for audio tasks, worked with keys: K play or pause, R from the start,
// and on the player itself Space play or pause and the arrow keys 2 seconds back or forward.
import { el, isTextField } from './work-dom.js';

export function audioPlayer(src, { t }, idBase) {
  const audio = el('audio', { controls: true, preload: 'auto', src });
  const keysId = `${idBase}-keys`;
  const wrap = el('div', { class: 'player', tabindex: '0', role: 'group', 'aria-label': t('audio.player'), 'aria-describedby': keysId },
    audio, el('p', { class: 'hint', id: keysId, text: t('audio.keys') }));

  function toggle() {
    if (audio.paused) audio.play().catch(() => {});
    else audio.pause();
  }

  /** Handles a player key; returns true when the key was used. */
  function handleKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTextField(event.target)) return false;
    const onPlayer = event.target === wrap;
    const key = event.key;
    if (key === 'k' || key === 'K' || (key === ' ' && onPlayer)) toggle();
    else if (key === 'r' || key === 'R') {
      audio.currentTime = 0;
      audio.play().catch(() => {});
    } else if (onPlayer && (key === 'ArrowLeft' || key === 'ArrowRight')) {
      const end = Number.isFinite(audio.duration) ? audio.duration : Infinity;
      audio.currentTime = Math.min(end, Math.max(0, audio.currentTime + (key === 'ArrowLeft' ? -2 : 2)));
    } else return false;
    event.preventDefault();
    return true;
  }

  function destroy() {
    audio.pause();
    audio.removeAttribute('src');
    audio.load();
  }

  return { element: wrap, audio, handleKey, destroy };
}
