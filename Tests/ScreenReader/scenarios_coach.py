"""The coach's dashboard heard with Orca: the coach signs in with email and password, and while they write
a message to an operator another operator's work raises an alert. Orca says the new alert once, and the
focus stays in the message field."""
import time

from labcalls import At, as_operator, call
from phrases import NAVIGATION
from scenarios import ENGLISH_ON_DUTCH_PAGES, Scenario, Step

COACH_EMAIL, COACH_PASSWORD = "coach@demo.local", "demo-coach"

WORDS = {
    "en": {
        "focus_mode": "Focus mode", "badge": "badge", "badge_button": "Sign in with badge",
        "email": "Email address", "password": "Password",
        "skip": "Skip to main content", "language": "Nederlands", "sign_out": "Sign out", "alerts": "Alerts",
        "alert": "New alert: Esra Yilmaz, Many tasks skipped. Open alerts: 1.", "kind": "Many tasks skipped",
        "new": "New alert", "open": "Open alerts",
        "started": "2 working, 4 not started.", "paused": "1 working, 1 on a pause, 4 not started.",
        "acknowledge": "Acknowledge",
    },
    "nl": {
        "focus_mode": "Focus-modus", "badge": "badge", "badge_button": "Inloggen met badge",
        "email": "E-mailadres", "password": "Wachtwoord",
        "skip": "Ga naar de inhoud", "language": "English", "sign_out": "Uitloggen", "alerts": "Meldingen",
        "alert": "Nieuwe melding: Esra Yilmaz, Veel taken overgeslagen. Open meldingen: 1.",
        "kind": "Veel taken overgeslagen", "new": "Nieuwe melding", "open": "Open meldingen",
        "started": "2 aan het werk, 4 nog niet begonnen.", "paused": "1 aan het werk, 1 met pauze, 4 nog niet begonnen.",
        "acknowledge": "Gezien",
    },
}


def sign_in_by_email(words, email, password, home_hear):
    """From Chromium opening the sign-in page to the person's own page, by email and password and keyboard.
    The page puts the focus in the badge field; Tab passes the badge button and reaches the email field."""
    return [
        Step("Chromium opens the sign-in page", ("open", "/"), load=True, hear=(words["badge"], words["focus_mode"])),
        Step("Tab: the badge button", ("key", "Tab"), hear=(words["badge_button"],)),
        Step("Tab: the email field", ("key", "Tab"), hear=(words["email"], words["focus_mode"])),
        Step("Type the email address", ("type", email), never=NAVIGATION),
        Step("Tab: the password field", ("key", "Tab"), hear=(words["password"],), never=NAVIGATION),
        Step("Type the password", ("type", password), never=NAVIGATION),
        Step("Enter: the page opens and Orca reads it", ("key", "Return"), load=True, hear=home_hear),
    ]


class Act(str):
    """A step's function for a ("call", ...) action that is also its description, so that a run's result,
    written as JSON, can hold it."""

    def __new__(cls, description, function):
        act = super().__new__(cls, description)
        act.function = function
        return act

    def __call__(self, desktop):
        return self.function(desktop)


# Orca's log: it has handled a page's load, it starts reading the page from the top (say-all), and the end
# of its handling of an event.
LOAD_HANDLED = "WEB: Updating loading state and resetting live regions"
SAY_ALL = "WEB: Doing SayAll"
HANDLED = "^^^^^ PROCESS OBJECT EVENT"


def enter_and_stop_reading(desktop):
    """Enter sends the sign-in form (or follows a link); when Orca starts reading the new page from the top
    (say-all), the person stops it with Ctrl, as a screen-reader user does on a page they know.

    Ctrl pressed before say-all speaks its own lines stops only what was queued, and say-all goes on: so it
    waits until the voice has been given two of say-all's lines. Orca does not always read the new page: when
    it handles the page's load while its focus is still the field of the page before, it stays silent (its
    log: "Not presenting due to focus mode"); then there is nothing to stop, once Orca's handling of the load
    is over and the voice has been quiet for 2 s. Waits on Orca's log and the voice, never a fixed time."""
    log = desktop.folder / "orca.log"
    spoken = desktop.folder / "spoken.txt"
    lines = lambda path: path.read_text(errors="replace").splitlines()
    start = len(lines(log))
    desktop.key("Return")
    end = time.monotonic() + 120
    said = None
    sizes, changed = None, time.monotonic()
    while time.monotonic() < end:
        new = lines(log)[start:]
        if said is None and any(SAY_ALL in line for line in new):
            said = len(lines(spoken))
        if said is not None and len(lines(spoken)) >= said + 2:
            desktop.key("ctrl")
            return
        now = (len(new), len(lines(spoken)))
        if now != sizes:
            sizes, changed = now, time.monotonic()
        loads = [index for index, line in enumerate(new) if LOAD_HANDLED in line]
        if said is None and loads and any(HANDLED in line for line in new[loads[-1]:]) \
                and time.monotonic() - changed >= 2:
            return
        time.sleep(0.05)
    raise RuntimeError("Orca did not handle the page's load within 120 s")


def operator_working(url, badge):
    token = as_operator(url, badge)
    call(At(url), "/api/v1/shift/start", "POST", {}, token)


def operator_does(badge, what):
    """An operator's shift action over HTTP ("start", "pause", "resume")."""
    def act(desktop):
        call(At(desktop.url), f"/api/v1/shift/{what}", "POST", {}, as_operator(desktop.url, badge))
    return Act(f"{badge}: shift {what}", act)


def skips_five_tasks(badge):
    """An operator skips five tasks one after another: the lab raises an alert for their coach."""
    def skip(desktop):
        token = as_operator(desktop.url, badge)
        for _ in range(5):
            held = call(At(desktop.url), "/api/v1/tasks/next", token=token)[1]
            call(At(desktop.url), f"/api/v1/assignments/{held['assignment']['id']}/skip", "POST", {}, token)
    return Act(f"{badge} skips five tasks", skip)


class FocusWatch:
    """Orca's log from one step to a later one: no focus change may come in between."""
    FOCUSED = "Dequeued object:state-changed:focused"

    def __init__(self):
        self.mark = 0

    def lines(self, desktop):
        return (desktop.folder / "orca.log").read_text(errors="replace").splitlines()

    def start(self, desktop):
        self.mark = len(self.lines(desktop))

    def check(self, desktop):
        moved = [line for line in self.lines(desktop)[self.mark:] if self.FOCUSED in line]
        if moved:
            raise AssertionError("the focus moved while the alert came: " + moved[0])


def prepare_coach(url):
    """Esra Yilmaz (OP-0005) works before the coach signs in; nobody else in the group has started."""
    operator_working(url, "OP-0005")


def coach_alert(words):
    """The coach signs in with email and password, stops Orca reading the dashboard, and goes by Tab to the
    "Alerts" link of the page's own list. Esra Yilmaz skips five tasks: Orca says the new alert once; Floor
    Visser starts, pauses and resumes: the group's line is said each time, the alert never again. The focus
    has not moved: Enter follows the same link, and the alert's Acknowledge button comes next."""
    watch = FocusWatch()
    again = (words["new"], words["kind"], words["open"])
    return sign_in_by_email(words, COACH_EMAIL, COACH_PASSWORD, ())[:-1] + [
        Step("Enter: the dashboard opens; Ctrl stops Orca reading it from the top",
             ("call", Act("Enter, then Ctrl when Orca starts reading", enter_and_stop_reading))),
        Step("Ctrl+Home: the top of the page", ("key", "ctrl+Home"), hear=(words["skip"],)),
        Step("Tab: the language button", ("key", "Tab"), hear=(words["language"],)),
        Step("Tab: sign out", ("key", "Tab"), hear=(words["sign_out"],)),
        Step("Tab: the Alerts link of the page's list", ("key", "Tab"), hear=(words["alerts"],)),
        Step("(Orca's log from here on)", ("call", Act("remember where Orca's log is", watch.start))),
        Step("Esra Yilmaz skips five tasks: the new alert is said", ("call", skips_five_tasks("OP-0005")),
             hear=(words["alert"],)),
        Step("Floor Visser starts: the group's line, not the alert", ("call", operator_does("OP-0006", "start")),
             hear=(words["started"],), never=again),
        Step("Floor Visser takes a pause: the group's line, not the alert", ("call", operator_does("OP-0006", "pause")),
             hear=(words["paused"],), never=again),
        Step("Floor Visser goes on: the group's line, not the alert", ("call", operator_does("OP-0006", "resume")),
             hear=(words["started"],), never=again),
        Step("(Orca's log: the focus has not moved)", ("call", Act("no focus change in Orca's log", watch.check))),
        Step("Enter: the link the focus stayed on goes to the alerts", ("key", "Return"), hear=(words["alerts"],),
             never=again),
        Step("Tab: the new alert's button", ("key", "Tab"), hear=(words["acknowledge"], words["kind"])),
    ]


SCENARIOS = [
    Scenario("coach-alert-en", "The coach hears a new alert once, in English", "en", coach_alert(WORDS["en"]),
             prepare=prepare_coach, pages=("index", "coach")),
    Scenario("coach-alert-nl", "The coach hears a new alert once, in Dutch", "nl", coach_alert(WORDS["nl"]),
             prepare=prepare_coach, pages=("index", "coach"),
             never=ENGLISH_ON_DUTCH_PAGES),
]
