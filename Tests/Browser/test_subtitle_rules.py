"""The subtitle rules in real Chromium: a client's subtitle file breaks a hard rule (two cues overlap) and an
advice rule (a cue too fast to read). The client's project page counts what each rule found, in a real table;
the operator sees each finding as a hint with its cue, in the page's language, and the cue with the clear
mistake named first. Keyboard alone, and no axe-core violations.

The story has a demo lab of its own, so that its operator and its project never meet another test's."""
import io
import math
import struct
import wave

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DemoLab, axe_violations, full_screenshot
from labapi import CLIENT, COACH, add_person, call, login, share_project, token_of, upload_files, user_id

# Cue 2 shows 39 characters for one second (the limit is 20 a second); cue 4 starts half a second before
# cue 3 ends. Cues 1 and 3 break no rule.
SUBTITLES = (
    "1\n00:00:01,000 --> 00:00:03,000\nGood evening.\n\n"
    "2\n00:00:04,000 --> 00:00:05,000\nThe council met today about the bridge.\n\n"
    "3\n00:00:06,000 --> 00:00:09,000\nIt will open next spring.\n\n"
    "4\n00:00:08,500 --> 00:00:11,000\nNow the weather.\n\n"
).encode()
OVERLAP = "This cue starts 0.5 seconds before cue 3 ends, so both are on screen at once."
TOO_FAST = "This cue may be too fast to read: 39 characters per second (the limit is 20)."
TOO_FAST_NL = "Deze ondertitel is misschien te snel om te lezen: 39 tekens per seconde (de grens is 20)."


def programme_sound(seconds=12, rate=8000):
    """The programme's sound: a quiet 440 Hz tone as a 16-bit mono WAV, made here with the wave module."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * n / rate)))
                                 for n in range(seconds * rate)))
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- helpers

def press(driver, *keys):
    """Sends keys to whatever has the focus, as a keyboard user would; never clicks. (WebDriver takes keys
    sent to a file input as file names, so there they go as key presses to the focused element instead.)"""
    focus = driver.switch_to.active_element
    if focus.get_attribute("type") == "file":
        ActionChains(driver).send_keys(*keys).perform()
    else:
        focus.send_keys(*keys)


def focused(driver, attribute="id"):
    return driver.switch_to.active_element.get_attribute(attribute)


def tab_until(driver, condition, what, limit=80):
    """Presses Tab until the focused element meets the condition."""
    for _ in range(limit):
        if condition(driver.switch_to.active_element):
            return
        press(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached {what}")


def wait(driver, condition, seconds=10, message=""):
    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition, message)


def described_by(driver):
    """What a screen reader reads with the focused control's subtitle: its fieldset's aria-describedby texts."""
    return driver.execute_script(
        "const f = document.activeElement.closest('fieldset.cue');"
        "return f ? f.getAttribute('aria-describedby').split(' ')"
        ".map((id) => document.getElementById(id)?.textContent || '').join(' ') : null")


def active_in_cue(driver):
    return driver.execute_script(
        "const f = document.activeElement.closest('fieldset.cue');"
        "return f ? f.querySelector('legend').textContent : null")


def shown_hints(driver):
    """The visible rule hint of each subtitle on the work page, by its legend ('' for none)."""
    return driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll('fieldset.cue')].map((f) => {"
        "  const hint = f.querySelector('.rule');"
        "  return [f.querySelector('legend').textContent, hint && hint.checkVisibility() ? hint.textContent : ''];"
        "}))")


# ---------------------------------------------------------------------------------------------- the lab

@pytest.fixture(scope="module")
def rules_lab():
    demo = DemoLab()
    yield demo
    demo.stop()


@pytest.fixture(scope="module")
def story(rules_lab):
    """The client's subtitle check with its file and sound, a picture project beside it, and one new operator
    who gets only the subtitle check (the demo's own projects go to nobody in this lab)."""
    lab = rules_lab
    client, coach = token_of(lab, CLIENT), token_of(lab, COACH)
    # A coach keeps a project from the operators in the group now: the new operator comes first.
    operator = add_person(lab, "operator", "Iris Smit", coach=user_id(lab, COACH[0]))
    for project in call(lab, "/api/v1/projects", token=client)[1]["projects"]:
        share_project(lab, project["id"], [])
    subtitles = call(lab, "/api/v1/projects", "POST", {
        "name": "Evening news with rules", "template": "subtitle-check", "overlap": 1, "goldRate": 0}, token=client)[1]
    report = upload_files(lab, subtitles["id"], [("evening.srt", SUBTITLES), ("evening.wav", programme_sound())], client)
    assert report["microtasks"] == 1 and not report.get("rejected"), report
    share_project(lab, subtitles["id"], [operator["id"]])
    pictures = call(lab, "/api/v1/projects", "POST", {
        "name": "Pictures without rules", "template": "choice", "labels": ["sport", "news"]}, token=client)[1]
    share_project(lab, pictures["id"], [])
    call(lab, f"/api/v1/coach/operators/{operator['id']}/profile", "PUT", {"taskKinds": ["subtitle-check"]}, token=coach)
    settings = {"textSize": 100, "contrast": False, "reducedMotion": False, "language": "en", "sounds": False}
    call(lab, "/api/v1/me/settings", "PUT", settings, token=login(lab, badge=operator["badge"]))
    return {"operator": operator, "subtitles": subtitles["id"], "pictures": pictures["id"]}


def client_signs_in(driver, lab):
    driver.get(lab.url)
    wait(driver, lambda d: d.execute_script("return document.documentElement.lang") == "en")
    driver.find_element(By.TAG_NAME, "body").send_keys("")
    tab_until(driver, lambda e: e.get_attribute("id") == "email", "the email field")
    press(driver, CLIENT[0], Keys.TAB)
    press(driver, CLIENT[1], Keys.ENTER)
    wait(driver, lambda d: d.current_url.endswith("/client"))


def open_project(driver, lab, project):
    driver.get(f"{lab.url}client/project?id={project}")
    wait(driver, lambda d: d.find_element(By.ID, "project").is_displayed())


# ---------------------------------------------------------------------------------------------- stories

def test_the_rules_run_at_import_and_the_project_counts_each_rule(rules_lab, story):
    project = call(rules_lab, f"/api/v1/projects/{story['subtitles']}", token=token_of(rules_lab, CLIENT))[1]
    found = project["subtitleFindings"]
    assert (found["cueCount"], found["flaggedCueCount"], found["hardCueCount"]) == (4, 2, 1), found
    counts = {row["rule"]: (row["severity"], row["cues"]) for row in found["rules"]}
    assert counts.pop("overlapping-cues") == ("hard", 1)
    assert counts.pop("reading-speed") == ("advice", 1)
    assert len(counts) == 8 and all(cues == 0 for _, cues in counts.values()), counts


def test_the_clients_project_page_shows_what_each_rule_found_in_a_table(rules_lab, story, browser):
    client_signs_in(browser, rules_lab)
    open_project(browser, rules_lab, story["subtitles"])
    wait(browser, lambda d: d.find_element(By.ID, "rules").is_displayed())
    # The page's own list of sections leads there by keyboard, and the heading takes the focus.
    tab_until(browser, lambda e: (e.get_attribute("href") or "").endswith("#rules-title"), "the link to the rules")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: focused(d) == "rules-title")
    assert browser.find_element(By.ID, "rules-title").text == "Subtitle rules"
    assert browser.find_element(By.ID, "rules-summary").text == \
        "4 subtitles checked. 2 flagged by at least one rule, 1 of them for a clear mistake."
    table = browser.find_element(By.CSS_SELECTOR, "#rules table")
    assert table.find_element(By.TAG_NAME, "caption").text == "What the subtitle rules found"
    assert [th.get_attribute("scope") for th in table.find_elements(By.CSS_SELECTOR, "thead th")] == ["col"] * 3
    rows = {row.find_element(By.TAG_NAME, "th").text: [td.text for td in row.find_elements(By.TAG_NAME, "td")]
            for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")}
    assert all(th.get_attribute("scope") == "row" for th in table.find_elements(By.CSS_SELECTOR, "tbody th"))
    assert len(rows) == 10, rows
    assert rows["Two subtitles on screen at once"] == ["Hard: a mistake in any style", "1"]
    assert rows["A subtitle with no text"] == ["Hard: a mistake in any style", "0"]
    assert rows["Too fast to read (characters per second)"] == ["Advice: the operators judge", "1"]
    assert rows["A line too long"] == ["Advice: the operators judge", "0"]
    assert not any("-" in name for name in rows), "every rule is named in words, not by its code"
    full_screenshot(browser, "client-subtitle-rules")
    assert axe_violations(browser) == []

    # In Dutch, the same table in Dutch words.
    tab_until(browser, lambda e: e.get_attribute("id") == "language", "the language button", limit=200)
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#rules caption").text == "Wat de regels voor ondertitels vonden")
    names = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#rules tbody th")]
    assert names[0] == "Twee ondertitels tegelijk in beeld", names
    assert axe_violations(browser) == []
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.execute_script("return document.documentElement.lang") == "en")

    # A project of another kind has no rules, and shows none.
    open_project(browser, rules_lab, story["pictures"])
    assert not browser.find_element(By.ID, "rules").is_displayed()
    assert not browser.find_element(By.ID, "rules-link").is_displayed()


def test_the_operator_hears_each_finding_as_a_hint_and_the_clear_mistake_first(rules_lab, story, browser):
    badge = story["operator"]["badge"]
    browser.get(rules_lab.url)
    wait(browser, lambda d: d.execute_script("return document.documentElement.lang") == "en")
    browser.find_element(By.TAG_NAME, "body").send_keys("")
    tab_until(browser, lambda e: e.get_attribute("id") == "badge", "the badge field")
    press(browser, badge, Keys.ENTER)
    wait(browser, lambda d: d.current_url.endswith("/work"))
    wait(browser, lambda d: d.find_element(By.ID, "start-shift").is_displayed())
    tab_until(browser, lambda e: e.get_attribute("id") == "start-shift", "Start shift")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#widget fieldset.cue"), message="no task appeared")

    # The clear mistake is named above the list; the focus still starts at subtitle 1, which is read with it.
    notice = browser.find_element(By.CSS_SELECTOR, "#widget .panel")
    assert notice.is_displayed() and OVERLAP in notice.text and "4" in notice.text.replace(OVERLAP, ""), notice.text
    assert active_in_cue(browser) == "Subtitle 1"
    assert described_by(browser).startswith(notice.text)
    # Each finding is a hint inside its own subtitle, and only there.
    hints = shown_hints(browser)
    assert TOO_FAST in hints["Subtitle 2"] and OVERLAP in hints["Subtitle 4"], hints
    assert hints["Subtitle 1"] == "" and hints["Subtitle 3"] == "", hints
    full_screenshot(browser, "work-subtitle-rules")
    assert axe_violations(browser) == []

    # Tab goes from subtitle to subtitle as before; each flagged one is read with its hint.
    press(browser, Keys.TAB)
    assert active_in_cue(browser) == "Subtitle 2"
    assert TOO_FAST in described_by(browser)
    press(browser, Keys.TAB, Keys.TAB)
    assert active_in_cue(browser) == "Subtitle 4"
    assert OVERLAP in described_by(browser)
    assert "Now the weather." in described_by(browser)

    # In Dutch, the hints are the findings' Dutch sentences.
    call(rules_lab, "/api/v1/me/settings", "PUT", {"language": "nl"}, token=login(rules_lab, badge=badge))
    browser.refresh()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#widget fieldset.cue")
         and d.execute_script("return document.documentElement.lang") == "nl")
    wait(browser, lambda d: TOO_FAST_NL in shown_hints(d).get("Ondertitel 2", ""), message=str(shown_hints(browser)))
    assert axe_violations(browser) == []
    call(rules_lab, "/api/v1/me/settings", "PUT", {"language": "en"}, token=login(rules_lab, badge=badge))
