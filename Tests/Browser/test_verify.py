"""A client's model as the starting point, on the work page by keyboard alone: a project that checks a model's
boxes (verify, threshold 0.5) gets the astronaut photograph and a Label Studio task file with the model's
predictions (a face at 0.9, another "face" at 0.3 on the flag, and the helmet at 0.7). The operator says yes to
the face, adjusts the helmet's box with the arrow keys (Escape goes back to yes or no on the way), and then,
the checks done, answers "anything missed?" with nothing drawn. axe-core finds nothing on any of these, and
the client's raw export holds exactly those answers.

Runs on a demo lab of its own, so that the operator is served only this project's work."""
import json
import pathlib
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DemoLab, axe_violations
from labapi import CLIENT, label_studio_boxes, login, set_profile, verify_project
from test_boxes import focused, full_screenshot, press, sign_in_and_start, tab_until, use_settings

ROOT = pathlib.Path(__file__).resolve().parents[2]
PHOTO = ROOT / "Tasks" / "samples" / "photo-astronaut.jpg"
SIDE = 512  # the photograph is 512 by 512 pixels
BADGE = "OP-0006"
# The model's boxes in pixels of the photograph, with their scores; the file gives them as Label Studio's
# percentages (whole pixels of 512 are exact binary fractions, so nothing is lost on the way).
FACE = ({"label": "face", "x": 168, "y": 56, "w": 112, "h": 120}, 0.9)
FLAG = ({"label": "face", "x": 0, "y": 16, "w": 96, "h": 160}, 0.3)  # under the threshold: never checked
HELMET = ({"label": "helmet", "x": 264, "y": 320, "w": 200, "h": 160}, 0.7)
STEP = round(SIDE / 100)  # an arrow key moves 1% of the picture
# The helmet as the operator leaves it: 3 steps right, 3 down; then R, and 2 steps wider and 2 taller.
ADJUSTED = {"label": "helmet", "x": 264 + 3 * STEP, "y": 320 + 3 * STEP, "w": 200 + 2 * STEP, "h": 160 + 2 * STEP}


def described(box):
    return f"{box['label']}, left {box['x']}, top {box['y']}, {box['w']} by {box['h']}"


@pytest.fixture(scope="module")
def verify_lab():
    lab = DemoLab()
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture(scope="module")
def project(verify_lab):
    """The client's verify project with the model's predictions, shared with the one operator only."""
    lab = verify_lab
    made = verify_project(lab, "Astronaut: the model's boxes checked", ["face", "helmet"],
                          [("photo-astronaut.jpg", PHOTO.read_bytes())],
                          [label_studio_boxes("photo-astronaut.jpg", [FACE, FLAG, HELMET], model_version="faces-1")],
                          [BADGE], {"mode": "verify", "threshold": 0.5, "order": "in-order"}, overlap=1)
    set_profile(lab, BADGE, taskKinds=["image-box-verify", "image-boxes"])
    use_settings(lab, BADGE)
    return made["id"]


def raw_export(lab, project):
    """The client's raw answers (`export?format=jsonl`), one JSON object a line."""
    request = urllib.request.Request(f"{lab.url.rstrip('/')}/api/v1/projects/{project}/export?format=jsonl")
    request.add_header("Authorization", f"Bearer {login(lab, email=CLIENT[0], password=CLIENT[1])}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return [json.loads(line) for line in response.read().decode().splitlines() if line.strip()]


def task_on_screen(driver, kind, before=None):
    """The task the page shows (as the page keeps it for a reload), once it is of this kind and not `before`."""
    script = ("for (const k of Object.keys(localStorage)) if (k.startsWith('annolab.work.')) "
              "return JSON.parse(localStorage.getItem(k)).task; return null;")
    # Up to 30 s: the page asks again every half minute when the lab had nothing (the checks still on their way).
    WebDriverWait(driver, 45).until(lambda d: (lambda t: t and t["kind"] == kind and t["id"] != before)(d.execute_script(script)))
    return driver.execute_script(script)


def check_box(driver, lab):
    """One box check on screen: yes for the face; the helmet's box adjusted. Returns the box and the answer."""
    task = task_on_screen(driver, "image-box-verify", check_box.last)
    check_box.last = task["id"]
    box, payload = task["payload"]["box"], task["payload"]
    assert payload.get("adjustable") is True
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".bv-svg"))
    # The third choice, with its key in the instructions line and the toolbar's name.
    adjust = driver.find_element(By.CSS_SELECTOR, ".bv-choices button")
    assert adjust.text == "3: Adjust the box" and adjust.get_dom_attribute("aria-keyshortcuts") == "3 A"
    assert "3 or A to adjust the box" in driver.find_element(By.CSS_SELECTOR, ".bv > .hint").text
    driver.find_element(By.TAG_NAME, "body").send_keys("")
    tab_until(driver, "el.matches('.bv input[type=radio]')", "the yes/no choice")
    toolbar = focused(driver, "el.closest('[role=toolbar]').getAttribute('aria-label')")
    assert toolbar.startswith(f"Is this box tight around a {box['label']}?") and "3 or A" in toolbar, toolbar
    assert axe_violations(driver) == []
    if box["label"] == "face":
        press(driver, "y")
        assert focused(driver, "el.value") == "yes" and focused(driver, "el.checked")
        press(driver, Keys.ENTER)
        return box, {"choice": "yes"}

    # A: the box goes into the drawing tool with the focus on it; arrow keys move it, and the page says where.
    press(driver, "a")
    assert focused(driver, "el.getAttribute('aria-label')") == f"Box 1: {described(box)}"
    assert not driver.find_element(By.CSS_SELECTOR, ".bv-choices").is_displayed()
    keys_help = driver.find_element(By.CSS_SELECTOR, ".bx-keys").text
    assert "Escape goes back to yes or no" in keys_help and "Press R" in keys_help
    press(driver, Keys.ARROW_RIGHT * 3)
    assert focused(driver, "el.getAttribute('aria-label')") == f"Box 1: {described({**box, 'x': box['x'] + 3 * STEP})}"
    # Escape: back to yes or no, nothing adjusted kept; 3 brings the model's box back into the tool.
    press(driver, Keys.ESCAPE)
    assert focused(driver, "el.type") == "radio" and driver.find_element(By.CSS_SELECTOR, ".bv-choices").is_displayed()
    assert driver.find_elements(By.CSS_SELECTOR, ".bx") == []
    press(driver, "3")
    assert focused(driver, "el.getAttribute('aria-label')") == f"Box 1: {described(box)}"
    press(driver, Keys.ARROW_RIGHT * 3, Keys.ARROW_DOWN * 3)
    press(driver, "r")
    WebDriverWait(driver, 5).until(lambda d: d.find_element(By.ID, "announce").get_attribute("textContent")
                                   == "The arrow keys now change the size. Right and down make the box bigger.")
    press(driver, Keys.ARROW_RIGHT * 2, Keys.ARROW_DOWN * 2)
    moved = {**box, "x": box["x"] + 3 * STEP, "y": box["y"] + 3 * STEP, "w": box["w"] + 2 * STEP, "h": box["h"] + 2 * STEP}
    assert focused(driver, "el.getAttribute('aria-label')") == f"Box 1: {described(moved)}"
    WebDriverWait(driver, 5).until(lambda d: d.find_element(By.ID, "announce").get_attribute("textContent") == described(moved))
    full_screenshot(driver, "work-image-box-adjust")
    assert axe_violations(driver) == []
    press(driver, Keys.ENTER)  # on the box: sends it
    return box, {"boxes": [moved]}


check_box.last = None


def test_an_operator_checks_adjusts_and_answers_anything_missed_by_keyboard(verify_lab, project, browser):
    lab = verify_lab
    sign_in_and_start(lab, browser, BADGE)
    checked = [check_box(browser, lab) for _ in range(2)]
    boxes = sorted(box["label"] for box, _ in checked)
    assert boxes == ["face", "helmet"], f"the lab asked about {boxes}, not the face and the helmet over the threshold"
    for box, _ in checked:
        model = FACE[0] if box["label"] == "face" else HELMET[0]
        assert {k: round(box[k]) for k in "xywh"} == {k: model[k] for k in "xywh"}, box

    # Anything missed? The accepted boxes are fixed outlines, listed in words; nothing drawn is an answer.
    task = task_on_screen(browser, "image-boxes")
    payload = task["payload"]
    assert payload.get("missed") is True and payload.get("shown"), payload
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".bx .bx-svg"))
    widget = browser.find_element(By.CSS_SELECTOR, ".bx").text
    assert "These are already marked. Draw only what is missing. Send with nothing drawn if nothing is missing." in widget
    listed = "Already marked: " + "; ".join(described({**b, **{k: round(b[k]) for k in "xywh"}}) for b in payload["shown"]) + "."
    assert listed in widget, widget
    assert described(FACE[0]) in listed
    assert not browser.find_element(By.CSS_SELECTOR, ".bx-nothing").is_displayed()
    assert len(browser.find_elements(By.CSS_SELECTOR, ".bv-box rect")) == 3 * len(payload["shown"])
    browser.find_element(By.TAG_NAME, "body").send_keys("")
    tab_until(browser, "el.matches('.bx-svg')", "the drawing area")
    # What the screen reader hears on the drawing area: the question, then the boxes already marked.
    question, marked = focused(browser, "el.getAttribute('aria-describedby')").split()[:2]
    assert browser.find_element(By.ID, question).text.startswith("These are already marked.")
    assert browser.find_element(By.ID, marked).text == listed
    full_screenshot(browser, "work-image-boxes-missed")
    assert axe_violations(browser) == []
    tab_until(browser, "el.id === 'submit'", "the Send button")
    press(browser, Keys.ENTER)

    # The client's raw export: the yes, the one adjusted box, and nothing missed.
    expected = sorted([json.dumps(answer, sort_keys=True) for _, answer in checked] + [json.dumps({"boxes": []})])
    def stored():
        return sorted(json.dumps(row["answer"], sort_keys=True) for row in raw_export(lab, project))
    WebDriverWait(browser, 15).until(lambda _: len(stored()) >= 3)
    assert stored() == expected
    kinds = sorted(row["kind"] for row in raw_export(lab, project))
    assert kinds == ["image-box-verify", "image-box-verify", "image-boxes"]
    assert json.dumps({"boxes": [ADJUSTED]}, sort_keys=True) in expected
