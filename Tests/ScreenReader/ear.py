"""What Orca says, read back as text: every utterance speech-dispatcher's voice was given (spoken.txt, what an
operator hears, say-all included, with the language it was to be spoken in; ended.txt tells which were said
to the end), and Orca's own log of what it did and why (orca.log). Waits end on Orca's own signals and on a
quiet spell after them, each within a deadline: never on a fixed sleep."""
import os
import re
import time
from dataclasses import dataclass

# Orca has handled a page's load (document:load-complete): it said "Finished loading", or, in focus mode,
# decided not to.
LOAD_HANDLED = "WEB: Updating loading state and resetting live regions"
# An utterance in Orca's log: "HH:MM:SS.ffffff - SPEECH OUTPUT: 'text'" then the voice used.
SAID = re.compile(r"^\d\d:\d\d:\d\d\.\d+ - SPEECH OUTPUT: '(.*)'")


@dataclass
class Utterance:
    pid: str
    language: str
    text: str
    cut_off: bool = False


class Ear:
    def __init__(self, folder):
        self.spoken_path = folder / "spoken.txt"
        self.ended_path = folder / "ended.txt"
        self.orca_log_path = folder / "orca.log"
        self.heard_mark = 0
        self.log_mark = 0

    # ---- reading ------------------------------------------------------------------------------

    def utterances(self):
        """Every utterance the voice was given so far."""
        try:
            lines = self.spoken_path.read_text(errors="replace").splitlines()
        except OSError:
            return []
        found = []
        for line in lines:
            parts = line.split("\t", 2)
            if len(parts) == 3:
                found.append(Utterance(*parts))
        return found

    def ended(self):
        try:
            return set(self.ended_path.read_text().split())
        except OSError:
            return set()

    def log_lines(self):
        try:
            return self.orca_log_path.read_text(errors="replace").splitlines()
        except OSError:
            return []

    def speaking(self):
        """True while the voice is still saying its last utterance."""
        said = self.utterances()
        return bool(said) and said[-1].pid not in self.ended() and alive(said[-1].pid)

    def sizes(self):
        sizes = []
        for path in (self.spoken_path, self.ended_path, self.orca_log_path):
            try:
                sizes.append(path.stat().st_size)
            except OSError:
                sizes.append(0)
        return tuple(sizes)

    # ---- steps --------------------------------------------------------------------------------

    def mark(self):
        """Starts a new step: what is heard from now on belongs to it."""
        self.heard_mark = len(self.utterances())
        self.log_mark = len(self.log_lines())

    def heard_since_mark(self):
        """The step's utterances, each marked when the voice did not say it to the end (Orca cut it off)."""
        ended = self.ended()
        said = self.utterances()[self.heard_mark:]
        for index, utterance in enumerate(said):
            last = index == len(said) - 1
            utterance.cut_off = utterance.pid not in ended and not (last and alive(utterance.pid))
        return said

    def log_since_mark(self):
        return self.log_lines()[self.log_mark:]

    def wait(self, until=(), log_until=None, quiet=1.5, deadline=30.0):
        """Waits until every phrase of `until` has been heard since the mark and, when `log_until` is given,
        that line is in Orca's log; then until the voice has finished and neither what it was given nor
        Orca's log has changed for `quiet` seconds. Returns None, or what was missing at the deadline."""
        end = time.monotonic() + deadline
        signalled = False
        last_sizes, last_change = self.sizes(), time.monotonic()
        while True:
            now = time.monotonic()
            sizes = self.sizes()
            if sizes != last_sizes or self.speaking():
                last_sizes, last_change = sizes, now
            if not signalled:
                missing = self.missing(until, log_until)
                signalled = not missing
            if signalled and now - last_change >= quiet:
                return None
            if now >= end:
                return self.missing(until, log_until) or [f"a quiet spell of {quiet} s"]
            time.sleep(0.1)

    def missing(self, until, log_until):
        text = normalise(" ".join(u.text for u in self.utterances()[self.heard_mark:]))
        missing = [phrase for phrase in until if normalise(phrase) not in text]
        if log_until and not any(log_until in line for line in self.log_since_mark()):
            missing.append(f"Orca's log line {log_until!r}")
        return missing

    def wait_for_orca(self, process, output):
        """Orca is ready when it has said that the screen reader is on, in the computer's language."""
        end = time.monotonic() + 60
        while time.monotonic() < end:
            if any(SAID.match(line) for line in self.log_lines()):
                self.wait(quiet=1.0, deadline=20)
                return
            if process.poll() is not None:
                raise RuntimeError(f"Orca ended (exit {process.returncode}):\n"
                                   + output.read_text(errors="replace")[-2000:])
            time.sleep(0.1)
        raise RuntimeError("Orca said nothing within 60 s:\n" + "\n".join(self.log_lines()[-20:]))

    def orca_notes(self, lines):
        """Orca's own reasons, from its log, for browse or focus mode and for a page's load."""
        keep = ("focus mode", "Focus mode", "SayAll", "Not presenting", "Already loading")
        notes = []
        for line in lines:
            text = line.split(" - ", 1)[-1]
            if text.startswith("WEB:") and any(word in text for word in keep) and text not in notes:
                notes.append(text)
        return notes


def alive(pid):
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True


def normalise(text):
    return re.sub(r"\s+", " ", text).strip().lower()
