"""Signing in through the login page, with the keyboard alone, for every demo role."""
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import axe_violations, screenshot


def press(driver, *keys):
    """Sends keys to whatever has the focus, as a keyboard user would; never clicks."""
    driver.switch_to.active_element.send_keys(*keys)


def tab_to(driver, element_id, limit=15):
    """Presses Tab until the element with this id has the focus."""
    for _ in range(limit):
        if driver.switch_to.active_element.get_attribute("id") == element_id:
            return
        press(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached #{element_id}")


def open_login(driver, lab):
    driver.get(lab.url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == "en")
    driver.find_element(By.TAG_NAME, "body").send_keys("")  # focus starts on the page itself


def wait_for_home(driver, path, name):
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith(path))
    WebDriverWait(driver, 10).until(lambda d: name in d.find_element(By.ID, "who").text)


def test_login_page_has_no_accessibility_violations(lab, browser):
    open_login(browser, lab)
    screenshot(browser, "login")
    assert axe_violations(browser) == []


@pytest.mark.parametrize("badge,name", [("OP-0001", "Anouk de Vries"), ("OP-0006", "Floor Visser")])
def test_operator_signs_in_with_badge_by_keyboard(lab, browser, badge, name):
    open_login(browser, lab)
    tab_to(browser, "badge")
    press(browser, badge, Keys.ENTER)
    wait_for_home(browser, "/work", name)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Your work"
    assert axe_violations(browser) == []


@pytest.mark.parametrize("email,password,path,name,title", [
    ("coach@demo.local", "demo-coach", "/coach", "Coach Sanne", "Your group"),
    ("client@demo.local", "demo-client", "/client", "Demo Media newsroom", "Your projects"),
    ("admin@demo.local", "demo-admin", "/admin", "Lab admin", "Lab administration"),
])
def test_staff_sign_in_with_email_by_keyboard(lab, browser, email, password, path, name, title):
    open_login(browser, lab)
    tab_to(browser, "email")
    press(browser, email, Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == "password"
    press(browser, password, Keys.ENTER)
    wait_for_home(browser, path, name)
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    # The role's own list is filled from the API.
    WebDriverWait(browser, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#list li")) > 0)
    screenshot(browser, f"home-{path.strip('/')}")
    assert axe_violations(browser) == []


def test_wrong_badge_is_explained_and_focus_moves_to_the_message(lab, browser):
    open_login(browser, lab)
    tab_to(browser, "badge")
    press(browser, "OP-9999", Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "error-summary").is_displayed())
    assert browser.switch_to.active_element.get_attribute("id") == "error-summary"
    assert "badge" in browser.find_element(By.ID, "error-text").text.lower()
    assert browser.find_element(By.ID, "badge").get_attribute("aria-invalid") == "true"
    assert axe_violations(browser) == []


def test_sign_out_by_keyboard_returns_to_login(lab, browser):
    open_login(browser, lab)
    tab_to(browser, "badge")
    press(browser, "OP-0002", Keys.ENTER)
    wait_for_home(browser, "/work", "Bram Jansen")
    tab_to(browser, "sign-out")
    press(browser, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.current_url.rstrip("/") == lab.url.rstrip("/"))
    browser.get(lab.url + "work")
    WebDriverWait(browser, 10).until(lambda d: d.current_url.rstrip("/") == lab.url.rstrip("/"))


def test_dutch_is_one_key_away(lab, browser):
    open_login(browser, lab)
    tab_to(browser, "language")
    press(browser, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == "nl")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Inloggen"
    assert axe_violations(browser) == []
    browser.execute_script("localStorage.clear()")
