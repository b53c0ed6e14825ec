"""The scenarios: what a blind operator does with the keyboard, step by step, and what Orca must and must
never say at each step. A step's phrases may come in any order (lines of one burst, a live region, a
page's load), so each is looked for on its own in all the step's speech.

Short set (the README's test command): sign-in-en, sign-in-nl, text-help-en, text-voice-en. All: `run.sh --all`."""
import importlib
import pathlib
from dataclasses import dataclass, field

from phrases import NAVIGATION


@dataclass
class Step:
    """One thing the operator does. `action` is ("open", path) for Chromium opening a page at the start,
    ("tab", path) for a page opened from a shortcut into a new tab, ("address", path) for Ctrl+L and the
    page's address typed (Enter is a step of its own), ("key", name...), ("type", text), or ("call", function)
    for anything else: another person acting in the lab meanwhile over HTTP, or a desktop action (the
    function is given the Desktop: its `url`, `key`, `type` and `xdotool`)."""
    says: str
    action: tuple
    hear: tuple = ()
    never: tuple = ()
    load: bool = False


@dataclass
class Scenario:
    name: str
    title: str
    language: str
    steps: list
    short: bool = False
    never: tuple = field(default=())
    # Options for `annolab demo` (e.g. ("--clock-speed", "10")), and a function given the lab's address that
    # prepares the lab over HTTP before Chromium starts (a coach's setting, another operator's work).
    lab_options: tuple = ()
    prepare: object = None
    # The lab's pages (Web/*.html) the operator hears in it: every page has a scenario (pages_check.py).
    pages: tuple = ()


# ---- the words of each language ---------------------------------------------------------------------

WORDS = {
    "en": {
        "focus_mode": "Focus mode", "heading": "heading level 1",
        "work": "Your work", "who": "You are signed in as Anouk de Vries",
        "start": "Start your shift", "start_button": "Start my shift",
        "not_started": "Your shift has not started. Say start to begin.",
        "hello": "Hello Anouk de Vries.", "say_help": "Say help at any time to hear what you can say.",
        "said_help": "You said: help",
        "help": ("You can say: play, repeat, skip, pause, resume, time, learn, start and stop.", "Say Nederlands for Dutch."),
    },
    # Orca 43 says some of its own words in Dutch and some in English, and not always the same ones
    # ("kop niveau 1" or "heading niveau 1"; "entry" for a field): only the lab's words are asked for.
    "nl": {
        "focus_mode": "Focus-modus", "heading": None,
        "work": "Jouw werk", "who": "Je bent ingelogd als Anouk de Vries",
        "start": "Start je dienst", "start_button": "Start mijn dienst",
        "not_started": "Je dienst is nog niet begonnen. Zeg start om te beginnen.",
        "hello": "Hallo Anouk de Vries.", "say_help": "Zeg op elk moment help om te horen wat je kunt zeggen.",
        "said_help": "Jij zei: help",
        "help": ("Je kunt zeggen: speel, herhaal, overslaan, pauze, verder, tijd, leren, start en stop.", "Zeg English voor Engels."),
    },
}

# The pages' short English words, too short for the general check, that a Dutch page must not say.
ENGLISH_ON_DUTCH_PAGES = ("Sign in", "Skip to main content", "Your work", "Text mode", "What do you say",
                          "Conversation", "Play or pause", "Start my shift", "Settings")


def sign_in(words):
    """From Chromium opening the sign-in page to the operator's work page, by badge and keyboard.
    The focus is in the badge field when the page has loaded, and Orca in focus mode. Orca names the field
    ("Badge entry", its hint) or, when it took the field as its focus before the field's own focus event
    came, says nothing of it and reads the page's name, which says what to do ("Sign in with your badge")."""
    return [
        Step("Chromium opens the sign-in page", ("open", "/"), load=True, hear=("badge", words["focus_mode"])),
        Step("Type the badge OP-0001", ("type", "OP-0001"), never=NAVIGATION),
        Step("Enter: the work page opens and Orca reads it", ("key", "Return"), load=True,
             hear=tuple(phrase for phrase in (words["work"], words["heading"], words["who"], words["start"],
                                              words["start_button"]) if phrase)),
    ]


def ask_help(words):
    return [
        Step("Type help", ("type", "help"), never=NAVIGATION),
        Step("Enter: the lab answers", ("key", "Return"), hear=(words["said_help"], *words["help"]), never=NAVIGATION),
    ]


def text_help(words):
    """Signed in, the operator opens text mode in the same tab by its address (as from a bookmark), types
    help and hears what they can say. The page opens while Orca is in browse mode and reads it from the
    top: the focus must be in the field, and Orca in focus mode, all the same."""
    return sign_in(words) + [
        Step("Ctrl+L and type the address of text mode", ("address", "/text")),
        Step("Enter: text mode opens in the same tab", ("key", "Return"), load=True,
             hear=(words["focus_mode"], words["say_help"], words["hello"], words["not_started"])),
        *ask_help(words),
    ]


def text_other_ways(words):
    """Text mode opened the other ways: from a desktop shortcut (a new tab) and again in its tab (F5)."""
    return sign_in(words) + [
        Step("Open text mode from a shortcut (a new tab)", ("tab", "/text"), load=True,
             hear=(words["focus_mode"], words["say_help"], words["hello"], words["not_started"])),
        *ask_help(words),
        Step("F5: text mode loads again in the same tab", ("key", "F5"), load=True,
             hear=(words["say_help"], words["not_started"])),
        *ask_help(words),
    ]


SCENARIOS = [
    Scenario("sign-in-en", "Sign in by badge, in English", "en", sign_in(WORDS["en"]), short=True,
             pages=("index", "work")),
    Scenario("text-help-en", "Text mode: ask for help, in English", "en", text_help(WORDS["en"]), short=True,
             pages=("index", "work", "text")),
    Scenario("sign-in-nl", "Sign in by badge, in Dutch", "nl", sign_in(WORDS["nl"]), never=ENGLISH_ON_DUTCH_PAGES,
             pages=("index", "work"), short=True),
    Scenario("text-help-nl", "Text mode: ask for help, in Dutch", "nl", text_help(WORDS["nl"]),
             never=ENGLISH_ON_DUTCH_PAGES, pages=("index", "work", "text")),
    Scenario("text-ways-en", "Text mode opened from a shortcut and again with F5, in English", "en",
             text_other_ways(WORDS["en"]), pages=("index", "work", "text")),
]


# Each part of the lab has its scenarios in a module of its own (scenarios_*.py, a list SCENARIOS each).
for _module in sorted(pathlib.Path(__file__).resolve().parent.glob("scenarios_*.py")):
    SCENARIOS += importlib.import_module(_module.stem).SCENARIOS


def by_name(name):
    for scenario in SCENARIOS:
        if scenario.name == name:
            return scenario
    raise KeyError(name)
