// Short, quiet tones made in the browser (no sound files): one for a saved answer, one for a pause.
let context = null;

const tunes = {
  saved: [660, 880],
  pause: [523, 392, 330],
};

/** Plays a tune by name; does nothing when sounds are off or the browser has no Web Audio. */
export function playTone(name, settings) {
  if (!settings || !settings.sounds || !tunes[name]) return;
  const AudioContext = window.AudioContext || window.webkitAudioContext;
  if (!AudioContext) return;
  try {
    context = context || new AudioContext();
    if (context.state === 'suspended') context.resume();
    let start = context.currentTime + 0.02;
    for (const frequency of tunes[name]) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      // A low volume with a soft start and end, so the tone never startles.
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(0.06, start + 0.02);
      gain.gain.linearRampToValueAtTime(0, start + 0.12);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.13);
      start += 0.14;
    }
  } catch {
    // Sound is a courtesy; the words on the screen say the same.
  }
}
