"""The admin's page /admin in real Chromium: the audit log as a table with a caption and column headers,
times in the page's language, names and details shown as text (never as HTML), and disabling an account
with the keyboard alone; no axe-core violations.

The session's demo lab is shared with other test files: this file disables only people it adds itself."""
import re
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import axe_violations, screenshot
from labapi import COACH, ApiError, call, login, operator_id

ADMIN = ("admin@demo.local", "demo-admin")


def press(driver, *keys):
    """Sends keys to whatever has the focus, as a keyboard user would; never clicks."""
    driver.switch_to.active_element.send_keys(*keys)


def focused_id(driver):
    return driver.switch_to.active_element.get_attribute("id")


def tab_to(driver, element_id, limit=200):
    """Presses Tab until the element with this id has the focus."""
    for _ in range(limit):
        if focused_id(driver) == element_id:
            return
        press(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached #{element_id}")


def sign_in_as_admin(driver, lab):
    """Signs in on the login page with the keyboard and waits until the audit log has rows."""
    driver.get(lab.url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == "en")
    driver.find_element(By.TAG_NAME, "body").send_keys("")
    tab_to(driver, "email")
    press(driver, ADMIN[0], Keys.TAB)
    press(driver, ADMIN[1], Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/admin"))
    WebDriverWait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#audit-rows tr")) > 0)
    WebDriverWait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#list li")) > 0)


def rows(driver):
    """The audit table as lists of cell texts, top row first."""
    return [[cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
            for row in driver.find_elements(By.CSS_SELECTOR, "#audit-rows tr")]


def add_person(lab, name, role="operator"):
    admin = login(lab, email=ADMIN[0], password=ADMIN[1])
    body = {"role": role, "name": name}
    if role != "operator":
        body.update(email=f"{uuid.uuid4().hex[:8]}@lab.local", password="a-good-long-password")
    return call(lab, "/api/v1/admin/users", "POST", body, token=admin)[1]


def test_the_audit_log_is_a_table_in_the_page_language_without_special_data(lab, browser):
    # The coach changes an operator's blocks and writes a note that is special-category data.
    coach = login(lab, email=COACH[0], password=COACH[1])
    op = operator_id(lab, "OP-0005")
    note = f"Sleeps badly since the new medication {uuid.uuid4().hex[:6]}"
    call(lab, f"/api/v1/coach/operators/{op}/profile", "PUT", {"workMinutes": 40}, token=coach)
    call(lab, f"/api/v1/coach/operators/{op}/notes", "POST", {"text": note}, token=coach)
    sign_in_as_admin(browser, lab)

    table = browser.find_element(By.ID, "audit")
    caption = table.find_element(By.TAG_NAME, "caption").text
    assert re.fullmatch(r"The latest \d+ changes in the lab, newest first", caption)
    headers = table.find_elements(By.CSS_SELECTOR, "thead th")
    assert [h.text for h in headers] == ["When", "Who", "What", "About", "Details"]
    assert all(h.get_attribute("scope") == "col" for h in headers)
    top = rows(browser)[:2]
    assert top[0][1:4] == ["Coach Sanne (coach)", "Private note written", "Esra Yilmaz (operator)"]
    assert re.fullmatch(r"private note \d+", top[0][4])
    assert top[1][1:4] == ["Coach Sanne (coach)", "Work profile changed", "Esra Yilmaz (operator)"]
    assert "work 40 min" in top[1][4]
    # Times are written as English readers write them, with the exact moment in the markup.
    when = browser.find_element(By.CSS_SELECTOR, "#audit-rows tr time")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", when.get_attribute("datetime"))
    assert re.match(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", when.text), when.text
    # The note's words are nowhere on the page.
    assert "medication" not in browser.find_element(By.TAG_NAME, "body").text
    assert axe_violations(browser) == []
    screenshot(browser, "admin")

    # In Dutch the headers, the actions and the times change with the language.
    tab_to(browser, "language")
    press(browser, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == "nl")
    headers = browser.find_elements(By.CSS_SELECTOR, "#audit thead th")
    assert [h.text for h in headers] == ["Wanneer", "Wie", "Wat", "Over", "Details"]
    top = rows(browser)[0]
    assert top[2] == "Privénotitie geschreven"
    assert re.match(r"\d{1,2} [a-z]{3}\.? \d{4}", top[0]), top[0]
    assert axe_violations(browser) == []
    tab_to(browser, "language")
    press(browser, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == "en")


def test_names_and_details_are_shown_as_text_never_run(lab, browser):
    hostile = f'<img src=x onerror="window.__pwned=1"> Mallory {uuid.uuid4().hex[:4]}'
    person = add_person(lab, hostile)
    sign_in_as_admin(browser, lab)
    assert browser.execute_script("return window.__pwned === undefined")
    assert browser.find_elements(By.CSS_SELECTOR, "#list img, #audit img") == []
    assert hostile in browser.find_element(By.ID, f"person-{person['id']}").text
    added = rows(browser)[0]
    assert added[2:4] == ["Account added", f"{hostile} (operator)"]


def test_admin_disables_an_account_with_the_keyboard_alone(lab, browser):
    person = add_person(lab, f"Temporary helper {uuid.uuid4().hex[:4]}", role="coach")
    token = login(lab, email=person["email"], password="a-good-long-password")
    assert call(lab, "/api/v1/me", token=token)[0] == 200
    pid = person["id"]
    sign_in_as_admin(browser, lab)

    tab_to(browser, f"person-{pid}-disable")
    press(browser, Keys.ENTER)
    # One more question first, with the focus on its "yes" button; "no" keeps everything as it was.
    assert focused_id(browser) == f"person-{pid}-yes"
    assert "cannot sign in again" in browser.find_element(By.ID, f"person-{pid}-question").text
    assert axe_violations(browser) == []
    press(browser, Keys.TAB)
    assert focused_id(browser) == f"person-{pid}-no"
    press(browser, Keys.ENTER)
    assert focused_id(browser) == f"person-{pid}-disable"
    assert call(lab, "/api/v1/me", token=token)[0] == 200, "nothing happened"

    press(browser, Keys.ENTER)
    press(browser, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: "is disabled" in d.find_element(By.ID, "people-status").text)
    assert focused_id(browser) == "people-title"
    item = browser.find_element(By.ID, f"person-{pid}")
    assert "disabled since" in item.text
    assert item.find_elements(By.TAG_NAME, "button") == []
    # Out at once, and the log says who did it, as the newest line.
    with pytest.raises(ApiError) as refused:
        call(lab, "/api/v1/me", token=token)
    assert refused.value.status == 401
    WebDriverWait(browser, 10).until(lambda d: rows(d)[0][2] == "Account disabled")
    assert rows(browser)[0][1:4] == ["Lab admin (admin)", "Account disabled", f"{person['name']} (coach)"]
    # The admin's own entry has no disable button: nobody disables themselves.
    me = call(lab, "/api/v1/me", token=login(lab, email=ADMIN[0], password=ADMIN[1]))[1]
    assert browser.find_elements(By.ID, f"person-{me['id']}-disable") == []
    assert axe_violations(browser) == []

    # Fewer or more lines of the log, chosen with the keyboard.
    tab_to(browser, "audit-limit")
    press(browser, Keys.END)
    tab_to(browser, "audit-refresh")
    press(browser, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: "Showing the latest" in d.find_element(By.ID, "audit-status").text)
    assert browser.find_element(By.ID, "audit-limit").get_attribute("value") == "1000"
    screenshot(browser, "admin-disabled")
