// A programme's stretch as a video with its cues as captions, worked with the sound player's keys. It never leaves
// the stretch, has no controls that move, and plays by itself only when the operator's settings ask for it.
import { el, isTextField } from './work-dom.js';

/** Seconds as m:ss, rounded down, so it never shows more than has passed. */
const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/** `onCue` hears the indexes of the cues on screen. */
export function videoPlayer({ url, start, end }, cues, { t, settings }, id, onCue) {
  // Hidden from screen readers: the cue list is what they read, so they do not read the captions twice.
  const video = el('video', { src: `${url}#t=${start},${end}`, preload: 'auto', autoplay: Boolean(settings?.autoplay), 'aria-hidden': 'true' });
  const time = el('p');
  const wrap = el('div', { class: 'player', tabindex: '0', role: 'group', 'aria-describedby': `${id}-keys` },
    time, video, el('p', { class: 'hint', id: `${id}-keys`, text: t('audio.keys') }));
  const track = video.addTextTrack('captions', t('subtitle.list'));
  for (const cue of cues) track.addCue(Object.assign(new VTTCue(cue.start, cue.end, cue.text), { id: cue.index }));
  track.mode = 'showing';
  track.oncuechange = () => onCue([...track.activeCues].map((cue) => Number(cue.id)));

  // The player's own name, not aria-labelledby: Orca keeps a label's first text, so Where am I said 0:00 throughout.
  const show = () => { wrap.ariaLabel = time.textContent = t('video.time', { at: clock(Math.max(0, video.currentTime - start)), total: clock(end - start) }); };
  // The time is shown at once: a seek's own timeupdate comes only when the picture is there.
  const go = (s) => {
    video.currentTime = Math.min(end, Math.max(start, s));
    show();
  };
  video.ontimeupdate = () => {
    const now = video.currentTime;
    if (now >= end) video.pause();
    if (now < start || now > end) go(now);
    else show();
  };
  show();
  const play = () => {
    if (video.currentTime > end - 0.1) go(start);
    video.play().catch(() => {});
  };
  const toggle = () => (video.paused ? play() : video.pause());
  video.onclick = toggle;

  /** Handles a player key; returns true when the key was used. */
  function handleKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || isTextField(event.target)) return false;
    const onPlayer = event.target === wrap;
    const key = event.key.toLowerCase();
    const step = { arrowleft: -2, arrowright: 2 }[key];
    if (key === 'k' || (key === ' ' && onPlayer)) toggle();
    else if (key === 'r') {
      go(start);
      play();
    } else if (onPlayer && step) go(video.currentTime + step);
    else return false;
    event.preventDefault();
    return true;
  }

  function destroy() {
    video.pause();
    video.removeAttribute('src');
    video.load();
  }

  // In a toolbar, Orca's reason for focus mode: in browse mode it took K (next link) and the arrows itself.
  return { element: el('div', { role: 'toolbar' }, wrap), handleKey, destroy };
}
