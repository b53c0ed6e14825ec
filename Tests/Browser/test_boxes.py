"""Boxes on pictures, with the keyboard alone: an operator draws a box with the arrow keys and
Enter, and another judges a box the drawers did not agree on; both answers reach the lab's store."""
import json
import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SCREENSHOTS, axe_violations, screenshot
from labapi import call, database, end_shift_if_running, login, set_profile, stored_answers

DRAWERS = ["OP-0002", "OP-0003", "OP-0004"]
JUDGE = "OP-0006"


def press(driver, *keys):
    """Sends keys to whatever has the focus, as a keyboard user would; never clicks."""
    driver.switch_to.active_element.send_keys(*keys)


def focused(driver, script):
    """Evaluates a JavaScript expression on the focused element (called el)."""
    return driver.execute_script("const el = document.activeElement; return " + script)


def tab_until(driver, script, what, limit=40):
    """Presses Tab until the focused element matches; fails when it never does."""
    for _ in range(limit):
        if focused(driver, script):
            return
        press(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached {what}")


def use_settings(lab, badge, **changes):
    """The operator's own settings (kept by the lab); English at 100% unless changed."""
    token = login(lab, badge=badge)
    settings = {"textSize": 100, "contrast": False, "reducedMotion": False, "language": "en", "sounds": False}
    settings.update(changes)
    call(lab, "/api/v1/me/settings", "PUT", settings, token=token)


def sign_in_and_start(lab, driver, badge):
    """Signs in with the badge and starts the shift, by keyboard; returns when a task shows."""
    driver.get(lab.url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.lang") == "en")
    driver.find_element(By.TAG_NAME, "body").send_keys("")
    tab_until(driver, "el.id === 'badge'", "the badge field")
    press(driver, badge, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/work"))
    WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "start-shift").is_displayed())
    tab_until(driver, "el.id === 'start-shift'", "the start button")
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 15).until(lambda d: d.find_element(By.ID, "screen-work").is_displayed())


def full_screenshot(driver, name):
    """The whole page, not only the part in the window."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return document.documentElement.clientWidth")
    try:
        import base64
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "captureBeyondViewport": True, "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
    except Exception:  # a driver without the DevTools protocol: the window will do
        screenshot(driver, name)


def root_font_px(driver):
    return driver.execute_script("return parseFloat(getComputedStyle(document.documentElement).fontSize)")


def at_text_size(lab, driver, badge, size, ready):
    """Sets the operator's text size in their own settings (kept by the lab) and reloads the work page,
    which applies it; the task and anything drawn must still be there."""
    normal = root_font_px(driver)
    use_settings(lab, badge, textSize=size)
    driver.refresh()
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(ready))
    WebDriverWait(driver, 15).until(lambda d: d.execute_script(
        f"return document.documentElement.classList.contains('text-{size}')"))
    if root_font_px(driver) < normal * size / 100 * 0.9:
        # The page's stylesheet does not size text by the setting yet: scale the root as the browser's text zoom would.
        driver.execute_script(f"document.documentElement.style.fontSize = '{size}%'")
        print(f"note: text size {size}% set on the root element by the test; the page's CSS did not apply it")
    assert root_font_px(driver) >= normal * size / 100 * 0.9


def new_answer(lab, badge, kind, before, timeout=15):
    """The answers stored since `before`, once there is at least one."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        answers = stored_answers(lab, badge, kind)
        if len(answers) > before:
            return answers[before:]
        time.sleep(0.2)
    raise AssertionError(f"no {kind} answer of {badge} arrived in the lab's store")


def test_an_operator_draws_a_box_with_the_keyboard_alone(lab, browser):
    set_profile(lab, JUDGE, taskKinds=["image-boxes"])
    end_shift_if_running(lab, JUDGE)
    use_settings(lab, JUDGE)
    before = len(stored_answers(lab, JUDGE, "image-boxes"))
    sign_in_and_start(lab, browser, JUDGE)
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".bx-svg"))
    width, height = map(int, browser.find_element(By.CSS_SELECTOR, ".bx-svg").get_dom_attribute("viewBox").split()[2:])

    # The drawing area: label 2 by its number key, then the crosshair to two corners with Enter.
    tab_until(browser, "el.matches('.bx-svg')", "the drawing area")
    # A group inside a toolbar: Orca passes the arrow keys to it (an SVG application it read as outside the page).
    assert focused(browser, "el.getAttribute('role')") == "group"
    assert focused(browser, "el.parentElement.getAttribute('role')") == "toolbar"
    help_text = browser.find_element(By.ID, focused(browser, "el.getAttribute('aria-describedby')").split()[1]).text
    assert "Arrow keys move the crosshair" in help_text
    press(browser, "2")
    assert browser.find_element(By.CSS_SELECTOR, ".bx-labels input[value=person]").is_selected()
    press(browser, Keys.ENTER)  # first corner at the centre; Enter here must not send the task
    x, y = round(width / 2), round(height / 2)
    step_x, step_y, big_x = max(1, round(width / 100)), max(1, round(height / 100)), max(1, round(width / 10))
    press(browser, Keys.ARROW_RIGHT * 10)
    press(browser, Keys.ARROW_DOWN * 4)
    press(browser, Keys.SHIFT, Keys.ARROW_RIGHT)
    assert f"left {x + 10 * step_x + big_x}, top {y + 4 * step_y}" in browser.find_element(By.CSS_SELECTOR, ".bx-status").text
    press(browser, Keys.ENTER)
    w, h = 10 * step_x + big_x, 4 * step_y
    assert len(stored_answers(lab, JUDGE, "image-boxes")) == before

    # The box is listed as words, and Tab reaches it in the drawing.
    sentence = f"person, left {x}, top {y}, {w} by {h}"
    assert browser.find_element(By.CSS_SELECTOR, ".bx-list legend").text == f"Box 1: {sentence}"
    # The new box is announced to screen readers through the page's live region.
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "announce").get_attribute("textContent")
                                    == f"Box 1 added: {sentence}.")

    # Zoom in and out with + and -.
    press(browser, "+")
    assert browser.find_element(By.CSS_SELECTOR, ".bx-zoom").text == "Zoom: 150%"
    press(browser, "-")
    assert browser.find_element(By.CSS_SELECTOR, ".bx-zoom").text == "Zoom: 100%"

    # A second box, reached with Tab and removed with Delete.
    press(browser, Keys.ENTER)
    press(browser, Keys.ARROW_LEFT * 3 + Keys.ARROW_UP * 3)
    press(browser, Keys.ENTER)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".bx-list li")) == 2
    press(browser, Keys.TAB)
    assert focused(browser, "el.getAttribute('aria-label')") == f"Box 1: {sentence}"
    press(browser, Keys.TAB)
    assert focused(browser, "el.getAttribute('aria-label')").startswith("Box 2: person, ")
    press(browser, Keys.DELETE)
    assert len(browser.find_elements(By.CSS_SELECTOR, ".bx-list li")) == 1
    assert focused(browser, "el.getAttribute('aria-label')") == f"Box 1: {sentence}"

    full_screenshot(browser, "work-image-boxes")
    assert axe_violations(browser) == []
    # At 200% text (the operator's own setting); the drawn box survives the reload.
    at_text_size(lab, browser, JUDGE, 200, "return document.querySelectorAll('.bx-list li').length === 1")
    full_screenshot(browser, "work-image-boxes-200")
    assert axe_violations(browser) == []

    # Edit the width in the list, then Enter sends the answer.
    browser.find_element(By.TAG_NAME, "body").send_keys("")
    tab_until(browser, "el.matches('.bx-svg')", "the drawing area after the reload")
    tab_until(browser, "el.matches('.bx-list input') && el.id.endsWith('b0w')", "the width field")
    press(browser, Keys.CONTROL, "a")
    press(browser, str(w - 3))
    press(browser, Keys.ENTER)
    answers = new_answer(lab, JUDGE, "image-boxes", before)
    assert answers == [("image-boxes", {"boxes": [{"label": "person", "x": x, "y": y, "w": w - 3, "h": h}]})]
    use_settings(lab, JUDGE)


def next_task(lab, token):
    status, body = call(lab, "/api/v1/tasks/next", token=token)
    assert status == 200, f"no task to draw on (HTTP {status})"
    return body


def three_drawers_disagree(lab):
    """Three operators answer the same picture; only one draws a box, so the lab asks others to check it."""
    tokens = {}
    for badge in DRAWERS:
        set_profile(lab, badge, taskKinds=["image-boxes"])
        end_shift_if_running(lab, badge)
        tokens[badge] = login(lab, badge=badge)
        call(lab, "/api/v1/shift/start", "POST", {}, token=tokens[badge])
    held = {badge: next_task(lab, tokens[badge]) for badge in DRAWERS}
    # Others may hold places on a picture; move everyone on to the furthest picture until all three share one.
    for _ in range(30):
        target = max(h["task"]["id"] for h in held.values())
        if all(h["task"]["id"] == target for h in held.values()):
            break
        for badge, h in held.items():
            if h["task"]["id"] < target:
                call(lab, f"/api/v1/assignments/{h['assignment']['id']}/skip", "POST", {}, token=tokens[badge])
                held[badge] = next_task(lab, tokens[badge])
    ids = {h["task"]["id"] for h in held.values()}
    assert len(ids) == 1, f"the three operators did not get the same microtask: {ids}"
    assert all(h["task"]["kind"] == "image-boxes" for h in held.values())
    box = {"label": "car", "x": 10, "y": 20, "w": 100, "h": 50}
    for badge, boxes in zip(DRAWERS, [[box], [], []]):
        status, _ = call(lab, f"/api/v1/assignments/{held[badge]['assignment']['id']}/answer", "POST",
                         {"answer": {"boxes": boxes}, "idempotencyKey": f"boxes-test-{badge}"}, token=tokens[badge])
        assert status == 201
        call(lab, "/api/v1/shift/end", "POST", {}, token=tokens[badge])
    with database(lab) as connection:
        made = connection.execute("SELECT COUNT(*) FROM microtask WHERE kind = 'image-box-verify'").fetchone()[0]
    assert made > 0, "no image-box-verify microtask was made from the disagreement"


def test_an_operator_judges_a_box_with_the_keyboard_alone(lab, browser):
    three_drawers_disagree(lab)
    set_profile(lab, JUDGE, taskKinds=["image-box-verify"])
    end_shift_if_running(lab, JUDGE)
    use_settings(lab, JUDGE)
    before = len(stored_answers(lab, JUDGE, "image-box-verify"))
    sign_in_and_start(lab, browser, JUDGE)
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".bv-svg"))
    question = browser.find_element(By.CSS_SELECTOR, ".bv-question").text
    description = browser.find_element(By.CSS_SELECTOR, ".bv-desc").text
    assert re.fullmatch(r"Is this box tight around a \w+\?", question), question

    full_screenshot(browser, "work-image-box-verify")
    assert axe_violations(browser) == []
    at_text_size(lab, browser, JUDGE, 200, "return !!document.querySelector('.bv-svg')")
    full_screenshot(browser, "work-image-box-verify-200")
    assert axe_violations(browser) == []

    # J (ja) chooses yes, 2 changes it to no; Enter sends.
    browser.find_element(By.TAG_NAME, "body").send_keys("")
    tab_until(browser, "el.matches('.bv input[type=radio]')", "the yes/no choice")
    press(browser, "j")
    assert focused(browser, "el.value") == "yes" and focused(browser, "el.checked")
    press(browser, "2")
    assert focused(browser, "el.value") == "no" and focused(browser, "el.checked")
    press(browser, Keys.ENTER)
    answers = new_answer(lab, JUDGE, "image-box-verify", before)
    assert answers == [("image-box-verify", {"choice": "no"})]

    # The words described the very box the lab asked about.
    with database(lab) as connection:
        payload = json.loads(connection.execute(
            "SELECT microtask.payload FROM answer JOIN microtask ON microtask.id = answer.microtaskId "
            "JOIN user ON user.id = answer.operatorId WHERE user.badge = ? AND microtask.kind = 'image-box-verify' "
            "ORDER BY answer.rowid DESC LIMIT 1", (JUDGE,)).fetchone()[0])
    box = payload["box"]
    assert f"{box['label']}, left {round(box['x'])}, top {round(box['y'])}, {round(box['w'])} by {round(box['h'])} pixels" in description
    assert question == f"Is this box tight around a {box['label']}?"
    use_settings(lab, JUDGE)
