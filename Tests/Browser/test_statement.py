"""The coach's statement for an operator's work record in real Chromium, by keyboard alone: the coach writes
it on /coach, the operator reads it on /settings, agrees, and asks for a change, which the coach then sees on
the operator's card. Both pages have no axe-core violations with the statement's parts shown."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import axe_violations, screenshot
from labapi import COACH, call, login, operator_id
from test_coach import focused_id, press, sign_in_as_coach, tab_to
from test_work import sign_in

# Floor's statement: no other browser test touches it.
BADGE = "OP-0006"
NAME = "Floor Visser"


def wait(driver, condition, seconds=10):
    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition)


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def coach_writes(lab, text):
    """The coach writes the statement over HTTP, as a start for the operator's side."""
    coach = login(lab, email=COACH[0], password=COACH[1])
    return call(lab, f"/api/v1/coach/operators/{operator_id(lab, BADGE)}/statement", "PUT", {"text": text}, token=coach)[1]


def open_statement(driver, op):
    """Tab to the card's work record part and open it; waits until its state is read."""
    tab_to(driver, f"op-{op}-statement-open")
    press(driver, Keys.ENTER)
    wait(driver, lambda d: d.find_element(By.ID, f"op-{op}-statement").get_attribute("open") is not None)
    wait(driver, lambda d: text_of(d, f"op-{op}-statement-state") != "")


def test_the_coach_writes_the_statement_by_keyboard_alone(lab, browser):
    op = operator_id(lab, BADGE)
    sign_in_as_coach(browser, lab)
    open_statement(browser, op)
    press(browser, Keys.TAB)
    assert focused_id(browser) == f"op-{op}-statement-text"
    label = browser.find_element(By.CSS_SELECTOR, f"label[for=op-{op}-statement-text]").text
    assert label == "Statement for the work record"
    # Nothing written: the error summary takes the focus, and its link leads back to the field.
    press(browser, Keys.CONTROL, "a")
    press(browser, Keys.DELETE, Keys.TAB)
    assert browser.switch_to.active_element.text == "Save statement"
    press(browser, Keys.ENTER)
    wait(browser, lambda d: focused_id(d) == f"op-{op}-statement-errors")
    assert "Write the statement first." in text_of(browser, f"op-{op}-statement-errors")
    press(browser, Keys.TAB, Keys.ENTER)
    assert focused_id(browser) == f"op-{op}-statement-text"

    words = f"Floor checked subtitles with care and was always on time. ({time.time():.0f})"
    press(browser, words, Keys.TAB, Keys.ENTER)
    wait(browser, lambda d: text_of(d, f"op-{op}-statement-status").startswith("The statement is saved."))
    assert text_of(browser, f"op-{op}-statement-state") == f"Waiting for {NAME} to agree."
    assert not browser.find_element(By.ID, f"op-{op}-statement-errors").is_displayed()
    stored = call(lab, "/api/v1/me/statement", token=login(lab, badge=BADGE))[1]
    assert stored["text"] == words and "agreedAt" not in stored
    screenshot(browser, "coach-statement")
    assert axe_violations(browser) == []


def test_the_operator_agrees_and_asks_for_a_change_by_keyboard_alone(lab, browser):
    words = f"Floor tags sounds carefully. ({time.time():.0f})"
    coach_writes(lab, words)
    sign_in(browser, lab, BADGE)
    # The work page links to the work record in its footer.
    record = browser.find_element(By.ID, "record-link")
    assert record.text == "My work record" and record.get_attribute("href").endswith("/me/record.html")
    tab_to(browser, "settings-link")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.current_url.endswith("/settings"))
    wait(browser, lambda d: d.find_element(By.ID, "statement").is_displayed())
    assert text_of(browser, "record-title") == "My work record"
    assert browser.find_element(By.ID, "record-open").get_attribute("href").endswith("/me/record.html")
    assert browser.find_element(By.ID, "record-json").get_attribute("href").endswith("/api/v1/me/record")
    assert text_of(browser, "statement-text") == words
    assert text_of(browser, "statement-state") == "It goes into your work record only when you agree."
    assert axe_violations(browser) == []

    tab_to(browser, "statement-agree")
    assert browser.switch_to.active_element.text == "I agree"
    press(browser, Keys.ENTER)
    wait(browser, lambda d: focused_id(d) == "statement-title")
    assert text_of(browser, "statement-state").startswith("You agreed on ")
    assert browser.find_element(By.ID, "statement-title").get_attribute("aria-describedby") == "statement-state"
    assert not browser.find_element(By.ID, "statement-agree").is_displayed()
    token = login(lab, badge=BADGE)
    assert "agreedAt" in call(lab, "/api/v1/me/statement", token=token)[1]

    # A change after all: nothing typed is refused with a message that has the focus, then the request goes.
    tab_to(browser, "change-send")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: focused_id(d) == "change-error")
    assert text_of(browser, "change-error") == "Write what your coach should change."
    tab_to(browser, "change-text")
    request = "Please say that I also check subtitles."
    press(browser, request, Keys.TAB)
    assert focused_id(browser) == "change-send"
    press(browser, Keys.ENTER)
    wait(browser, lambda d: focused_id(d) == "statement-title")
    assert text_of(browser, "statement-state").startswith("You asked for a change on ")
    assert request in text_of(browser, "statement-state")
    assert browser.find_element(By.ID, "statement-agree").is_displayed(), "the operator may still agree"
    assert browser.find_element(By.ID, "change-text").get_attribute("value") == ""
    stored = call(lab, "/api/v1/me/statement", token=token)[1]
    assert stored["changeRequest"] == request and "agreedAt" not in stored
    screenshot(browser, "settings-statement")
    assert axe_violations(browser) == []


def test_the_coach_sees_the_change_request_on_the_card(lab, browser):
    op = operator_id(lab, BADGE)
    coach_writes(lab, f"Floor is careful. ({time.time():.0f})")
    request = f"Mention the audio work too. ({time.time():.0f})"
    call(lab, "/api/v1/me/statement/change", "POST", {"request": request}, token=login(lab, badge=BADGE))
    sign_in_as_coach(browser, lab)
    alerts = browser.find_element(By.ID, f"op-{op}").find_element(By.CSS_SELECTOR, "[data-f=alerts]")
    wait(browser, lambda d: "Change asked in the work record statement" in alerts.text)
    open_statement(browser, op)
    state = text_of(browser, f"op-{op}-statement-state")
    assert state.startswith(f"{NAME} asked for a change on ") and request in state
    # The coach answers with a new text: the request is settled, and Floor must agree again.
    press(browser, Keys.TAB)
    assert focused_id(browser) == f"op-{op}-statement-text"
    assert browser.switch_to.active_element.get_attribute("value").startswith("Floor is careful.")
    press(browser, Keys.END, " She also tags sounds.", Keys.TAB, Keys.ENTER)
    wait(browser, lambda d: text_of(d, f"op-{op}-statement-state") == f"Waiting for {NAME} to agree.")
    stored = call(lab, "/api/v1/me/statement", token=login(lab, badge=BADGE))[1]
    assert stored["text"].endswith("She also tags sounds.") and "changeRequest" not in stored and "agreedAt" not in stored
    assert axe_violations(browser) == []
