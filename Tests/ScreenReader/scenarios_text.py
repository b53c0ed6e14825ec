"""Text mode heard with Orca: a whole shift (start, a subtitle window, play, verdicts, a correction, the work
block's end and its pause, resume, stop), and the lab's own voice sharing the ear with the screen reader."""
import pathlib
import time

from labcalls import At, as_coach, as_operator, call, operator_id
from phrases import NAVIGATION
from scenarios import ENGLISH_ON_DUTCH_PAGES, WORDS, Scenario, Step, sign_in

# The lab's clock runs 20 times faster: the 45-minute work block lasts 135 s (the subtitle window takes about 75),
# the 5-minute pause 15 s.
FAST_CLOCK = ("--clock-speed", "20")

SHIFT = {
    "en": {
        "start": "start", "play": "play", "no": "no", "two": "two", "yes": "yes", "time": "time",
        "resume": "resume", "stop": "stop", "correction": "Good evening and welcome to the news",
        "started": ("Your shift has started. Good luck.", "Check 4 subtitles. Say play to hear the programme part.",
                    "Subtitle 1 of 4", "Is this subtitle right? Say yes or no."),
        "listen": ("Listen.",),
        "wrong": ("What is wrong? Choose 2 text error, 3 timing error, 4 speech missing.",),
        "text": ("What should the text be? Say or type it.",),
        "cue": "Subtitle {n} of 4", "saved": ("Saved.",),
        "pause": ("It is pause time. Well done.", "Work starts again in"),
        "again": ("Here is your task again.", "Subtitle 1 of 4"),
        "ended": ("Your shift has ended. Thank you for your work today.", "You worked"),
    },
    "nl": {
        "start": "start", "play": "speel", "no": "nee", "two": "twee", "yes": "ja", "time": "tijd",
        "resume": "verder", "stop": "stop", "correction": "Goedenavond en welkom bij het Journaal",
        "started": ("Je dienst is begonnen. Succes.",
                    "Controleer 4 ondertitels. Zeg speel om het stukje van het programma te horen.",
                    "Ondertitel 1 van 4", "Klopt deze ondertitel? Zeg ja of nee."),
        "listen": ("Luister.",),
        "wrong": ("Wat is er fout? Kies 2 fout in de tekst, 3 fout in de tijd, 4 spraak mist.",),
        "text": ("Wat moet de tekst zijn? Zeg of typ het.",),
        "cue": "Ondertitel {n} van 4", "saved": ("Opgeslagen.",),
        "pause": ("Het is pauze. Goed gedaan.", "begint het werk weer"),
        "again": ("Hier is je taak weer.", "Ondertitel 1 van 4"),
        "ended": ("Je dienst is klaar. Dank je wel voor je werk vandaag.", "Je hebt vandaag"),
    },
}


def subtitles_only(url):
    """The coach agrees with Anouk (OP-0001) on subtitle checks only and 5-minute pauses, so that her first
    task is the first window of the demo's news programme."""
    coach = as_coach(url)
    person = operator_id(At(url), "OP-0001")
    call(At(url), f"/api/v1/coach/operators/{person}/profile", "PUT",
         {"taskKinds": ["subtitle-check"], "pauseMinutes": 5}, token=coach)


def wait_for_phase(phase, deadline):
    """A step that waits, as the operator does, until the lab's clock has brought the shift to `phase`."""
    def wait(desktop):
        token = as_operator(desktop.url, "OP-0001")
        end = time.monotonic() + deadline
        while call(At(desktop.url), "/api/v1/shift", token=token)[1]["phase"] != phase:
            if time.monotonic() > end:
                raise AssertionError(f"the shift did not reach {phase} within {deadline} s")
            time.sleep(0.5)
    return wait


def say(words, hear=()):
    """Type the words (never taken as navigation keys), then Enter and hear the reply."""
    return [
        Step(f"Type {words}", ("type", words), never=NAVIGATION),
        Step(f"Enter: the lab answers {words}", ("key", "Return"), hear=hear, never=NAVIGATION),
    ]


def open_text(words):
    return [
        Step("Ctrl+L and type the address of text mode", ("address", "/text")),
        Step("Enter: text mode opens in the same tab", ("key", "Return"), load=True,
             hear=(words["focus_mode"], words["say_help"], words["hello"], words["not_started"])),
    ]


def text_shift(language):
    words, shift = WORDS[language], SHIFT[language]
    return sign_in(words) + open_text(words) + [
        *say(shift["start"], shift["started"]),
        *say(shift["play"], shift["listen"]),
        *say(shift["no"], shift["wrong"]),
        *say(shift["two"], shift["text"]),
        *say(shift["correction"], (shift["cue"].format(n=2),)),
        *say(shift["yes"], (shift["cue"].format(n=3),)),
        *say(shift["yes"], (shift["cue"].format(n=4),)),
        *say(shift["yes"], shift["saved"]),
        Step("The work block runs out (the lab's clock)", ("call", wait_for_phase("pause", 240))),
        *say(shift["time"], shift["pause"]),
        Step("The pause runs out", ("call", wait_for_phase("work", 120))),
        *say(shift["resume"], shift["again"]),
        *say(shift["stop"], shift["ended"]),
    ]


def speech_files(desktop):
    return set((pathlib.Path(desktop.lab_data) / "speech").glob("*.wav"))


class LabVoice:
    """Whether the lab rendered a reply in its own voice (espeak-ng writes it to the data folder's speech/)."""

    def __init__(self):
        self.before = set()

    def remember(self, desktop):
        self.before = speech_files(desktop)

    def rendered(self, desktop):
        end = time.monotonic() + 10
        while not speech_files(desktop) - self.before:
            if time.monotonic() > end:
                raise AssertionError("the lab's voice did not read the reply")
            time.sleep(0.2)


def one_voice(language):
    """The operator turns on "read every reply aloud": from then on the lab's voice reads the replies, and
    the screen reader does not read them as well."""
    words = WORDS[language]
    voice = LabVoice()
    label = {"en": "Read every reply aloud", "nl": "Lees elk antwoord voor"}[language]
    help_line = words["help"][0]
    return sign_in(words) + open_text(words) + [
        *say("help", (help_line,)),
        Step("Tab to the read-aloud box", ("key", *["Tab"] * 6), hear=(label,)),
        Step("Space: the lab's voice reads the replies from now on", ("key", "space")),
        Step("Shift+Tab back to the field", ("key", *["shift+Tab"] * 6), hear=(words["focus_mode"],)),
        Step("(the voices before)", ("call", voice.remember)),
        Step("Type help", ("type", "help"), never=NAVIGATION),
        Step("Enter: the lab's voice answers, the screen reader stays quiet", ("key", "Return"),
             never=(*NAVIGATION, help_line, words["help"][1])),
        Step("(the lab rendered the reply in its voice)", ("call", voice.rendered)),
    ]


SCENARIOS = [
    Scenario("text-shift-en", "Text mode: a whole shift, in English", "en", text_shift("en"),
             lab_options=FAST_CLOCK, prepare=subtitles_only, pages=("index", "work", "text")),
    Scenario("text-shift-nl", "Text mode: a whole shift, in Dutch", "nl", text_shift("nl"),
             lab_options=FAST_CLOCK, prepare=subtitles_only, never=ENGLISH_ON_DUTCH_PAGES,
             pages=("index", "work", "text")),
    Scenario("text-voice-en", "Text mode read aloud by the lab: the screen reader stays quiet, in English", "en",
             one_voice("en"), pages=("index", "work", "text"), short=True),
    Scenario("text-voice-nl", "Text mode read aloud by the lab: the screen reader stays quiet, in Dutch", "nl",
             one_voice("nl"), never=ENGLISH_ON_DUTCH_PAGES, pages=("index", "work", "text")),
]
