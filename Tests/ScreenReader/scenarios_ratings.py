"""The question after a task, heard with Orca: the operator sends an audio-tags answer by keys, hears the next
task announced with "were the instructions of the last task clear?" and its keys, answers with one key, and
hears the thanks, with the focus still in the new task. In English and in Dutch."""
from phrases import NAVIGATION
from scenarios import ENGLISH_ON_DUTCH_PAGES, WORDS, Scenario, Step, sign_in
from scenarios_work import TAG, TASK, coach_gives, lab

YES_KEY = {"en": "y", "nl": "j"}


def rating(language):
    words = WORDS[language]
    music = TAG[language][0]
    title = TASK["audio-tags"][language]
    return sign_in(words) + [
        Step("Tab to the start button (skip link, Settings, My work record, language, Sign out, Start)",
             ("key", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab"), hear=(words["start_button"],)),
        Step("Enter: the shift starts and the first task comes", ("key", "Return"),
             hear=(lab(language, "work.newTask", title=title), f"1 {music}")),
        Step("Press 1: music is ticked", ("key", "1"), never=NAVIGATION),
        Step("Enter: the answer is sent; the next task comes with the question about the last one", ("key", "Return"),
             hear=(lab(language, "work.sentNext", title=title), lab(language, "rating.question"), lab(language, "rating.keys")),
             never=NAVIGATION),
        Step("One key: yes, the instructions were clear", ("key", YES_KEY[language]),
             hear=(lab(language, "rating.thanks"),), never=NAVIGATION),
        Step("Where am I: the focus is still in the new task", ("key", "KP_Enter"), hear=(f"1 {music}",),
             never=NAVIGATION),
    ]


def scenario(name, title, language):
    options = {"never": ENGLISH_ON_DUTCH_PAGES} if language == "nl" else {}
    return Scenario(name, title, language, rating(language), prepare=coach_gives("audio-tags"), pages=("index", "work"),
                    **options)


SCENARIOS = [
    scenario("ratings-work-en", "Were the instructions clear? One key after a task, in English", "en"),
    scenario("ratings-work-nl", "Were the instructions clear? One key after a task, in Dutch", "nl"),
]
