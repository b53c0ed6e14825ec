"""A subtitle window of a programme on video, heard with Orca: the window's cues and the player's keys are read,
the captions never (the video is hidden from screen readers: the cue list is the text to read), playing moves
neither Orca's focus nor its voice, and the verdicts go by number keys as on any subtitle window. In English and
in Dutch.

The demo lab prepares its evening news as a programme when it serves; the preparation waits for that, then lets
OP-0001 do subtitle checks of that project only, as the coach would (the coach's profile and project access)."""
import time

from labcalls import At, as_client, as_coach, call, operator_id
from phrases import NAVIGATION
from scenarios import WORDS, Step, sign_in
from scenarios_work import CUE_ONE, CUE_TWO, FOCUS_MOVED, TASK, VERDICT, lab, scenario, start_shift

PROJECT = "Evening news on video: subtitle check"
# The demo's first window: its four cues, and the stretch of the programme they cover (1.0 s to 16.8 s).
CUES = (CUE_ONE, CUE_TWO, "Bij Utrecht stond een file van twintig kilometer.",
        "De politie vraagt autmobilisten om rustig te rijden.")
LENGTH = "0:15"


def video_only(url):
    """The preparation: the programme ready, and OP-0001 given subtitle checks of the video project only."""
    at, client, coach = At(url), as_client(url), as_coach(url)
    projects = call(at, "/api/v1/projects", token=client)[1]["projects"]
    video = next(project["id"] for project in projects if project["name"] == PROJECT)
    deadline = time.monotonic() + 180
    while True:
        jobs = call(at, f"/api/v1/projects/{video}", token=client)[1].get("jobs", [])
        if jobs and all(job["state"] == "ready" for job in jobs):
            break
        if any(job["state"] == "failed" for job in jobs) or time.monotonic() > deadline:
            raise RuntimeError(f"the demo's programme was not made ready: {jobs}")
        time.sleep(0.5)
    me = operator_id(at, "OP-0001")
    call(at, f"/api/v1/coach/operators/{me}/profile", "PUT", {"taskKinds": ["subtitle-check"]}, token=coach)
    for project in projects:
        if project["template"] == "subtitle-check" and project["id"] != video:
            path = f"/api/v1/coach/projects/{project['id']}/operators"
            others = [person["id"] for person in call(at, path, token=coach)[1]["operators"] if person["id"] != me]
            call(at, path, "PUT", {"operators": others}, token=coach)


def said(desktop):
    """Every line the voice was given so far in this run."""
    try:
        lines = desktop.spoken.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line.split("\t", 2)[-1] for line in lines]


class Counted:
    """A key whose speech is counted: `press` presses it and remembers where the speech stood, `check` (the next
    step) fails the run when Orca said one of the texts more than once since."""

    def __init__(self, *texts):
        self.texts = texts
        self.start = 0

    def press(self, *keys):
        def act(desktop):
            self.start = len(said(desktop))
            desktop.key(*keys)
        act.__qualname__ = f"key {' '.join(keys)}"
        return act

    def check(self, desktop):
        spoken = " ".join(said(desktop)[self.start:])
        twice = [text for text in self.texts if spoken.count(text) > 1]
        if twice:
            raise AssertionError(f"Orca said more than once: {twice}")


def playing(*keys):
    """Presses the play key and listens while the stretch plays to its end: Chromium tells Orca each new name of
    the player (its time), so Orca's log shows when the player is named with the end's time once more. (Chromium
    has no sound card here and plays as fast as it decodes: the 15 seconds take less than one.)"""
    def act(desktop):
        at_end = f"{LENGTH} of {LENGTH}" if desktop.language == "en" else f"{LENGTH} van {LENGTH}"

        def ends():
            try:
                lines = desktop.orca_log.read_text(errors="replace").splitlines()
            except OSError:
                return 0
            return sum(1 for line in lines if "accessible-name for [panel" in line and at_end in line)
        before = ends()
        desktop.key(*keys)
        deadline = time.monotonic() + 45
        while ends() <= before:
            if time.monotonic() > deadline:
                raise AssertionError(f"the stretch did not play to its end ({at_end}) after {keys}")
            time.sleep(0.2)
    act.__qualname__ = f"key {' '.join(keys)}, then listen to the end of the stretch"
    return act


def video(language):
    words = WORDS[language]
    correct, text_error = VERDICT[language]
    keys = lab(language, "audio.keys").split(". ")[0]
    at_start = lab(language, "video.time", at="0:00", total=LENGTH)
    at_end = lab(language, "video.time", at=LENGTH, total=LENGTH)
    back = lab(language, "video.time", at="0:13", total=LENGTH)
    quiet = (*CUES, *FOCUS_MOVED, *NAVIGATION)
    # Orca reads subtitle 1 where the focus lands, except now and then (1 run in 5) when it still takes the work page
    # for loading (Orca 43 handles the page's busy events out of order): then it ignores the start button's removal,
    # finds its focus a zombie and moves to the verdict without a word. The lab's own words are said either way,
    # and subtitle 1 is heard on the Tab back from the player below.
    landing = Counted(CUE_ONE)
    starting = start_shift(words, language, "subtitle-check")
    starting[-1].action = ("call", landing.press("Return"))

    def chosen(number, verdict):
        return f"{lab(language, 'subtitle.cue', n=number)}: {verdict}"
    return sign_in(words) + starting + [
        Step("Orca said subtitle 1 once (the captions are not read as well)", ("call", landing.check)),
        Step("Shift+Tab: the player, its time in words and its keys", ("key", "shift+Tab"),
             hear=(at_start, keys), never=CUES),
        Step("Space: the stretch plays to its end; Orca says nothing of the captions", ("call", playing("space")),
             never=quiet),
        Step("Where am I: the focus is still on the player, at the stretch's end", ("key", "KP_Enter"),
             hear=(at_end,), never=CUES),
        Step("K on the player: the stretch plays again; Orca stays where it was", ("call", playing("k")), never=quiet),
        Step("Where am I: still the player", ("key", "KP_Enter"), hear=(at_end,), never=CUES),
        Step("Left arrow: 2 seconds back (in focus mode the arrow reaches the page)", ("key", "Left"), never=quiet),
        Step("Where am I: the player's time is 2 seconds earlier", ("key", "KP_Enter"), hear=(back,), never=CUES),
        Step("Tab: subtitle 1 again, its text and the verdicts", ("key", "Tab"),
             hear=(lab(language, "subtitle.cue", n=1), CUE_ONE, correct)),
        Step("K at the verdicts: the stretch plays on to its end; Orca stays where it was", ("call", playing("k")),
             never=quiet),
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


SCENARIOS = [
    scenario("work-video-en", "A subtitle window on video by keys, in English", "en", video("en"), prepare=video_only),
    scenario("work-video-nl", "A subtitle window on video by keys, in Dutch", "nl", video("nl"), prepare=video_only),
]
