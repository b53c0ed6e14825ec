"""The client's model in real Chromium: a project that checks a model's boxes (verify), made with the new
project form by keyboard; a Label Studio task file with the model's predictions uploaded beside two real
photographs; operators answering over HTTP; then the model's report page, by keyboard alone, with 0 axe-core
violations, in English and in Dutch, whose tables say exactly what GET .../model/report says. The project
page's Model part refuses a model it cannot reach with a reason that says what to do.

Runs on a demo lab of its own, so that its operators are served only this project's work."""
import json
import math
import pathlib
import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import DemoLab, axe_violations, full_screenshot
from labapi import CLIENT, ApiError, call, label_studio_boxes, login, set_profile, share_project, verify_project
from test_client import choose_kind_by_keyboard, focused, press, sign_in, tab_to, text_of, unique, wait

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "Tasks" / "samples"
OPERATORS = ("OP-0001", "OP-0002", "OP-0003")
# The astronaut's face, and on the cameraman a box where there is no face (his coat), as a model gave them,
# in whole pixels of the 512 x 512 pictures (exact in Label Studio's percentages), with their scores.
FACE = ({"label": "face", "x": 154, "y": 51, "w": 102, "h": 128}, 0.8)
NO_FACE = ({"label": "face", "x": 282, "y": 317, "w": 102, "h": 102}, 0.6)
# The cameraman's face, in pixels of the 512 x 512 picture: what the operators draw as missed.
CAMERAMAN_FACE = {"label": "face", "x": 225, "y": 55, "w": 70, "h": 80}


def percent(x):
    """A share as the page writes it: a whole percentage, halves rounded up (as JavaScript's Intl does)."""
    return "Not known yet" if x is None else f"{math.floor(x * 100 + 0.5)}%"


def rows(driver, body_id):
    """A table body's rows as lists of cell texts (the row's header first)."""
    return [[cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
            for row in driver.find_elements(By.CSS_SELECTOR, f"#{body_id} tr")]


def next_task(lab, token):
    status, body = call(lab, "/api/v1/tasks/next", token=token)
    return body if status == 200 else None


def answer_of(served):
    """What a careful operator answers: the astronaut's box is a face; the box on the cameraman's coat is not;
    nothing was missed on the astronaut, the cameraman's face was."""
    task = served["task"]
    astronaut = "astronaut" in (task["payload"].get("sourceFile") or json.dumps(task))
    if task["kind"] == "image-box-verify":
        return {"choice": "yes" if astronaut else "no"}
    if astronaut:
        return {"boxes": []}
    return {"boxes": [CAMERAMAN_FACE]}


@pytest.fixture(scope="module")
def model_lab():
    lab = DemoLab()
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture(scope="module")
def checked(model_lab):
    """A verify project with the model's predictions, every microtask answered by three operators."""
    lab = model_lab
    project = verify_project(
        lab, unique("Faces checked"), ["face"],
        [(name, (SAMPLES / name).read_bytes()) for name in ("photo-astronaut.jpg", "photo-cameraman.png")],
        [label_studio_boxes("photo-astronaut.jpg", [FACE]), label_studio_boxes("photo-cameraman.png", [NO_FACE])],
        OPERATORS, {"mode": "verify", "threshold": 0.5, "order": "uncertain-first", "modelVotes": False}, overlap=3)
    client = login(lab, email=CLIENT[0], password=CLIENT[1])
    tokens = {badge: login(lab, badge=badge) for badge in OPERATORS}
    for badge in OPERATORS:
        set_profile(lab, badge, taskKinds=["image-box-verify", "image-boxes"])
        call(lab, "/api/v1/shift/start", "POST", {}, token=tokens[badge])
    kinds = set()
    for _ in range(30):
        served = {badge: next_task(lab, token) for badge, token in tokens.items()}
        if not any(served.values()):
            break
        for badge, given in served.items():
            if given:
                kinds.add(given["task"]["kind"])
                call(lab, f"/api/v1/assignments/{given['assignment']['id']}/answer", "POST",
                     {"answer": answer_of(given)}, token=tokens[badge])
    assert "image-box-verify" in kinds, kinds
    report = call(lab, f"/api/v1/projects/{project['id']}/model/report", token=client)[1]
    return lab, project, report


def open_report_by_keyboard(driver, lab, project):
    """From the project page: Tab to the Model part's link to the report, and Enter."""
    sign_in(driver, lab)
    driver.get(f"{lab.url}client/project?id={project['id']}")
    wait(driver, lambda d: d.find_elements(By.ID, "model-report") and d.find_element(By.ID, "model-report").is_displayed())
    driver.find_element(By.TAG_NAME, "body").send_keys("")
    tab_to(driver, "model-report", limit=120)
    press(driver, Keys.ENTER)
    wait(driver, lambda d: d.current_url.endswith(f"/client/projects/{project['id']}/model"))
    wait(driver, lambda d: d.find_element(By.ID, "report").is_displayed())


def assert_tables_say_the_report(driver, report, language):
    words = {"en": "Not known yet", "nl": "Nog niet bekend"}[language]
    share = lambda x: words if x is None else percent(x)  # noqa: E731
    number = lambda x: f"{x:.2f}".rstrip("0").rstrip(".") if language == "en" else f"{x:.2f}".rstrip("0").rstrip(".").replace(".", ",")  # noqa: E731
    assert rows(driver, "labels-rows") == [[row["label"], share(row["precision"]), share(row["recall"]), share(row["f1"]),
                                            str(row["support"])] for row in report["labels"]]
    calibration = report.get("calibration") or []
    assert len(rows(driver, "calibration-rows")) == len(calibration)
    for seen, row in zip(rows(driver, "calibration-rows"), calibration):
        assert seen[1:] == [str(row["count"]), share(row["accepted"]), share(row["changed"]), number(row["meanScore"])], seen
        assert number(row["from"]) in seen[0] and number(row["to"]) in seen[0], seen
    confusion = report.get("confusion")
    assert driver.find_element(By.ID, "confusion").is_displayed() == bool(confusion and confusion["labels"])


def test_the_report_page_says_what_the_report_says_by_keyboard_in_english_and_dutch(checked, browser):
    lab, project, report = checked
    assert report["labels"] and report["labels"][0]["label"] == "face", report
    open_report_by_keyboard(browser, lab, project)
    # One heading of the first level, naming the project.
    headings = browser.find_elements(By.TAG_NAME, "h1")
    assert len(headings) == 1 and project["name"] in headings[0].text
    assert browser.title.startswith("Model report")
    assert_tables_say_the_report(browser, report, "en")
    # The chart is one image with a name; its figures are the table's, with a caption and headers for each column and row.
    chart = browser.find_element(By.ID, "chart")
    assert chart.get_attribute("role") == "img" and "table below" in chart.get_attribute("aria-label")
    assert browser.find_element(By.CSS_SELECTOR, "#labels-table caption").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#labels-table thead th[scope=col]")) == 5
    assert all(row.find_element(By.TAG_NAME, "th").get_attribute("scope") == "row"
               for row in browser.find_elements(By.CSS_SELECTOR, "#labels-rows tr"))
    # The worst items: each thumbnail says what the model said and what people said.
    pictures = browser.find_elements(By.CSS_SELECTOR, "#worst img")
    assert len(pictures) == len([item for item in report.get("worst", []) if item.get("thumbnail")])
    for picture, item in zip(pictures, [item for item in report.get("worst", []) if item.get("thumbnail")]):
        alt = picture.get_attribute("alt")
        assert alt.startswith("The model said") and "People said" in alt, alt
        for side in ("model", "people"):
            said = item[side] if isinstance(item[side], list) else [{"label": item[side]}]
            assert all(one["label"] in alt for one in said), (alt, item)
            assert all(f"score {one['score']:.2f}".rstrip("0").rstrip(".") in alt for one in said if one.get("score") is not None), alt
        assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", picture)
    # Hours saved, in words.
    hours = text_of(browser, "hours")
    minutes = round(report["hoursSaved"] * 60)
    assert (re.fullmatch(r"About .*(hour|minute).* of work saved\.", hours) if minutes > 0 else hours == "No time saved yet."), hours
    assert axe_violations(browser) == []
    full_screenshot(browser, "model-report-en")
    # Keyboard alone: every stop of Tab is a link or a button, and the in-page links move the focus to their part.
    browser.find_element(By.TAG_NAME, "body").send_keys("")
    stops = []
    for _ in range(40):
        press(browser, Keys.TAB)
        element = browser.switch_to.active_element
        stop = element.get_attribute("id") or element.get_attribute("href")
        if stop in stops or element.tag_name == "body":  # past the last stop, the focus leaves the page
            break
        stops.append(stop)
        assert element.tag_name in ("a", "button"), (element.tag_name, stop)
    assert "language" in stops and "back" in stops, stops
    for link in browser.find_elements(By.CSS_SELECTOR, ".page-nav a"):
        if not link.is_displayed():
            continue
        target = link.get_attribute("href").split("#")[1]
        link.send_keys(Keys.ENTER)
        wait(browser, lambda d, t=target: focused(d) == t)
    # In Dutch: the same figures, the Dutch words.
    browser.find_element(By.TAG_NAME, "body").send_keys("")
    tab_to(browser, "language")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.execute_script("return document.documentElement.lang") == "nl")
    # The heading names the project once the report is drawn again in Dutch (in the same moment as its tables).
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == f"Rapport van het model: {project['name']}")
    assert_tables_say_the_report(browser, report, "nl")
    for picture in browser.find_elements(By.CSS_SELECTOR, "#worst img"):
        assert picture.get_attribute("alt").startswith("Het model zei")
    assert axe_violations(browser) == []
    full_screenshot(browser, "model-report-nl")


def test_a_project_without_predictions_says_there_is_no_report_yet(model_lab, browser):
    lab = model_lab
    client = login(lab, email=CLIENT[0], password=CLIENT[1])
    project = call(lab, "/api/v1/projects", "POST", {"name": unique("No model yet"), "template": "choice",
                                                      "labels": ["sport", "news"], "goldRate": 0}, token=client)[1]
    share_project(lab, project["id"], [])
    with pytest.raises(ApiError) as refused:
        call(lab, f"/api/v1/projects/{project['id']}/model/report", token=client)
    assert refused.value.status == 404 and refused.value.body["error"]["code"] == "no_predictions"
    sign_in(browser, lab)
    browser.get(f"{lab.url}client/projects/{project['id']}/model")
    wait(browser, lambda d: d.find_element(By.ID, "missing").is_displayed())
    assert "no report yet" in text_of(browser, "missing")
    assert not browser.find_element(By.ID, "report").is_displayed()
    assert len(browser.find_elements(By.TAG_NAME, "h1")) == 1
    assert axe_violations(browser) == []


def test_the_new_project_form_sets_how_the_model_is_used_by_keyboard(model_lab, browser):
    lab = model_lab
    name = unique("Faces with a model")
    sign_in(browser, lab)
    browser.get(lab.url + "client/new")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=kind]"))
    browser.find_element(By.TAG_NAME, "body").send_keys("")
    tab_to(browser, "name")
    press(browser, name, Keys.TAB)
    # Subtitles cannot come from this model: its part stays hidden until a kind that can is chosen.
    assert not browser.find_element(By.ID, "preannotations").is_displayed()
    choose_kind_by_keyboard(browser, "image-boxes")
    wait(browser, lambda d: d.find_element(By.ID, "preannotations").is_displayed())
    assert not browser.find_element(By.ID, "pre-more").is_displayed()
    tab_to(browser, "pre-use-none")
    press(browser, Keys.ARROW_DOWN)  # people check the model's answers
    assert focused(browser) == "pre-use-verify"
    wait(browser, lambda d: d.find_element(By.ID, "pre-more").is_displayed())
    tab_to(browser, "pre-threshold")
    press(browser, Keys.CONTROL, "a")
    press(browser, "2")
    tab_to(browser, "create")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: focused(d) == "errors")
    assert "from 0 to 1" in text_of(browser, "errors")
    assert browser.find_element(By.ID, "pre-threshold").get_attribute("aria-invalid") == "true"
    assert axe_violations(browser) == []
    tab_to(browser, "pre-threshold")
    press(browser, Keys.CONTROL, "a")
    press(browser, "0,7")
    tab_to(browser, "pre-votes")
    press(browser, Keys.SPACE)
    tab_to(browser, "create")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: "/client/project?id=" in d.current_url, 15)
    project_id = browser.current_url.split("id=")[1]
    share_project(lab, project_id, [])
    client = login(lab, email=CLIENT[0], password=CLIENT[1])
    made = call(lab, f"/api/v1/projects/{project_id}", token=client)[1]
    assert made["preannotations"] == {"mode": "verify", "threshold": 0.7, "order": "uncertain-first", "modelVotes": True}


def test_the_project_page_refuses_a_model_it_cannot_reach_and_says_what_to_do(model_lab, browser):
    lab = model_lab
    client = login(lab, email=CLIENT[0], password=CLIENT[1])
    plain = call(lab, "/api/v1/projects", "POST", {"name": unique("Faces, no model"), "template": "image-boxes",
                                                    "labels": ["face"], "goldRate": 0}, token=client)[1]
    project = call(lab, "/api/v1/projects", "POST", {"name": unique("Faces, a model far away"), "template": "image-boxes",
                                                      "labels": ["face"], "goldRate": 0, "preannotations": {
                                                          "mode": "blind", "threshold": 0.5, "order": "in-order"}}, token=client)[1]
    for made in (plain, project):
        share_project(lab, made["id"], [])
    sign_in(browser, lab)
    # A project made without a model says so, and offers no form.
    browser.get(f"{lab.url}client/project?id={plain['id']}")
    wait(browser, lambda d: d.find_elements(By.ID, "model-use") and "made without a model" in text_of(d, "model-use"))
    assert not browser.find_element(By.ID, "model-form").is_displayed()
    assert not browser.find_element(By.ID, "model-report").is_displayed()
    browser.get(f"{lab.url}client/project?id={project['id']}")
    wait(browser, lambda d: d.find_elements(By.ID, "model-url") and d.find_element(By.ID, "model-url").is_displayed())
    assert "No model is connected" in text_of(browser, "model-facts")
    assert "without seeing the model's answers" in text_of(browser, "model-use")
    assert not browser.find_element(By.ID, "model-remove").is_displayed()
    browser.find_element(By.TAG_NAME, "body").send_keys("")
    tab_to(browser, "model-url", limit=120)
    press(browser, "faces on port nine")
    tab_to(browser, "model-connect")
    press(browser, Keys.ENTER)
    form = browser.find_element(By.ID, "model-form")
    wait(browser, lambda d: "https://" in form.find_element(By.CSS_SELECTOR, ".error-summary").text)
    assert browser.find_element(By.ID, "model-url").get_attribute("aria-invalid") == "true"
    tab_to(browser, "model-url")
    press(browser, Keys.CONTROL, "a")
    press(browser, "http://127.0.0.1:9/")  # the discard port: nothing answers there
    tab_to(browser, "model-connect")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: "cannot reach your model" in form.find_element(By.CSS_SELECTOR, ".error-summary").text, 40)
    assert browser.switch_to.active_element == form.find_element(By.CSS_SELECTOR, ".error-summary")
    assert axe_violations(browser) == []
