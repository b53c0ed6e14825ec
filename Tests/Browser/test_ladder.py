"""The skill ladder and reviewers in real Chromium, by keyboard alone, with 0 axe-core violations: the coach
opens a step by hand on /coach, the operator sees on /work what they can learn next, and a reviewer
decides a split choice with the earlier answers shown without names. A lab of its own: these tests add
operators and a reviewer, which other tests' demo lab must not have."""
import datetime

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import axe_violations
from demolab import DemoLab
from labapi import ADMIN, CLIENT, COACH, call, login, token_of, upload_files
from test_work import png, press, set_settings, sign_in, tab_to, visible, wait, wait_for_task


@pytest.fixture(scope="module")
def ladder_lab():
    demo = DemoLab()
    yield demo
    demo.stop()


def coach_id(lab):
    users = call(lab, "/api/v1/admin/users", token=token_of(lab, ADMIN))[1]["users"]
    return next(user["id"] for user in users if user["role"] == "coach")


def new_operator(lab, name):
    person = call(lab, "/api/v1/admin/users", "POST", {"role": "operator", "name": name, "coach": coach_id(lab)},
                  token=token_of(lab, ADMIN))[1]
    set_settings(lab, person["badge"], language="en")
    return person


def test_coach_opens_a_step_by_keyboard(browser, ladder_lab):
    lab = ladder_lab
    gijs = new_operator(lab, "Gijs Nieuw")
    browser.get(lab.url)
    wait(browser, lambda d: d.execute_script("return document.documentElement.lang") == "en")
    browser.find_element(By.TAG_NAME, "body").send_keys("")
    tab_to(browser, "email")
    press(browser, COACH[0], Keys.TAB)
    press(browser, COACH[1], Keys.ENTER)
    wait(browser, lambda d: d.current_url.endswith("/coach"))
    summary = f"op-{gijs['id']}-skills-open"
    wait(browser, lambda d: d.find_elements(By.ID, summary))
    tab_to(browser, summary, limit=400)
    press(browser, Keys.ENTER)
    items = lambda: [item.text for item in browser.find_elements(By.CSS_SELECTOR, f"#op-{gijs['id']}-skills li")]
    wait(browser, lambda d: any("Checking subtitles: not yet" in text for text in items()), message=str(items()))
    assert any("Tagging sounds: open to everyone" in text for text in items())
    assert any(text.startswith("Next: Checking subtitles.") for text in items())
    tab_to(browser, f"op-{gijs['id']}-skills-step")
    assert browser.switch_to.active_element.get_attribute("value") == "subtitle-check"
    press(browser, Keys.TAB)
    press(browser, Keys.ENTER)
    status = f"op-{gijs['id']}-skills-status"
    wait(browser, lambda d: d.find_element(By.ID, status).text == "Checking subtitles is open now.")
    wait(browser, lambda d: any(text.startswith("Checking subtitles: opened by a coach on") for text in items()), message=str(items()))
    assert axe_violations(browser) == []
    ladder = call(lab, f"/api/v1/coach/operators/{gijs['id']}/skills", token=token_of(lab, COACH))[1]
    step = next(step for step in ladder["steps"] if step["id"] == "subtitle-check")
    assert step["via"] == "coach" and step["reachedAt"]


def test_operator_sees_what_to_learn_next(browser, ladder_lab):
    lab = ladder_lab
    noor = new_operator(lab, "Noor Nieuw")
    sign_in(browser, lab, noor["badge"])
    wait(browser, lambda d: visible(d, "ladder"), message="the ladder panel on the start screen")
    panel = browser.find_element(By.ID, "ladder").text
    assert "What you can learn" in panel
    assert "You can do: Tagging sounds." in panel
    assert "Next to learn: Checking subtitles. Practice questions done: 0 of 8." in panel
    assert axe_violations(browser) == []


def test_reviewer_decides_a_split_choice_by_keyboard(browser, ladder_lab):
    lab = ladder_lab
    client = token_of(lab, CLIENT)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    created = call(lab, "/api/v1/projects", "POST", {"name": "Pets to check", "template": "choice", "labels": ["cat", "dog"],
                                                    "overlap": 2, "goldRate": 0, "deadline": tomorrow}, token=client)[1]
    # One picture, uploaded as a client does.
    upload_files(lab, created["id"], [("pet.png", png(64, 48, 120))], client)
    ada, bas, cor = (new_operator(lab, name) for name in ("Ada Split", "Bas Split", "Cor Review"))
    call(lab, f"/api/v1/coach/operators/{cor['id']}/skills", "POST", {"step": "reviewer"}, token=token_of(lab, COACH))
    for person, choice in ((ada, "cat"), (bas, "dog")):
        token = login(lab, badge=person["badge"])
        call(lab, f"/api/v1/coach/operators/{person['id']}/profile", "PUT", {"taskKinds": ["choice"]}, token=token_of(lab, COACH))
        call(lab, "/api/v1/shift/start", "POST", token=token)
        served = call(lab, "/api/v1/tasks/next", token=token)[1]
        assert served["task"]["kind"] == "choice"
        call(lab, f"/api/v1/assignments/{served['assignment']['id']}/answer", "POST", {"answer": {"choice": choice}}, token=token)
        call(lab, "/api/v1/shift/end", "POST", token=token)
    sign_in(browser, lab, cor["badge"])
    tab_to(browser, "start-shift")
    press(browser, Keys.ENTER)
    wait_for_task(browser)
    note = browser.find_element(By.ID, "review-note")
    assert note.is_displayed()
    assert "People did not agree" in note.text and "cat: 1" in note.text and "dog: 1" in note.text
    assert "Ada" not in note.text and "Bas" not in note.text
    assert axe_violations(browser) == []
    press(browser, "2")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: not visible(d, "review-note") or d.find_element(By.ID, "review-note").text == "", 15,
         "the next task has no reviewer's note")
    export = call(lab, f"/api/v1/projects/{created['id']}/export?format=json", token=client)[1]
    assert export[0]["label"] == "dog" and export[0]["decidedBy"] == "reviewer", export
