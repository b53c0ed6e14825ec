"""Ratings of instructions in real Chromium, by keyboard alone: after a task the operator answers "were the
instructions clear?" with one key (or Tab to its buttons, or writes a comment), and ignoring it costs nothing;
changed instructions are said once; the coach passes a comment on; the client sees the share of "unclear" per
version and the passed comment without any name, and changes the instructions. No axe-core violations on the
work page with the question shown, on the coach's page and on the client's project page."""
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import axe_violations, screenshot
from labapi import CLIENT, COACH, call, database, login, operator_id, share_project, upload_files
from test_client import sign_in as client_signs_in
from test_coach import sign_in_as_coach
from test_work import focused, png, press, ready_operator, sign_in, sign_out, tab_to, wait, wait_for_task

# Daan's tasks: no other browser test works as OP-0004.
BADGE = "OP-0004"
NAME = "Daan Bakker"
QUESTION = "Were the instructions of the last task clear?"
CHANGED = "The instructions have changed. Please read them again."


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def visible(driver, element_id):
    return driver.find_element(By.ID, element_id).is_displayed()


def make_project(lab, deadline):
    """A choice project of the demo client, only for Daan, first in line (it has the earliest deadline)."""
    client = login(lab, email=CLIENT[0], password=CLIENT[1])
    project = call(lab, "/api/v1/projects", "POST", {
        "name": f"Clear or not {time.time():.0f}", "template": "choice", "labels": ["light", "dark"], "overlap": 1,
        "goldRate": 0, "deadline": deadline,
        "instructions": {"en": ["Choose light or dark."], "nl": ["Kies licht of donker."]},
    }, token=client)[1]
    upload_files(lab, project["id"], [(f"clarity-{i:02}.png", png(40, 30, i * 20)) for i in range(12)], client)
    share_project(lab, project["id"], [operator_id(lab, BADGE)])
    return project


def ratings_of(lab, project):
    return call(lab, f"/api/v1/projects/{project}/ratings", token=login(lab, email=CLIENT[0], password=CLIENT[1]))[1]


def wait_for_ratings(lab, project, count):
    deadline = time.time() + 15
    while time.time() < deadline:
        figures = ratings_of(lab, project)
        if sum(version["ratings"] for version in figures["versions"]) >= count:
            return figures
        time.sleep(0.2)
    raise AssertionError(f"fewer than {count} ratings arrived: {ratings_of(lab, project)}")


def answer_by_key(driver, key="1"):
    """Answers the task on screen with a number key and Enter; the next task comes with the question."""
    shown = driver.execute_script("return performance.getEntriesByName('annolab-task-shown').length")
    press(driver, key, Keys.ENTER)
    wait(driver, lambda d: d.execute_script("return performance.getEntriesByName('annolab-task-shown').length") > shown)
    wait_for_task(driver)
    wait(driver, lambda d: visible(d, "rating"))


def test_the_question_after_a_task_takes_one_key_and_never_stands_in_the_way(lab, browser):
    project = make_project(lab, "2026-01-02")
    ready_operator(lab, BADGE, ["choice"])
    sign_in(browser, lab, BADGE)
    wait(browser, lambda d: visible(d, "start-shift"))
    tab_to(browser, "start-shift")
    press(browser, Keys.ENTER)
    wait_for_task(browser)
    assert not visible(browser, "rating"), "no question before the first task is done"

    # One key: Y after the answer. The next task is on screen at once, with the focus in it.
    answer_by_key(browser)
    assert focused(browser, "type") == "radio", "the next task has the focus; the question waits beside it"
    assert text_of(browser, "rating-question") == QUESTION
    assert "Press Y for yes, N for no, C to comment." in text_of(browser, "rating-choices")
    wait(browser, lambda d: QUESTION in text_of(d, "announce"), 5)
    assert text_of(browser, "announce").startswith("Thank you. Next task:"), "the question comes after the task's news"
    assert browser.find_element(By.ID, "announce").get_attribute("aria-live") == "polite"
    screenshot(browser, "work-rating-question")
    assert axe_violations(browser) == []
    press(browser, "y")
    wait(browser, lambda d: visible(d, "rating-thanks"))
    assert focused(browser, "type") == "radio", "the key left the focus in the task"
    figures = wait_for_ratings(lab, project["id"], 1)
    assert figures["ratings"] == 1 and figures["unclear"] == 0

    # C writes a comment: the field takes the focus, Send gives it back to the task.
    answer_by_key(browser, "2")
    press(browser, "c")
    assert focused(browser) == "rating-comment"
    press(browser, "Is a grey picture light or dark?", Keys.TAB)
    assert focused(browser) == "rating-send"
    press(browser, Keys.ENTER)
    wait(browser, lambda d: visible(d, "rating-thanks"))
    assert focused(browser, "type") == "radio"
    figures = wait_for_ratings(lab, project["id"], 2)
    assert figures["unclear"] == 1 and figures["comments"] == [], "a comment waits for a coach"

    # Tab reaches the buttons too; ignoring the question is just as fine.
    answer_by_key(browser)
    tab_to(browser, "rating-no")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: visible(d, "rating-thanks"))
    assert focused(browser, "type") == "radio"
    answer_by_key(browser)
    answer_by_key(browser)
    wait_for_ratings(lab, project["id"], 3)
    time.sleep(1)
    figures = ratings_of(lab, project["id"])
    assert figures["ratings"] == 3 and figures["unclear"] == 2, "the ignored questions gave no rating"

    # The client changes the instructions: the next task fetched after it says so once.
    client = login(lab, email=CLIENT[0], password=CLIENT[1])
    lines = {"en": ["Choose light or dark.", "Grey counts as dark."], "nl": ["Kies licht of donker.", "Grijs telt als donker."]}
    changed = call(lab, f"/api/v1/projects/{project['id']}/instructions", "PUT", {"instructions": lines}, token=client)[1]
    assert changed["version"] == 2
    said = 0
    for _ in range(3):
        answer_by_key(browser)
        if visible(browser, "instructions-changed"):
            said += 1
            assert text_of(browser, "instructions-changed") == CHANGED
            assert "Grey counts as dark." in text_of(browser, "instruction-list")
            wait(browser, lambda d: CHANGED in text_of(d, "announce"), 5)
    assert said == 1, "the change is said with one task, once"
    sign_out(browser, lab)


def test_the_coach_passes_a_comment_and_the_client_sees_it_without_a_name(lab, browser):
    project = make_project(lab, "2026-01-01")
    ready_operator(lab, BADGE, ["choice"])
    operator = login(lab, badge=BADGE)
    call(lab, "/api/v1/shift/start", "POST", {}, token=operator)
    words = f"Which one is light when both are grey? ({time.time():.0f})"
    for comment in (words, "This comment stays with the coach."):
        served = call(lab, "/api/v1/tasks/next", token=operator)[1]
        assert served["task"]["projectId"] == project["id"]
        assignment = served["assignment"]["id"]
        call(lab, f"/api/v1/assignments/{assignment}/answer", "POST", {"answer": {"choice": "light"}}, token=operator)
        call(lab, f"/api/v1/assignments/{assignment}/rating", "POST", {"clear": False, "comment": comment}, token=operator)
    with database(lab) as connection:
        ids = [row[0] for row in connection.execute(
            "SELECT id FROM instructionRating WHERE projectId = ? ORDER BY id", (project["id"],))]

    sign_in_as_coach(browser, lab)
    wait(browser, lambda d: d.find_elements(By.ID, f"rating-{ids[0]}-pass"))
    assert words in text_of(browser, "ratings-list") and NAME not in text_of(browser, "ratings-list")
    screenshot(browser, "coach-ratings")
    assert axe_violations(browser) == []
    tab_to_field(browser, f"rating-{ids[0]}-pass")
    keys(browser, Keys.ENTER)
    wait(browser, lambda d: active(d, "textContent") == "Passed on to the client.")
    tab_to_field(browser, f"rating-{ids[1]}-dismiss")
    keys(browser, Keys.ENTER)
    wait(browser, lambda d: active(d, "textContent") == "Not passed on. The client does not see it.")

    browser.delete_all_cookies()
    client_signs_in(browser, lab)
    browser.get(f"{lab.url}client/project?id={project['id']}")
    wait(browser, lambda d: "2 answers" in text_of(d, "clarity-summary"))
    assert text_of(browser, "clarity-summary") == "Version 1 of the instructions: 2 answers, 2 found them unclear (100%)."
    comments = text_of(browser, "clarity-comments")
    assert words in comments and "stays with the coach" not in comments
    page = browser.find_element(By.TAG_NAME, "main").text
    assert NAME not in page and "Daan" not in page and BADGE not in page
    assert [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "#clarity-rows td")] == ["2", "2", "100%"]
    screenshot(browser, "client-clarity")
    assert axe_violations(browser) == []

    # The client changes the instructions by keyboard: a new version.
    tab_to_field(browser, "instructions-en")
    press(browser, Keys.END, Keys.ENTER, "Grey counts as dark.")
    tab_to_field(browser, "instructions-nl")
    press(browser, Keys.END, Keys.ENTER, "Grijs telt als donker.", Keys.TAB)
    assert focused(browser) == "instructions-save"
    press(browser, Keys.ENTER)
    wait(browser, lambda d: text_of(d, "instructions-status").startswith("Saved as version 2."))
    assert ratings_of(lab, project["id"])["version"] == 2


def active(driver, prop="id"):
    """A property of the focused element, read in the page: a live page may replace elements meanwhile."""
    return driver.execute_script(f"return document.activeElement && document.activeElement.{prop}")


def keys(driver, *sent):
    """Keys to whatever has the focus, without holding on to the element (the coach's page is live)."""
    ActionChains(driver).send_keys(*sent).perform()


def tab_to_field(driver, element_id):
    for _ in range(200):
        if active(driver) == element_id:
            return
        keys(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached #{element_id}")
