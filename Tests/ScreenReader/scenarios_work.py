"""The operator's work page and settings, heard with Orca: a subtitle window and an audio-tags clip answered by
keys, the time left said at 5 and at 1 minute without moving the focus, the block's end and the pause screen, and
the settings page (text size, language). Each in English and in Dutch.

Which task the operator gets is the coach's choice: the preparation sets OP-0001's profile over HTTP, as the
coach would, to the one task kind the scenario is about (a fresh copy of the demo lab hands out the same first
task of that kind every run). The lab's words are taken from Web/i18n, so they are the page's own."""
import json
import pathlib

from labcalls import At, as_coach, call, operator_id
from phrases import NAVIGATION
from scenarios import ENGLISH_ON_DUTCH_PAGES, WORDS, Scenario, Step, sign_in

I18N = pathlib.Path(__file__).resolve().parents[2] / "Web" / "i18n"
# The shared words and the settings page's own (which come with that page's script).
STRINGS = {language: {**json.loads((I18N / f"{language}.json").read_text()),
                      **json.loads((I18N / f"settings.{language}.json").read_text())} for language in ("en", "nl")}

# The demo's first subtitle window and first sound clip, as the demo lab seeds them.
CUE_ONE = "Goedenavond, welkom bij het Journaal."
CUE_TWO = "Het is vandaag erg druk op de weg."
TASK = {
    "subtitle-check": {"en": "Check subtitles", "nl": "Ondertitels controleren"},
    "audio-tags": {"en": "Recognise sounds", "nl": "Geluiden herkennen"},
}
VERDICT = {"en": ("correct", "text error"), "nl": ("goed", "fout in de tekst")}
TAG = {"en": ("music", "speech"), "nl": ("muziek", "spraak")}
RESUMES = {"en": "Work starts again at", "nl": "begint het werk weer"}
LANGUAGE_NAME = {"en": "English", "nl": "Nederlands"}
# What Orca says when the focus moves to a heading or a page region: must not come with a time announcement.
FOCUS_MOVED = ("heading level", "kop niveau")
# The time scenarios' lab: a 10-minute work block at 10 times the speed takes 60 s; the warnings come 30 s and
# 54 s after the start, each with seconds to spare for Orca to finish speaking before the next.
FAST = ("--clock-speed", "10")


def lab(language, key, **values):
    """One of the lab's strings, as the page shows it."""
    text = STRINGS[language][key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def coach_gives(kind, **profile):
    """The preparation: the coach lets OP-0001 do only this kind of task (from the next shift start)."""
    def prepare(url):
        at = At(url)
        call(at, f"/api/v1/coach/operators/{operator_id(at, 'OP-0001')}/profile", "PUT",
             {"taskKinds": [kind], **profile}, token=as_coach(url))
    return prepare


def nothing(desktop):
    """No key: the operator listens."""


def start_shift(words, language, kind, first=()):
    """From the work page as Orca read it: Tab to the start button, Enter; the first task comes with the focus
    in its first control, and is announced."""
    return [
        Step("Tab to the start button (skip link, Settings, My work record, language, Sign out, Start)",
             ("key", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab"), hear=(words["start_button"],)),
        Step("Enter: the shift starts and the first task comes", ("key", "Return"),
             hear=(lab(language, "work.newTask", title=TASK[kind][language]), *first)),
    ]


def subtitle(language):
    words = WORDS[language]
    correct, text_error = VERDICT[language]

    def chosen(number, verdict):
        return f"{lab(language, 'subtitle.cue', n=number)}: {verdict}"
    return sign_in(words) + start_shift(words, language, "subtitle-check", (lab(language, "subtitle.cue", n=1), CUE_ONE, correct, words["focus_mode"])) + [
        Step("Press 1: subtitle 1 is correct (the focus was there: the page says it)", ("key", "1"),
             hear=(chosen(1, correct),), never=NAVIGATION),
        Step("Tab: subtitle 2, its text and time", ("key", "Tab"),
             hear=(lab(language, "subtitle.cue", n=2), CUE_TWO), never=NAVIGATION),
        Step("Press 1: subtitle 2 is correct", ("key", "1"), hear=(chosen(2, correct),), never=NAVIGATION),
        Step("Tab: subtitle 3, with the rule's hint", ("key", "Tab"),
             hear=(lab(language, "subtitle.cue", n=3), lab(language, "subtitle.hint", text="")), never=NAVIGATION),
        Step("Press 1: subtitle 3 is correct", ("key", "1"), hear=(chosen(3, correct),), never=NAVIGATION),
        Step("Tab: subtitle 4", ("key", "Tab"), hear=(lab(language, "subtitle.cue", n=4),), never=NAVIGATION),
        Step("Press 2: subtitle 4 has a text error (the focus moves to that verdict)", ("key", "2"),
             hear=(text_error,), never=NAVIGATION),
        Step("Enter: the answer is sent and the next task comes", ("key", "Return"),
             hear=(lab(language, "work.sentNext", title=TASK["subtitle-check"][language]),), never=NAVIGATION),
    ]


def audio(language):
    words = WORDS[language]
    music, speech = TAG[language]
    first = (lab(language, "tags.legend"), f"1 {music}", lab(language, "tags.keys", count=6), words["focus_mode"])
    return sign_in(words) + start_shift(words, language, "audio-tags", first) + [
        Step("K: the clip plays", ("key", "k"), never=NAVIGATION),
        Step("K: the clip pauses", ("key", "k"), never=NAVIGATION),
        Step("Press 1: music is ticked", ("key", "1"), never=NAVIGATION),
        Step("Press 2: speech is ticked (the focus moves there)", ("key", "2"), hear=(f"2 {speech}",), never=NAVIGATION),
        Step("Enter: the answer is sent and the next task comes", ("key", "Return"),
             hear=(lab(language, "work.sentNext", title=TASK["audio-tags"][language]),), never=NAVIGATION),
    ]


def time_left(language):
    words = WORDS[language]
    music = TAG[language][0]
    first = (f"1 {music}", words["focus_mode"])
    return sign_in(words) + start_shift(words, language, "audio-tags", first) + [
        Step("The operator listens: 5 minutes left is said", ("call", nothing),
             hear=(lab(language, "work.timeLeft", minutes=5),), never=FOCUS_MOVED),
        Step("Where am I: the focus is still at the first sound", ("key", "KP_Enter"), hear=(f"1 {music}",),
             never=FOCUS_MOVED),
        Step("The operator listens: 1 minute left is said", ("call", nothing),
             hear=(lab(language, "work.timeLeftOne"),), never=FOCUS_MOVED),
        Step("The block ends: the pause screen, with the time work starts again", ("call", nothing),
             hear=(lab(language, "work.pause.title"), RESUMES[language])),
    ]


def speaking(scenario, language, key):
    """A key after which the page speaks another language: what must not be heard is checked for that language
    from this step on (the run's scenario is its own object, made afresh for each run)."""
    def act(desktop):
        scenario.language = language
        scenario.never = ENGLISH_ON_DUTCH_PAGES if language == "nl" else ()
        desktop.key(key)
    return act


def settings(language, scenario):
    """Signed in, the operator opens Settings, picks a bigger text and the other language, saves, and hears the
    page in that language."""
    words = WORDS[language]
    other = "nl" if language == "en" else "en"
    their, new = LANGUAGE_NAME[language], LANGUAGE_NAME[other]
    return sign_in(words) + [
        Step("Tab to Settings (skip link, Settings)", ("key", "Tab", "Tab"), hear=(lab(language, "work.settingsLink"),)),
        Step("Enter: the settings page; Orca reads it", ("key", "Return"), load=True,
             hear=(lab(language, "settings.title"), lab(language, "settings.textSize"))),
        Step("Tab to the text size (skip link, back to work, sign out, text size)", ("key", "Tab", "Tab", "Tab", "Tab"),
             hear=("100%",)),
        Step("Down: 125%", ("key", "Down"), hear=("125%",)),
        Step("Space: 125% is chosen", ("key", "space")),
        Step("Tab to the language (contrast, motion, language)", ("key", "Tab", "Tab", "Tab"), hear=(their,)),
        Step(f"Up or Down: {new}", ("key", "Up" if other == "nl" else "Down"), hear=(new,)),
        Step(f"Space: {new} is chosen", ("key", "space")),
        Step("Tab to Save (sounds, save)", ("key", "Tab", "Tab"), hear=(lab(language, "settings.save"),)),
        Step("Enter: saved, and said in the new language", ("call", speaking(scenario, other, "Return")),
             hear=(lab(other, "settings.saved"),)),
        Step("Shift+Tab: the sounds setting, its group and its label in the new language",
             ("call", lambda desktop: desktop.key("shift+Tab")),
             hear=(lab(other, "settings.sounds"), lab(other, "settings.soundsLabel")), never=(lab(language, "settings.sounds"),)),
        Step("Tab: the save button, in the new language", ("call", lambda desktop: desktop.key("Tab")),
             hear=(lab(other, "settings.save"),), never=(lab(language, "settings.save"),)),
    ]


def scenario(name, title, language, steps, **options):
    if language == "nl":
        options["never"] = ENGLISH_ON_DUTCH_PAGES
    options.setdefault("pages", ("index", "work", "settings") if name.startswith("settings") else ("index", "work"))
    return Scenario(name, title, language, steps, **options)


def settings_scenario(name, title, language):
    made = scenario(name, title, language, [])
    made.steps = settings(language, made)
    return made


SCENARIOS = [
    scenario("work-subtitle-en", "A subtitle window by keys, in English", "en", subtitle("en"),
             prepare=coach_gives("subtitle-check")),
    scenario("work-subtitle-nl", "A subtitle window by keys, in Dutch", "nl", subtitle("nl"),
             prepare=coach_gives("subtitle-check")),
    scenario("work-audio-en", "An audio-tags clip by keys, in English", "en", audio("en"),
             prepare=coach_gives("audio-tags")),
    scenario("work-audio-nl", "An audio-tags clip by keys, in Dutch", "nl", audio("nl"),
             prepare=coach_gives("audio-tags")),
    scenario("work-time-en", "The time left at 5 and 1 minutes, then the pause, in English", "en", time_left("en"),
             prepare=coach_gives("audio-tags", workMinutes=10), lab_options=FAST),
    scenario("work-time-nl", "The time left at 5 and 1 minutes, then the pause, in Dutch", "nl", time_left("nl"),
             prepare=coach_gives("audio-tags", workMinutes=10), lab_options=FAST),
    settings_scenario("settings-en", "Settings: text size and language, in English", "en"),
    settings_scenario("settings-nl", "Settings: text size and language, in Dutch", "nl"),
]
