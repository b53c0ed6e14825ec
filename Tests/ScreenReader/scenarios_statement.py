"""The coach's statement for the operator's work record, heard with Orca on the settings page: the operator
Tabs past the settings to "My work record", hears its two links and the button to agree, agrees and hears
the new state; then writes what the coach should change, sends it, and hears that it was asked. In English
and in Dutch. The coach's words come before Chromium starts, over HTTP, as the coach would write them."""
import json
import pathlib

from labcalls import At, as_coach, call, operator_id
from phrases import NAVIGATION
from scenarios import WORDS, Step, sign_in
from scenarios_coach import Act
from scenarios_work import scenario

I18N = pathlib.Path(__file__).resolve().parents[2] / "Web" / "i18n"
# The strings every page has, and the settings page's own bundle where it has one.
STRINGS = {language: {key: text for name in (f"{language}.json", f"settings.{language}.json") if (I18N / name).exists()
                      for key, text in json.loads((I18N / name).read_text()).items()} for language in ("en", "nl")}

STATEMENT = {
    "en": "Anouk checked subtitles with great care and was always on time.",
    "nl": "Anouk controleerde ondertitels heel zorgvuldig en was altijd op tijd.",
}
REQUEST = {
    "en": "Please mention the sound tags too.",
    "nl": "Noem ook de geluiden die ik herkende.",
}


def lab(language, key):
    """One of the lab's strings, as the page shows it (placeholders left in)."""
    return STRINGS[language][key]


def coach_writes(language):
    """The preparation: the coach writes Anouk's statement (OP-0001), in the language of the scenario."""
    def prepare(url):
        at = At(url)
        call(at, f"/api/v1/coach/operators/{operator_id(at, 'OP-0001')}/statement", "PUT",
             {"text": STATEMENT[language]}, token=as_coach(url))
    return prepare


def around(language, key):
    """The fixed words of a string around its {date}: the date itself is written the browser's way."""
    return tuple(part.strip(" .") for part in lab(language, key).split("{date}") if part.strip(" ."))


class SaidOnce:
    """What the voice got from one step on: a phrase must be in it exactly once (Orca said the new state twice
    when it was a focused paragraph, and again when the focused heading's description changed)."""

    def __init__(self):
        self.mark = 0

    def lines(self, desktop):
        return (desktop.folder / "spoken.txt").read_text(errors="replace").splitlines()

    def start(self, desktop):
        self.mark = len(self.lines(desktop))

    def check(self, phrase):
        def act(desktop):
            count = sum(line.count(phrase) for line in self.lines(desktop)[self.mark:])
            if count != 1:
                raise AssertionError(f"{phrase!r} was said {count} times, not once")
        return Act(f"{phrase!r} said once", act)


def agree(language):
    words = WORDS[language]
    asked = lab(language, "settings.statementAsked").split("{date}")[0].strip()
    agreed = around(language, "settings.statementAgreed")
    once = SaidOnce()
    return sign_in(words) + [
        Step("Tab to Settings (skip link, Settings)", ("key", "Tab", "Tab"), hear=(lab(language, "work.settingsLink"),)),
        Step("Enter: the settings page; Orca reads it", ("key", "Return"), load=True,
             hear=(lab(language, "settings.title"),)),
        Step("Tab past the settings to the first link of the work record (skip link, back to work, sign out, text "
             "size, contrast, motion, language, sounds, save, the record)", ("key",) + ("Tab",) * 10,
             hear=(lab(language, "settings.recordOpen"),)),
        Step("Tab: the record as JSON", ("key", "Tab"), hear=(lab(language, "settings.recordJson"),)),
        Step("Tab: the button to agree", ("key", "Tab"), hear=(lab(language, "settings.agree"),)),
        Step("(what the voice gets from here on)", ("call", Act("remember where the voice is", once.start))),
        Step("Enter: agreed; the focus goes to the part's heading, and Orca reads the new state with it",
             ("key", "Return"), hear=(lab(language, "settings.statement"), *agreed)),
        Step("(the new state was said once)", ("call", once.check(agreed[0]))),
        Step("Tab: the field for a change, named", ("key", "Tab"),
             hear=(lab(language, "settings.changeLabel"), words["focus_mode"])),
        Step("Type what the coach should change", ("type", REQUEST[language]), never=NAVIGATION),
        Step("Tab: the button to ask for a change", ("key", "Tab"), hear=(lab(language, "settings.change"),),
             never=NAVIGATION),
        Step("(what the voice gets from here on)", ("call", Act("remember where the voice is", once.start))),
        Step("Enter: asked; the heading again, and the new state with the request", ("key", "Return"),
             hear=(lab(language, "settings.statement"), asked, REQUEST[language]), never=agreed),
        Step("(the new state was said once)", ("call", once.check(asked))),
    ]


SCENARIOS = [
    scenario("settings-statement-en", "Settings: agree with the coach's statement, then ask for a change, in English",
             "en", agree("en"), prepare=coach_writes("en")),
    scenario("settings-statement-nl", "Settings: agree with the coach's statement, then ask for a change, in Dutch",
             "nl", agree("nl"), prepare=coach_writes("nl")),
]
