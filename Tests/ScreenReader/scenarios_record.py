"""The operator's printable work record, heard with Orca: from the work page's "My work record" link, Orca reads
the record from the top (its heading, what the work was, the paid hours) until the operator stops it with Ctrl;
then heading by heading (Orca's H key) every part is reached, and a skill is read in the skills table. In English
and in Dutch.

Once signed in, OP-0001 gets a year of work: 200 days of shifts and answers written into the running
lab's database, always the same (a fixed seed and a fixed last day), so the record's figures are the same in
every run. The record speaks the operator's own language: the English scenario makes OP-0001 English first."""
import datetime
import sqlite3
import time

from scenarios import ENGLISH_ON_DUTCH_PAGES, WORDS, Scenario, Step, sign_in
from scenarios_coach import HANDLED, LOAD_HANDLED, SAY_ALL, Act

import labcalls  # noqa: F401  (puts Tests/Browser on the import path)
from yearofwork import set_language, write_year  # noqa: E402

# The year written for OP-0001, and what its record says of it (the pay ledger's figure for that year).
LAST_DAY = datetime.date(2026, 11, 30)
DAYS = 200
RECORD = {
    "en": {
        "link": "My work record", "title": "Work record of Anouk de Vries",
        "paid": "Paid hours", "hours": "539 h 5 min",
        "parts": ("Hours worked", "Work done", "Quality", "Skills", "Training", "Pauses", "About this record"),
        "skill": "Checking subtitles",
    },
    "nl": {
        "link": "Mijn werkoverzicht", "title": "Werkoverzicht van Anouk de Vries",
        "paid": "Betaalde uren", "hours": "539 uur 5 min",
        "parts": ("Gewerkte uren", "Gedaan werk", "Kwaliteit", "Vaardigheden", "Training", "Pauzes", "Over dit overzicht"),
        "skill": "Ondertitels controleren",
    },
}
# The record's English words a Dutch record must never say.
ENGLISH_RECORD = ("Work record", "Paid hours", "Days worked", "Hours worked", "Work done", "Skills", "Checking subtitles")


def a_year_for_op_0001(language):
    """OP-0001's year of work, written into the lab's database once the work page is read (written before,
    the page would greet a returning operator with "Your shift has ended"); OP-0001 speaks `language` (the
    record's language is the operator's own)."""
    def write(desktop):
        database = desktop.lab_data / "annolab.sqlite"
        connection = sqlite3.connect(str(database), timeout=30)
        try:
            (operator,) = connection.execute("SELECT id FROM user WHERE badge = 'OP-0001'").fetchone()
        finally:
            connection.close()
        write_year(database, operator, seed=7, days=DAYS, today=LAST_DAY + datetime.timedelta(days=1), skills=())
        set_language(database, operator, language)
    return Act(f"OP-0001 gets {DAYS} days of work up to {LAST_DAY} (written into the lab's database), and speaks {language}", write)


def read_until(phrase):
    """Enter follows the link; Orca reads the new page from the top (say-all) and the operator stops it with
    Ctrl once `phrase` has been said. When Orca does not read the page (its handling of the load over and the
    voice quiet for 2 s), there is nothing to stop and the step's phrases are missing."""
    def act(desktop):
        log, spoken = desktop.folder / "orca.log", desktop.folder / "spoken.txt"
        lines = lambda path: path.read_text(errors="replace").splitlines() if path.exists() else []
        start_log, start_spoken = len(lines(log)), len(lines(spoken))
        desktop.key("Return")
        end = time.monotonic() + 120
        sizes, changed = None, time.monotonic()
        while time.monotonic() < end:
            new = lines(log)[start_log:]
            said = lines(spoken)[start_spoken:]
            if any(SAY_ALL in line for line in new) and any(phrase.lower() in line.lower() for line in said):
                desktop.key("ctrl")
                return
            now = (len(new), len(said))
            if now != sizes:
                sizes, changed = now, time.monotonic()
            loads = [index for index, line in enumerate(new) if LOAD_HANDLED in line]
            if loads and any(HANDLED in line for line in new[loads[-1]:]) and not any(SAY_ALL in line for line in new) \
                    and time.monotonic() - changed >= 2:
                return
            time.sleep(0.05)
        raise RuntimeError(f"Orca did not say {phrase!r} within 120 s")
    return Act(f"Enter, then Ctrl once Orca has said {phrase!r}", act)


def record(language):
    words, said = WORDS[language], RECORD[language]
    parts = said["parts"]
    steps = [
        *sign_in(words),
        Step("Meanwhile, OP-0001's past year of work reaches the lab's database", ("call", a_year_for_op_0001(language))),
        Step("Tab to the work record link (skip link, Settings, the record)", ("key", "Tab", "Tab", "Tab"),
             hear=(said["link"],)),
        Step("Enter: the record opens and Orca reads it from the top, from its heading to the paid hours; Ctrl stops it",
             ("call", read_until(said["hours"])), hear=(said["title"], said["paid"], said["hours"])),
        Step("Ctrl+Home: the top of the record, its heading", ("key", "ctrl+Home"), hear=(said["title"],)),
    ]
    for index, part in enumerate(parts):
        steps.append(Step(f"H: the next part, {part}", ("key", "h"), hear=(part,)))
        if index == 3:
            steps.append(Step("Down through the explanation and the table's caption and header to the first skill",
                              ("key", "Down", "Down", "Down", "Down"), hear=(said["skill"],)))
    return steps


SCENARIOS = [
    Scenario("record-en", "The printable work record, in English", "en", record("en"), pages=("index", "work", "record")),
    Scenario("record-nl", "The printable work record, in Dutch", "nl", record("nl"),
             never=ENGLISH_ON_DUTCH_PAGES + ENGLISH_RECORD, pages=("index", "work", "record")),
]
