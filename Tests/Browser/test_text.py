"""The text mode page /text in real Chromium: a whole shift with the keyboard alone, read from the log."""
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DemoLab, axe_violations, screenshot
from labapi import stored_answers

# Lines the page may show: letters, digits, spaces and plain punctuation only, at most 200 characters.
SPEAKABLE = re.compile(r"^[\w .,;:!?'’()\-]{0,200}$")


@pytest.fixture(scope="module")
def text_lab():
    """A lab of its own, so that no other test has answered its subtitles first."""
    demo = DemoLab()
    yield demo
    demo.stop()


def press(driver, *keys):
    driver.switch_to.active_element.send_keys(*keys)


def log_lines(driver):
    """The conversation's lines: a reply is one paragraph of the log, its lines kept apart by line breaks."""
    return [line for p in driver.find_elements(By.CSS_SELECTOR, "#log p") for line in p.text.split("\n")]


def say(driver, words):
    """Types into the focused field and presses Enter; returns the reply's lines (after 'You said')."""
    before = len(log_lines(driver))
    assert driver.switch_to.active_element.get_attribute("id") == "say", "the focus stays in the input field"
    press(driver, words, Keys.ENTER)

    def reply_arrived(d):
        lines = log_lines(d)
        return len(lines) > before + 1 and lines[before].startswith(("Jij zei", "You said"))
    WebDriverWait(driver, 15).until(reply_arrived)  # a reply is added to the log in one go
    return log_lines(driver)[before + 1:]


def sign_in_and_open_text(driver, lab, badge):
    driver.get(lab.url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.lang") in ("en", "nl"))
    for _ in range(15):
        if driver.switch_to.active_element.get_attribute("id") == "badge":
            break
        press(driver, Keys.TAB)
    press(driver, badge, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/work"))
    driver.get(lab.url + "text")
    WebDriverWait(driver, 10).until(lambda d: len(log_lines(d)) >= 2)
    WebDriverWait(driver, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") == "say")


def test_a_whole_shift_on_the_text_page_with_the_keyboard(text_lab, browser):
    sign_in_and_open_text(browser, text_lab, "OP-0002")
    assert any("start" in line for line in log_lines(browser)), log_lines(browser)
    assert axe_violations(browser) == []

    reply = say(browser, "start")
    assert reply[0] == "Your shift has started. Good luck."
    assert any("You can say: play, repeat" in line for line in say(browser, "help"))
    again = say(browser, "repeat")
    assert again == reply[1:], "repeat reads the task again"
    reply = again
    screenshot(browser, "text-mode")
    assert axe_violations(browser) == []

    cue_answers, tag_answers, paused, rounds = [], [], False, 0
    while len(cue_answers) < 3 or len(tag_answers) < 3:
        rounds += 1
        assert rounds < 12, log_lines(browser)[-8:]
        first_cue = next((line for line in reply if line.startswith("Subtitle 1 of ")), None)
        if first_cue and len(cue_answers) < 3:
            total = int(first_cue.split(" ")[3].rstrip(":"))
            verdicts = []
            for position in range(1, total + 1):
                if position == 2:
                    assert say(browser, "no")[0].startswith("What is wrong?")
                    say(browser, "two")
                    reply = say(browser, "The right words")
                    verdicts.append(("text-error", "The right words"))
                else:
                    reply = say(browser, "yes")
                    verdicts.append(("correct", None))
            assert "Saved." in reply
            cue_answers.append(verdicts)
        elif "Which sounds do you hear? Say every number that fits." in reply and len(tag_answers) < 3:
            words, tags = [("2 and 1", ["music", "speech"]), ("six", ["noise"]), ("none", [])][len(tag_answers)]
            reply = say(browser, words)
            assert "Saved." in reply
            tag_answers.append(tags)
        else:
            reply = say(browser, "skip")
        if not paused and len(cue_answers) + len(tag_answers) == 2:
            paused = True
            assert say(browser, "pause") == ["You are on a pause now. Take your time.", "Say resume when you are ready."]
            assert say(browser, "1") == ["You are on a pause. Say resume when you are ready."]
            reply = say(browser, "resume")
            assert reply[0] == "Here is your task again."

    assert say(browser, "stop")[0] == "Your shift has ended. Thank you for your work today."
    for line in log_lines(browser):
        assert SPEAKABLE.match(line), f"not fit to read aloud: {line!r}"

    stored = stored_answers(text_lab, "OP-0002")
    cues = [body["cues"] for kind, body in stored if kind == "subtitle-check"]
    tags = [sorted(body["tags"]) for kind, body in stored if kind == "audio-tags"]
    assert sorted(tags) == sorted(sorted(t) for t in tag_answers)
    assert sorted([(c["verdict"], c.get("correction")) for c in answer] for answer in cues) == sorted(cue_answers)


def test_the_text_page_speaks_dutch_when_the_page_is_dutch(text_lab, browser):
    sign_in_and_open_text(browser, text_lab, "OP-0003")
    for _ in range(20):
        if browser.switch_to.active_element.get_attribute("id") == "language":
            break
        press(browser, Keys.TAB)
    was_english = browser.execute_script("return document.documentElement.lang") == "en"
    press(browser, Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == ("nl" if was_english else "en"))
    expected = "Je dienst is nog niet begonnen. Zeg start om te beginnen." if was_english else \
        "Your shift has not started. Say start to begin."
    WebDriverWait(browser, 10).until(lambda d: expected in log_lines(d))
    assert axe_violations(browser) == []


def test_one_voice_at_a_time_the_lab_reads_aloud_or_the_screen_reader_does(text_lab, browser):
    """With "read aloud" off the conversation is a live region for the screen reader, and the lab asks for no
    voice; with it on, the lab's voice reads each reply and the conversation is no longer live, so that the two
    never read the same reply at once; a key typed in the field stops the lab's voice at once."""
    sign_in_and_open_text(browser, text_lab, "OP-0004")
    log = browser.find_element(By.ID, "log")
    assert log.get_attribute("aria-live") == "polite"
    say(browser, "help")
    assert not browser.execute_script("return document.getElementById('player').getAttribute('src')"), \
        "no voice of the lab while a screen reader reads the replies"

    for _ in range(20):
        if browser.switch_to.active_element.get_attribute("id") == "speak":
            break
        press(browser, Keys.TAB)
    press(browser, Keys.SPACE)
    assert browser.find_element(By.ID, "speak").is_selected()
    assert log.get_attribute("aria-live") == "off"
    browser.find_element(By.ID, "say").click()
    say(browser, "help")
    WebDriverWait(browser, 20).until(lambda d: (d.execute_script(
        "return document.getElementById('player').getAttribute('src') || ''")).startswith("/api/v1/speech/"))
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return !document.getElementById('player').paused"))
    press(browser, "r")
    assert browser.execute_script("return document.getElementById('player').paused"), "typing stops the lab's voice"
    assert axe_violations(browser) == []
