"""The job coach's dashboard /coach in real Chromium: no axe-core violations, a profile change and a
message with the keyboard alone, a live update that leaves the focus where it was, the printable
weekly summary, and screenshots at normal size and at 200% text."""
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import axe_violations, screenshot
from labapi import COACH, call, end_shift_if_running, login, operator_id

SIX = ["Anouk de Vries", "Bram Jansen", "Chaima El Amrani", "Daan Bakker", "Esra Yilmaz", "Floor Visser"]


@pytest.fixture(autouse=True, scope="module")
def leave_op_0004_off_duty(lab):
    """These tests start OP-0004's shift; afterwards it is ended again, as a coach would."""
    yield
    end_shift_if_running(lab, "OP-0004")


def press(driver, *keys):
    """Sends keys to whatever has the focus, as a keyboard user would; never clicks."""
    driver.switch_to.active_element.send_keys(*keys)


def focused_id(driver):
    return driver.switch_to.active_element.get_attribute("id")


def tab_to(driver, element_id, limit=120):
    """Presses Tab until the element with this id has the focus."""
    for _ in range(limit):
        if focused_id(driver) == element_id:
            return
        press(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached #{element_id}")


def retype(driver, text):
    """Replaces the text of the focused field, as a keyboard user does: select all, then type."""
    press(driver, Keys.CONTROL, "a")
    press(driver, text)


def sign_in_as_coach(driver, lab):
    """Signs in on the login page with the keyboard and waits until the dashboard shows all six cards."""
    driver.get(lab.url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == "en")
    driver.find_element(By.TAG_NAME, "body").send_keys("")
    tab_to(driver, "email")
    press(driver, COACH[0], Keys.TAB)
    press(driver, COACH[1], Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/coach"))
    WebDriverWait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#list article")) == 6)
    names = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#list article h2")]
    assert [name.rsplit(" ", 1)[0] for name in names] == SIX


def working(lab, badge):
    """Makes sure this operator's shift runs and is not on an extra pause; returns their token."""
    token = login(lab, badge=badge)
    shift = call(lab, "/api/v1/shift", token=token)[1]
    if shift["phase"] not in ("work", "pause"):
        call(lab, "/api/v1/shift/start", "POST", {}, token)
    elif shift.get("extraPause"):
        call(lab, "/api/v1/shift/resume", "POST", {}, token)
    return token


def phase_text(driver, op):
    return driver.find_element(By.ID, f"op-{op}-phase").text


def coach_view_of(lab, op):
    coach = login(lab, email=COACH[0], password=COACH[1])
    return next(o for o in call(lab, "/api/v1/coach/operators", token=coach)[1]["operators"] if o["id"] == op)


def test_dashboard_and_weekly_summary_have_no_accessibility_violations(lab, browser):
    working(lab, "OP-0004")
    op = operator_id(lab, "OP-0004")
    sign_in_as_coach(browser, lab)
    WebDriverWait(browser, 10).until(lambda d: phase_text(d, op) == "Working")
    # The card shows live figures in words, and a chart with its figures in words.
    card = browser.find_element(By.ID, f"op-{op}")
    chart = card.find_element(By.CSS_SELECTOR, "svg[role=img]")
    assert chart.is_displayed()
    label = browser.find_element(By.ID, chart.get_attribute("aria-labelledby")).get_attribute("textContent")
    assert re.search(r"Answers in total: \d+\. Most in 5 minutes: \d+\. Practice questions right: \d+ of \d+", label)
    assert len(card.find_elements(By.CSS_SELECTOR, ".chart tbody tr")) >= 1  # the same figures as a table
    assert "work block" in card.text or "Less than a minute" in card.text
    WebDriverWait(browser, 12).until(lambda d: "working" in d.find_element(By.ID, "group-line").text)
    # Open every form of that card too, so that axe-core checks the forms as well.
    browser.execute_script(f"document.querySelectorAll('#op-{op} details').forEach((d) => {{ d.open = true; }})")
    assert axe_violations(browser) == []

    browser.get(f"{lab.url}coach/summary?operator={op}")
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == "Weekly summary: Daan Bakker")
    assert browser.find_element(By.ID, "hours").text
    assert browser.find_element(By.ID, "print").is_displayed()
    screenshot(browser, "coach-summary")
    assert axe_violations(browser) == []


def test_coach_changes_a_profile_and_sends_a_message_with_the_keyboard_alone(lab, browser):
    op = operator_id(lab, "OP-0003")
    sign_in_as_coach(browser, lab)
    try:
        tab_to(browser, f"op-{op}-profile-open")
        press(browser, Keys.ENTER)
        WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, f"op-{op}-profile").get_attribute("open") is not None)
        press(browser, Keys.TAB)
        assert focused_id(browser) == f"op-{op}-workMinutes"
        # A mistake first: the error summary takes the focus and its link leads back to the field.
        retype(browser, "twenty")
        press(browser, Keys.ENTER)
        WebDriverWait(browser, 5).until(lambda d: focused_id(d) == f"op-{op}-profile-errors")
        assert "whole number" in browser.find_element(By.ID, f"op-{op}-profile-errors").text
        press(browser, Keys.TAB, Keys.ENTER)
        assert focused_id(browser) == f"op-{op}-workMinutes"
        retype(browser, "25")
        press(browser, Keys.TAB)
        assert focused_id(browser) == f"op-{op}-pauseMinutes"
        retype(browser, "5")
        press(browser, Keys.ENTER)
        status = browser.find_element(By.ID, f"op-{op}-profile-status")
        WebDriverWait(browser, 5).until(lambda d: "profile is saved" in status.text)
        assert status.get_attribute("role") == "status"
        assert not browser.find_element(By.ID, f"op-{op}-profile-errors").is_displayed()
        profile = coach_view_of(lab, op)["profile"]
        assert (profile["workMinutes"], profile["pauseMinutes"]) == (25, 5)

        words = f"Good morning Chaima, shall we talk at 11? ({time.time():.0f})"
        tab_to(browser, f"op-{op}-messages-open")
        press(browser, Keys.ENTER)
        press(browser, Keys.TAB)
        assert focused_id(browser) == f"op-{op}-message"
        press(browser, words)
        press(browser, Keys.TAB)
        assert browser.switch_to.active_element.text == "Send message"
        press(browser, Keys.ENTER)
        WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, f"op-{op}-messages-status").text == "Your message is sent.")
        assert browser.find_element(By.ID, f"op-{op}-message").get_attribute("value") == ""
        messages = call(lab, "/api/v1/me/messages", token=login(lab, badge="OP-0003"))[1]["messages"]
        assert words in [m["text"] for m in messages]
    finally:
        coach = login(lab, email=COACH[0], password=COACH[1])
        call(lab, f"/api/v1/coach/operators/{op}/profile", "PUT", {"workMinutes": 45, "pauseMinutes": 15}, token=coach)


def test_a_live_update_does_not_move_the_focus(lab, browser):
    token = working(lab, "OP-0004")
    op = operator_id(lab, "OP-0004")
    sign_in_as_coach(browser, lab)
    WebDriverWait(browser, 10).until(lambda d: phase_text(d, op) == "Working")
    phase = browser.find_element(By.ID, f"op-{op}-phase")
    tab_to(browser, f"op-{op}-messages-open")
    press(browser, Keys.ENTER, Keys.TAB)
    assert focused_id(browser) == f"op-{op}-message"
    press(browser, "You are doing fine, take")
    try:
        call(lab, "/api/v1/shift/pause", "POST", {}, token)
        WebDriverWait(browser, 5).until(lambda d: phase.text == "Extra pause")  # the same node, rewritten in place
        assert focused_id(browser) == f"op-{op}-message"
        assert browser.switch_to.active_element.get_attribute("value") == "You are doing fine, take"
        press(browser, " your time.")
    finally:
        call(lab, "/api/v1/shift/resume", "POST", {}, token)
    WebDriverWait(browser, 5).until(lambda d: phase.text == "Working")
    assert focused_id(browser) == f"op-{op}-message"
    assert browser.switch_to.active_element.get_attribute("value") == "You are doing fine, take your time."


def test_dashboard_screenshots_at_normal_size_and_200_percent_text(lab, browser):
    working(lab, "OP-0004")
    op = operator_id(lab, "OP-0004")
    sign_in_as_coach(browser, lab)
    WebDriverWait(browser, 10).until(lambda d: "working" in d.find_element(By.ID, "group-line").text)
    screenshot(browser, "coach")
    show_card = f"document.getElementById('op-{op}').scrollIntoView()"
    browser.execute_script(show_card)
    screenshot(browser, "coach-card")
    normal = browser.execute_script("return parseFloat(getComputedStyle(document.documentElement).fontSize)")
    browser.execute_script("document.documentElement.classList.add('text-200')")
    bigger = browser.execute_script("return parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert bigger == 2 * normal
    # At 200% text nothing needs sideways scrolling: the cards stack and the words wrap.
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(browser, "coach-200")
    browser.execute_script(show_card)
    screenshot(browser, "coach-card-200")
