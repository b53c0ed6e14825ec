"""Test programmes made on this machine with ffmpeg and espeak-ng, and the hostile files a lab must refuse.

A "news" programme: hard scene cuts between ffmpeg's own test sources (testsrc2, SMPTE bars, a black
stretch, Conway's life, moving gradients, and testsrc2 again as a repeated scene), with a sound track of
espeak-ng speech and sine-chord "music" between the sentences, and an SRT timed to the speech from the
lengths of the WAV files espeak-ng writes. Variants: MP4 (H.264 + AAC), MKV with the subtitles inside as a
subrip track, WebM (VP9 + Opus) and sound only (MP3, M4A, Ogg Opus, FLAC).

Everything made is kept under .build/video-media/, in a folder named by the parameters, so a second run
costs nothing. Run `python3 Tests/Video/media.py` to make (and list) the short programme and the hostile
files; `python3 Tests/Video/media.py --seconds 600 --size 1280x720` makes the benchmark's 10-minute one.
"""
import argparse
import array
import json
import math
import os
import pathlib
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parents[2]
CACHE = pathlib.Path(os.environ.get("VIDEO_MEDIA_CACHE") or ROOT / ".build" / "video-media")
# Bump when what a folder holds changes, so that an old cache is never mistaken for a new one.
VERSION = "v3"
RATE = 22050  # espeak-ng writes 22.05 kHz mono 16-bit; the whole sound track is made at that rate

SENTENCES = [
    "Good evening, here is the news.",
    "The city council met this morning.",
    "It agreed to build a new bridge.",
    "Trains will run late on Sunday.",
    "The weather stays dry and cold.",
    "That was the news. Good night.",
]
# Chords of the music stretches (C major, F major, G major, A minor), in Hz.
CHORDS = [(261.63, 329.63, 392.00), (349.23, 440.00, 523.25), (392.00, 493.88, 587.33), (220.00, 261.63, 329.63)]
# Scenes as (source, share of the programme); hard cuts between them. The last repeats the first.
SCENES = [("testsrc2", 0.20), ("smptehdbars", 0.20), ("black", 0.08), ("life", 0.20), ("gradients", 0.17),
          ("testsrc2", 0.15)]
PAUSE = 0.4  # silence between the two sentences of a pair


def run(*arguments, timeout=600):
    """Runs a program with an argument list (never a shell) and fails loudly with its error output."""
    result = subprocess.run([str(a) for a in arguments], capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"{arguments[0]} failed ({result.returncode}): {' '.join(map(str, arguments))}\n"
                           f"{result.stderr[-2000:]}")
    return result.stdout


def ffmpeg(*arguments, timeout=600):
    return run("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *arguments, timeout=timeout)


def probe(path):
    """ffprobe's JSON of a file's format and streams."""
    return json.loads(run("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path))


def timestamp(seconds, comma=True):
    millis = int(round(seconds * 1000))
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{',' if comma else '.'}{ms:03d}"


def _made(target, make):
    """Makes `target` through a temporary name beside it, so a half-made file is never taken for a cached one."""
    target = pathlib.Path(target)
    if target.exists():
        return target
    temporary = target.with_name(f".making-{os.getpid()}-{target.name}")
    try:
        make(temporary)
        temporary.replace(target)
    finally:
        if temporary.exists():
            temporary.unlink()
    return target


@dataclass
class Programme:
    """A made programme: its files and what is in it, in seconds."""
    folder: pathlib.Path
    seconds: float
    width: int
    height: int
    fps: int
    cues: list = field(default_factory=list)     # [(start, end, text)] = the speech, as the SRT says it
    music: list = field(default_factory=list)    # [(start, end)] of the sine-chord stretches
    scenes: list = field(default_factory=list)   # [(start, end, source)]

    @property
    def wav(self):
        return self.folder / "news.wav"

    @property
    def srt(self):
        return self.folder / "news.srt"

    @property
    def mp4(self):
        return self.folder / "news.mp4"

    def mkv(self):
        """The programme with its subtitles inside as a subrip track (and no SRT beside it). The sound is FLAC
        from the WAV: AAC copied from the MP4 would bring its 23 ms of encoder delay, which Matroska cannot
        start before zero, so ffmpeg would move the picture and the subtitles 23 ms later than the SRT."""
        return _made(self.folder / "news-subtitled.mkv", lambda out: ffmpeg(
            "-i", self.mp4, "-i", self.wav, "-i", self.srt, "-map", "0:v", "-map", "1:a", "-map", "2:s",
            "-c:v", "copy", "-c:a", "flac", "-c:s", "srt", "-metadata:s:s:0", "language=eng", "-f", "matroska", out))

    def webm(self):
        """VP9 + Opus, made at the encoder's fastest settings."""
        return _made(self.folder / "news.webm", lambda out: ffmpeg(
            "-i", self.mp4, "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "400k",
            "-row-mt", "1", "-c:a", "libopus", "-b:a", "64k", "-f", "webm", out))

    def sound(self, extension):
        """The sound track alone: mp3, m4a, opus (Ogg Opus) or flac."""
        codecs = {"mp3": ["-c:a", "libmp3lame", "-b:a", "96k", "-f", "mp3"],
                  "m4a": ["-c:a", "aac", "-b:a", "96k", "-f", "ipod"],
                  "opus": ["-c:a", "libopus", "-b:a", "48k", "-f", "ogg"],
                  "flac": ["-c:a", "flac", "-f", "flac"]}
        return _made(self.folder / f"news.{extension}", lambda out: ffmpeg("-i", self.wav, *codecs[extension], out))

    def tags_between(self, start, end, least=0.5):
        """The audio-tags a careful listener gives the stretch start..end: music and/or speech, else silence."""
        def overlap(a, b):
            return max(0.0, min(end, b) - max(start, a))
        tags = []
        if any(overlap(a, b) >= least for a, b in self.music):
            tags.append("music")
        if any(overlap(a, b) >= least for a, b, _ in self.cues):
            tags.append("speech")
        return tags or ["silence"]


def _speech(folder, text, index):
    path = folder / f"speech-{index}.wav"
    run("espeak-ng", "-v", "en-gb", "-s", "150", "-w", path, text)
    with wave.open(str(path)) as reader:
        assert reader.getframerate() == RATE and reader.getnchannels() == 1 and reader.getsampwidth() == 2, \
            "espeak-ng no longer writes 22.05 kHz mono 16-bit"
        return reader.readframes(reader.getnframes())


def _chord(seconds, chord):
    """A chord with a gentle pulse twice a second, faded in and out over 50 ms so the cuts do not click."""
    count = int(round(seconds * RATE))
    fade = int(0.05 * RATE)
    samples = array.array("h")
    for n in range(count):
        t = n / RATE
        value = sum(math.sin(2 * math.pi * f * t) for f in chord) / len(chord)
        value *= 0.35 * (0.75 + 0.25 * math.sin(2 * math.pi * 2 * t))
        value *= min(1.0, n / fade, (count - n) / fade) if fade else 1.0
        samples.append(int(value * 32767))
    return samples.tobytes()


def _silence(seconds):
    return bytes(2 * int(round(seconds * RATE)))


def _sound_track(folder, seconds):
    """Music, two sentences, music, two sentences ... music: returns (pcm, cues, music)."""
    speech = [(text, _speech(folder, text, n)) for n, text in enumerate(SENTENCES)]
    # As many pairs of sentences as fit in half the programme, at least one pair.
    pairs = []
    for n in range(0, len(speech), 2):
        pair = speech[n:n + 2]
        length = sum(len(pcm) / 2 / RATE for _, pcm in pair) + PAUSE * (len(pair) - 1)
        used = sum(p[1] for p in pairs)
        if pairs and used + length > seconds / 2:
            break
        pairs.append((pair, length))
    music_total = seconds - sum(length for _, length in pairs)
    if music_total < 2 * (len(pairs) + 1):
        raise ValueError(f"a {seconds} s programme is too short for its speech; take 20 s or more")
    stretch = music_total / (len(pairs) + 1)
    pcm, cues, music, at = bytearray(), [], [], 0.0

    def add_music(length, chord):
        nonlocal at
        data = _chord(length, chord)
        music.append((at, at + len(data) / 2 / RATE))
        pcm.extend(data)
        at += len(data) / 2 / RATE

    for number, (pair, _) in enumerate(pairs):
        add_music(stretch, CHORDS[number % len(CHORDS)])
        for position, (text, data) in enumerate(pair):
            if position:
                pcm.extend(_silence(PAUSE))
                at += len(_silence(PAUSE)) / 2 / RATE
            cues.append((at, at + len(data) / 2 / RATE, text))
            pcm.extend(data)
            at += len(data) / 2 / RATE
    add_music(seconds - at, CHORDS[len(pairs) % len(CHORDS)])
    return bytes(pcm), cues, music


def _scene_input(source, seconds, size, fps):
    if source == "black":
        return f"color=c=black:s={size}:r={fps}:d={seconds:.3f}"
    if source == "life":
        # Cells of 8 x 8 pixels: a pixel-sized game of life is noise, and noise makes a file of 20 MB.
        width, height = (int(v) for v in size.split("x"))
        return (f"life=s={width // 8}x{height // 8}:r={fps}:mold=10:ratio=0.5:death_color=#203060:life_color=#e0c040,"
                f"scale={width}x{height}:flags=neighbor,trim=duration={seconds:.3f}")
    if source == "gradients":
        return f"gradients=s={size}:r={fps}:d={seconds:.3f}:speed=0.02"
    return f"{source}=s={size}:r={fps}:d={seconds:.3f}"


def news(seconds=30, size="640x360", fps=25):
    """The news programme of this length and picture size (made once, then taken from the cache)."""
    width, height = (int(v) for v in size.split("x"))
    folder = CACHE / f"news-{seconds}s-{width}x{height}-{fps}fps-{VERSION}"
    manifest = folder / "programme.json"
    if manifest.exists():
        saved = json.loads(manifest.read_text())
        return Programme(folder=folder, seconds=seconds, width=width, height=height, fps=fps,
                         cues=[tuple(c) for c in saved["cues"]], music=[tuple(m) for m in saved["music"]],
                         scenes=[tuple(s) for s in saved["scenes"]])
    CACHE.mkdir(parents=True, exist_ok=True)
    work = pathlib.Path(tempfile.mkdtemp(prefix=".making-", dir=CACHE))
    try:
        pcm, cues, music = _sound_track(work, seconds)
        with wave.open(str(work / "news.wav"), "wb") as writer:
            writer.setnchannels(1)
            writer.setsampwidth(2)
            writer.setframerate(RATE)
            writer.writeframes(pcm)
        (work / "news.srt").write_text("".join(
            f"{n}\n{timestamp(start)} --> {timestamp(end)}\n{text}\n\n" for n, (start, end, text) in enumerate(cues, 1)))
        # Whole frames per scene, so every cut falls on a frame; the last scene takes what is left.
        frames = seconds * fps
        counts = [int(round(share * frames)) for _, share in SCENES[:-1]]
        counts.append(frames - sum(counts))
        scenes, at, inputs, labels = [], 0, [], ""
        for number, ((source, _), count) in enumerate(zip(SCENES, counts)):
            length = count / fps
            scenes.append((at / fps, (at + count) / fps, source))
            inputs += ["-f", "lavfi", "-i", _scene_input(source, length, f"{width}x{height}", fps)]
            labels += f"[{number}:v]setsar=1,format=yuv420p[s{number}];"
            at += count
        chain = labels + "".join(f"[s{n}]" for n in range(len(SCENES))) + f"concat=n={len(SCENES)}:v=1:a=0[v]"
        ffmpeg(*inputs, "-i", work / "news.wav", "-filter_complex", chain, "-map", "[v]", "-map", f"{len(SCENES)}:a",
               "-c:v", "libx264", "-preset", "veryfast", "-crf", "28", "-g", str(2 * fps), "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-b:a", "96k", "-ar", "44100", "-t", str(seconds), "-movflags", "+faststart",
               work / "news.mp4", timeout=1800)
        for leftover in work.glob("speech-*.wav"):
            leftover.unlink()
        (work / "programme.json").write_text(json.dumps({"cues": cues, "music": music, "scenes": scenes}, indent=1))
        if folder.exists():  # another run made it meanwhile
            shutil.rmtree(work)
        else:
            work.rename(folder)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    return news(seconds, size, fps)


# ---- hostile and broken files -------------------------------------------------------------------------

@dataclass
class Hostile:
    """A file the lab must refuse (or, for `shell_name`, may take but never run), and why."""
    name: str           # the file name it is uploaded under
    path: pathlib.Path  # where it is on disk
    code: str           # the refusal code the lab answers with
    what: str           # what is wrong with it, for test names and messages


def _cut_off(folder):
    """An MP4 as a camera leaves it when the power fails: moov index at the end, cut off before it."""
    def make(out):
        whole = folder / "whole-moov-at-end.mp4"
        ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=6", "-f", "lavfi", "-i", "sine=f=440:d=6",
               "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", "-f", "mp4", whole)
        data = whole.read_bytes()
        assert data.rfind(b"moov") > data.find(b"mdat"), "ffmpeg put the index first"
        out.write_bytes(data[: int(len(data) * 0.6)])
        whole.unlink()
    return _made(folder / "cut-off.mp4", make)


def _text_as_mp4(folder):
    return _made(folder / "letter.mp4", lambda out: out.write_text(
        "Dear newsroom,\nthis is a letter, not a programme, whatever its name says.\n" * 20))


def _huge_picture(folder):
    """A single MJPEG frame whose headers (the JPEG's SOF0 and Matroska's PixelWidth/PixelHeight) say
    16000 x 16000. Made from a 256 x 256 frame with the sizes patched in: ffmpeg cannot make a 16384-pixel
    square frame at all (libavutil refuses pictures past (w+128)*(h+128) = 2^28), and a real 16000 x 16000
    frame takes 16 s and 3.3 GB here; ffprobe reads the patched one as a 16000 x 16000 MJPEG video in 0.2 s."""
    def make(out):
        small = folder / "square-256.mkv"
        ffmpeg("-f", "lavfi", "-i", "color=c=0x336699:s=256x256:r=1", "-frames:v", "1", "-c:v", "mjpeg",
               "-pix_fmt", "yuvj420p", "-write_crc32", "0", "-f", "matroska", small)
        data = bytearray(small.read_bytes())
        small.unlink()
        sof = data.find(b"\xff\xc0")
        assert sof > 0 and data[sof + 5:sof + 9] == b"\x01\x00\x01\x00", "no 256 x 256 SOF0 marker"
        data[sof + 5:sof + 9] = (16000).to_bytes(2, "big") * 2
        for element in (b"\xb0", b"\xba"):  # PixelWidth, PixelHeight: 2-byte unsigned integers holding 256
            at = data.find(element + b"\x82\x01\x00")
            assert at > 0, "no Matroska pixel size of 256 to patch"
            data[at + 2:at + 4] = (16000).to_bytes(2, "big")
        out.write_bytes(bytes(data))
    return _made(folder / "huge-16000x16000.mkv", make)


def _picture(folder, width, height):
    """A real one-frame MJPEG video of this size (cheap while under libavutil's limit)."""
    return _made(folder / f"picture-{width}x{height}.mkv", lambda out: ffmpeg(
        "-f", "lavfi", "-i", f"color=c=0x996633:s={width}x{height}:r=1", "-frames:v", "1", "-c:v", "mjpeg",
        "-pix_fmt", "yuvj420p", "-q:v", "31", "-f", "matroska", out))


def _twenty_hours(folder):
    """A real 20-hour video: 16 x 16 black at one frame a second (72,000 frames, under a second to make)."""
    return _made(folder / "twenty-hours.mp4", lambda out: ffmpeg(
        "-f", "lavfi", "-i", "color=c=black:s=16x16:r=1", "-t", "72000", "-c:v", "libx264", "-preset", "ultrafast",
        "-g", "600", "-f", "mp4", out, timeout=120))


def _many_tracks(folder, tracks=40):
    """A short MKV with one picture and 40 sound tracks."""
    def make(out):
        maps = []
        for _ in range(tracks):
            maps += ["-map", "1:a"]
        ffmpeg("-f", "lavfi", "-i", "testsrc2=s=160x90:r=10:d=2", "-f", "lavfi", "-i", "sine=f=330:d=2:sample_rate=8000",
               "-map", "0:v", *maps, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "flac", "-f", "matroska", out)
    return _made(folder / f"tracks-{tracks}.mkv", make)


def _subtitles_only(folder):
    """An MKV that holds a subtitle track and nothing to see or hear."""
    def make(out):
        srt = folder / "only.srt"
        srt.write_text("1\n00:00:01,000 --> 00:00:03,000\nNothing to see or hear.\n\n")
        ffmpeg("-i", srt, "-c:s", "srt", "-f", "matroska", out)
        srt.unlink()
    return _made(folder / "subtitles-only.mkv", make)


def _small_programme(folder):
    """A short, valid programme (4 s), for the names with shell characters."""
    return _made(folder / "small.mp4", lambda out: ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=s=320x180:r=25:d=4", "-f", "lavfi", "-i", "sine=f=523:d=4",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", "-movflags", "+faststart", "-f", "mp4", out))


SHELL_NAMES = ["news $(touch PWNED) ; rm -rf x.mp4", "-news `touch PWNED`.mp4"]


def hostile():
    """The hostile and broken files of the issue, made once; returns {key: Hostile}."""
    folder = CACHE / f"hostile-{VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "cut_off": Hostile("news cut off.mp4", _cut_off(folder), "media_cut_off",
                           "an MP4 cut off before its index (moov at the end)"),
        "text": Hostile("news.mp4", _text_as_mp4(folder), "media_unreadable", "a text file named .mp4"),
        "huge": Hostile("huge.mkv", _huge_picture(folder), "media_picture_too_large",
                        "a 16000 x 16000 picture"),
        "wide": Hostile("wide.mkv", _picture(folder, 16384, 64), "media_picture_too_large",
                        "a picture 16384 pixels wide"),
        "area": Hostile("cinema.mkv", _picture(folder, 8000, 4500), "media_picture_too_large",
                        "a picture of 8000 x 4500, more pixels than 8192 x 4320"),
        "long": Hostile("twenty hours.mp4", _twenty_hours(folder), "media_too_long", "a 20-hour programme"),
        "tracks": Hostile("forty tracks.mkv", _many_tracks(folder), "media_too_many_streams",
                          "an MKV with 40 sound tracks"),
        "empty": Hostile("subtitles only.mkv", _subtitles_only(folder), "media_no_streams",
                         "an MKV with no picture and no sound"),
    }


def shell_named():
    """A small valid programme and the names with shell characters it is uploaded under."""
    folder = CACHE / f"hostile-{VERSION}"
    folder.mkdir(parents=True, exist_ok=True)
    return _small_programme(folder), SHELL_NAMES


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--all-variants", action="store_true", help="also MKV, WebM and the sound-only files")
    options = parser.parse_args()
    made = news(options.seconds, options.size, options.fps)
    files = [made.mp4, made.srt, made.wav]
    if options.all_variants:
        files += [made.mkv(), made.webm()] + [made.sound(e) for e in ("mp3", "m4a", "opus", "flac")]
        files += [h.path for h in hostile().values()] + [shell_named()[0]]
    for path in files:
        print(f"{path.stat().st_size:>10}  {path}")
