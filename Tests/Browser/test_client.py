"""The client's pages in real Chromium: the projects list, a new project with its live preview, one project
with an upload and downloads. No axe-core violations, the whole story with the keyboard alone, screenshots at
normal size and at 200% text, and nothing on the page or in a download that says who did the work.

The session's demo lab is shared with other test files: every project made here has its own name, and the
coach keeps it from the operators (except the one operator the privacy story needs), so that no other
test is ever served its microtasks."""
import csv
import io
import json
import pathlib
import re
import shutil
import struct
import tempfile
import time
import uuid
import zlib

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SCREENSHOTS, axe_violations, screenshot, full_screenshot
from labapi import CLIENT, COACH, ApiError, call, end_shift_if_running, login, operator_id, set_profile

OPERATORS = ["Anouk de Vries", "Bram Jansen", "Chaima El Amrani", "Daan Bakker", "Esra Yilmaz", "Floor Visser"]


# ---------------------------------------------------------------------------------------------- helpers

@pytest.fixture()
def downloads():
    folder = pathlib.Path(tempfile.mkdtemp(prefix="annolab-downloads-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def browser(downloads):
    """Chromium as in conftest, but saving downloads into a folder of this test without asking."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--lang=en-US"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    yield driver
    driver.quit()


def unique(name):
    return f"{name} {uuid.uuid4().hex[:6]}"


def png(width, height, rgb):
    """A small, valid RGB PNG made here, so the test needs no picture files."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture()
def pictures():
    """Two good pictures and one broken file (a PNG cut off after its signature)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="annolab-pictures-"))
    paths = [folder / "red-square.png", folder / "blue-square.png", folder / "broken-picture.png"]
    paths[0].write_bytes(png(16, 12, (200, 30, 30)))
    paths[1].write_bytes(png(12, 16, (30, 30, 200)))
    paths[2].write_bytes(b"\x89PNG\r\n\x1a\nthis is not a picture")
    yield [str(path) for path in paths]
    shutil.rmtree(folder, ignore_errors=True)


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


def tab_to(driver, element_id, limit=80):
    """Presses Tab until the element with this id has the focus."""
    for _ in range(limit):
        if focused(driver) == element_id:
            return
        press(driver, Keys.TAB)
    raise AssertionError(f"Tab never reached #{element_id}")


def wait(driver, condition, seconds=10, message=""):
    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition, message)


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text


def sign_in(driver, lab):
    """The client signs in on the login page with the keyboard and lands on /client."""
    driver.get(lab.url)
    wait(driver, lambda d: d.execute_script("return document.documentElement.lang") == "en")
    driver.find_element(By.TAG_NAME, "body").send_keys("")
    tab_to(driver, "email")
    press(driver, CLIENT[0], Keys.TAB)
    press(driver, CLIENT[1], Keys.ENTER)
    wait(driver, lambda d: d.current_url.endswith("/client"))
    wait(driver, lambda d: "Demo Media newsroom" in text_of(d, "who"))


def keep_from_operators(lab, project, allowed=()):
    """The coach decides who gets the project: here nobody, or only the operators given."""
    coach = login(lab, email=COACH[0], password=COACH[1])
    call(lab, f"/api/v1/coach/projects/{project}/operators", "PUT", {"operators": list(allowed)}, token=coach)


def project_by_api(lab, name, **fields):
    token = login(lab, email=CLIENT[0], password=CLIENT[1])
    body = {"name": name, "template": "choice", "labels": ["sport", "news"], **fields}
    project = call(lab, "/api/v1/projects", "POST", body, token=token)[1]
    keep_from_operators(lab, project["id"])
    return project


def upload_by_api(lab, project, paths):
    """A multipart upload as a client's script sends it."""
    import urllib.request
    boundary = uuid.uuid4().hex
    body = b""
    for path in paths:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{pathlib.Path(path).name}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + pathlib.Path(path).read_bytes() + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{lab.url}api/v1/projects/{project}/items", data=body, method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    request.add_header("Authorization", f"Bearer {login(lab, email=CLIENT[0], password=CLIENT[1])}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def open_project(driver, lab, project):
    driver.get(f"{lab.url}client/project?id={project}")
    wait(driver, lambda d: d.find_element(By.ID, "project").is_displayed())


def upload_in_page(driver, paths):
    """Tab to the file input, give it the paths (how a keyboard user picks files in WebDriver), Enter on Upload."""
    tab_to(driver, "files")
    driver.switch_to.active_element.send_keys("\n".join(paths))
    tab_to(driver, "upload")
    press(driver, Keys.ENTER)
    wait(driver, lambda d: d.find_element(By.ID, "report").is_displayed(), 30, "no upload report")


def downloaded(folder, seconds=20):
    """The one finished download in the folder."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        files = [f for f in folder.iterdir() if not f.name.endswith((".crdownload", ".tmp"))]
        if files and not any(f.name.endswith(".crdownload") for f in folder.iterdir()):
            assert len(files) == 1, files
            return files[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing was downloaded into {folder}")




def choose_kind_by_keyboard(driver, kind):
    """Tab has put the focus in the radio group: arrows move through it, Space picks."""
    for _ in range(8):
        if focused(driver, "value") == kind:
            if not driver.switch_to.active_element.is_selected():
                press(driver, Keys.SPACE)
            return
        press(driver, Keys.ARROW_DOWN)
    raise AssertionError(f"the kind {kind} is not among the radio buttons")


# ---------------------------------------------------------------------------------------------- stories

def test_projects_page_lists_projects_in_words_with_impact_and_api_link(lab, browser):
    name = unique("Listed project")
    project = project_by_api(lab, name)
    sign_in(browser, lab)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Your projects"
    wait(browser, lambda d: any(name in li.text for li in d.find_elements(By.CSS_SELECTOR, "#list li")))
    item = next(li for li in browser.find_elements(By.CSS_SELECTOR, "#list li") if name in li.text)
    link = item.find_element(By.TAG_NAME, "a")
    assert link.text == name and link.get_attribute("href").endswith(f"/client/project?id={project['id']}")
    assert "Choose the best one. No items yet" in item.text
    demo = browser.find_elements(By.CSS_SELECTOR, "#list li p")[0].text
    assert re.fullmatch(r"Boxes around things in pictures\. \d+ of \d+ done", demo), demo
    wait(browser, lambda d: d.find_element(By.ID, "impact").is_displayed())
    impact = text_of(browser, "impact")
    assert impact.startswith("Your projects gave ") and impact.endswith("hours of paid, inclusive work.") \
        or impact == "Your projects have not given any hours of paid work yet.", impact
    assert browser.find_element(By.LINK_TEXT, "The API description (OpenAPI 3.1, JSON)").get_attribute("href") \
        .endswith("/api/v1/openapi.json")
    assert browser.find_element(By.LINK_TEXT, "New project").get_attribute("href").endswith("/client/new")
    assert axe_violations(browser) == []


def test_api_token_is_shown_once_and_revoked_only_after_a_second_step(lab, browser):
    label = unique("Nightly pipeline")
    sign_in(browser, lab)
    tab_to(browser, "label")
    press(browser, label, Keys.ENTER)
    wait(browser, lambda d: focused(d) == "token-value", message="the new token does not get the focus")
    token = browser.switch_to.active_element.get_attribute("value")
    assert len(token) >= 16
    assert "You see it only this once." in text_of(browser, "new-token")
    # The token works for the client's own scripts.
    assert call(lab, "/api/v1/projects", token=token)[0] == 200
    listed = [t for t in call(lab, "/api/v1/tokens", token=token)[1]["tokens"] if t["label"] == label]
    assert len(listed) == 1 and "token" not in listed[0]
    assert axe_violations(browser) == []
    revoke = f"token-{listed[0]['id']}-revoke"
    wait(browser, lambda d: d.find_elements(By.ID, revoke))
    tab_to(browser, revoke)
    press(browser, Keys.ENTER)
    # One key press only asks; the token still works.
    assert focused(browser) == f"token-{listed[0]['id']}-yes"
    assert call(lab, "/api/v1/projects", token=token)[0] == 200
    assert axe_violations(browser) == []
    press(browser, Keys.ENTER)
    wait(browser, lambda d: f"The token {label} is revoked." in text_of(d, "tokens-status"))
    assert focused(browser) == "tokens-title"
    assert not browser.find_elements(By.ID, revoke)
    with pytest.raises(ApiError) as refused:
        call(lab, "/api/v1/projects", token=token)
    assert refused.value.status == 401


def test_new_project_form_explains_problems_and_the_preview_is_accessible(lab, browser):
    sign_in(browser, lab)
    browser.get(lab.url + "client/new")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=kind]"))
    # Sending the empty form: an error summary that takes the focus and links to each field.
    tab_to(browser, "create")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: focused(d) == "errors")
    links = {a.text: a.get_attribute("href").split("#")[1] for a in browser.find_elements(By.CSS_SELECTOR, "#errors a")}
    assert links["Enter a name for the project."] == "name"
    assert links["Choose what kind of work it is."].startswith("kind-")
    assert browser.find_element(By.ID, "name").get_attribute("aria-invalid") == "true"
    assert axe_violations(browser) == []
    # Following a link puts the focus on the field.
    press(browser, Keys.TAB, Keys.ENTER)
    assert focused(browser) == "name"
    # The lab's own checks (here: a choice needs two options) come back in the summary too.
    press(browser, unique("One option only"), Keys.TAB)
    choose_kind_by_keyboard(browser, "choice")
    tab_to(browser, "labels")
    press(browser, "sport")
    tab_to(browser, "create")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: "at least two labels" in text_of(d, "errors"), message=text_of(browser, "errors"))
    assert focused(browser) == "errors"
    assert browser.find_element(By.CSS_SELECTOR, "#errors a").get_attribute("href").endswith("#labels")
    # The preview is a region with a heading, not a live region that talks on every key.
    preview = browser.find_element(By.ID, "preview")
    assert preview.tag_name == "section" and preview.get_attribute("aria-labelledby") == "preview-title"
    assert not browser.find_elements(By.CSS_SELECTOR, "#preview[aria-live], #preview [aria-live]")
    wait(browser, lambda d: "Choose the best one" in text_of(d, "preview-body"))
    assert "sport" in text_of(browser, "preview-body")
    assert "Worked example" in text_of(browser, "preview-body")
    assert axe_violations(browser) == []


def test_a_client_does_the_whole_story_with_the_keyboard_alone(lab, browser, downloads, pictures):
    name = unique("Keyboard project")
    sign_in(browser, lab)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#list li"))
    tab_to(browser, "new")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.current_url.endswith("/client/new"))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name=kind]"))
    tab_to(browser, "name")
    press(browser, name, Keys.TAB)
    choose_kind_by_keyboard(browser, "choice")
    # Choosing the kind fills in its instructions; choice has no labels of its own.
    wait(browser, lambda d: "Choose the option" in d.find_element(By.ID, "instructions-en").get_attribute("value"))
    tab_to(browser, "labels")
    press(browser, "sport", Keys.ENTER, "news")
    tab_to(browser, "mode-adaptive")
    press(browser, Keys.ARROW_DOWN)  # a fixed number of people
    assert focused(browser) == "mode-fixed"
    tab_to(browser, "overlap")
    press(browser, Keys.CONTROL, "a")
    press(browser, "2")
    tab_to(browser, "gold")
    press(browser, Keys.CONTROL, "a")
    press(browser, "0")
    tab_to(browser, "instructions-en")
    press(browser, Keys.CONTROL, Keys.END)
    press(browser, Keys.ENTER, "Ask your coach when a picture is not clear.")
    wait(browser, lambda d: "Ask your coach when a picture is not clear." in text_of(d, "preview-body"),
         message="the preview did not follow the edited instructions")
    body = text_of(browser, "preview-body")
    assert "Choose the best one" in body and "sport" in body and "news" in body
    tab_to(browser, "create")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: "/client/project?id=" in d.current_url)
    project = int(browser.current_url.split("id=")[1])
    keep_from_operators(lab, project)
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == name)
    stored = call(lab, f"/api/v1/projects/{project}", token=login(lab, email=CLIENT[0], password=CLIENT[1]))[1]
    assert stored["template"] == "choice" and stored["labels"] == ["sport", "news"] and stored["overlap"] == 2
    assert stored["goldRate"] == 0
    assert stored["instructions"]["en"][-1] == "Ask your coach when a picture is not clear."

    upload_in_page(browser, pictures)
    assert focused(browser) == "report-title"
    report = text_of(browser, "report")
    assert "Files added: 2. New tasks for the operators: 2." in report
    assert "Files not added: 1." in report
    rejected = browser.find_elements(By.CSS_SELECTOR, "#rejected li")
    assert len(rejected) == 1 and rejected[0].text.startswith("broken-picture.png: ")
    assert len(rejected[0].text) > len("broken-picture.png: ") + 15, "the reason is said in words"
    assert browser.find_element(By.ID, "upload-progress").get_attribute("value") == "100"
    wait(browser, lambda d: "0 of 2 done" in text_of(d, "progress-done"))

    tab_to(browser, "download-csv", limit=120)
    assert browser.switch_to.active_element.get_attribute("download") is not None
    press(browser, Keys.ENTER)
    file = downloaded(downloads)
    assert file.suffix == ".csv"
    rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8-sig"))))
    assert rows and len(rows[0]) >= 2 and all(cell.strip() for cell in rows[0]), rows[:1]
    # A header, then one row per picture that was taken in.
    assert sorted(row[0] for row in rows[1:]) == ["blue-square.png", "red-square.png"], rows


def test_project_page_after_an_upload_has_no_accessibility_violations(lab, browser, pictures):
    project = project_by_api(lab, unique("Checked project"))
    sign_in(browser, lab)
    open_project(browser, lab, project["id"])
    upload_in_page(browser, pictures)
    assert browser.find_elements(By.CSS_SELECTOR, "#rejected li")
    assert browser.find_elements(By.CSS_SELECTOR, "#downloads a[download]")
    assert axe_violations(browser) == []
    # Feedback: a good-job note, then the thank-you note takes the focus.
    tab_to(browser, "feedback-kind-feedback", limit=120)
    press(browser, Keys.ARROW_DOWN)
    tab_to(browser, "feedback-text")
    press(browser, "The first pictures were labelled quickly and well. Thank you.")
    press(browser, Keys.TAB, Keys.ENTER)
    wait(browser, lambda d: focused(d) == "thanks")
    assert axe_violations(browser) == []


def test_screenshots_of_the_three_pages_at_normal_size_and_200_percent_text(lab, browser, pictures):
    project = project_by_api(lab, unique("Pictured project"))
    upload_by_api(lab, project["id"], pictures)
    sign_in(browser, lab)
    pages = [("client-home", "client", "#list li"),
             ("client-new", "client/new", "input[name=kind]"),
             ("client-project", f"client/project?id={project['id']}", "#downloads li")]
    for name, path, ready in pages:
        browser.get(lab.url + path)
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ready))
        if name == "client-new":
            tab_to(browser, "name")
            press(browser, "Evening news, week 12", Keys.TAB)
            choose_kind_by_keyboard(browser, "image-boxes")
            wait(browser, lambda d: "car" in text_of(d, "preview-body"))
        full_screenshot(browser, name)
        normal = browser.execute_script("return parseFloat(getComputedStyle(document.documentElement).fontSize)")
        browser.execute_script("document.documentElement.classList.add('text-200')")
        assert browser.execute_script("return parseFloat(getComputedStyle(document.documentElement).fontSize)") == 2 * normal
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), \
            f"{name} scrolls sideways at 200% text"
        full_screenshot(browser, f"{name}-200")
        for shot in (name, f"{name}-full", f"{name}-200", f"{name}-200-full"):
            assert (SCREENSHOTS / f"{shot}.png").stat().st_size > 10_000


def test_nothing_on_the_project_page_or_in_the_download_says_who_did_the_work(lab, browser, downloads, pictures):
    # One operator answers this project's two pictures; the coach keeps it from everyone else.
    project = project_by_api(lab, unique("Private project"), overlap=1, goldRate=0, deadline="2026-01-02")
    badge = "OP-0006"
    keep_from_operators(lab, project["id"], [operator_id(lab, badge)])
    assert upload_by_api(lab, project["id"], pictures[:2])["microtasks"] == 2
    # Other files change this operator's task kinds: for this shift the coach allows choices, then puts them back.
    coach = login(lab, email=COACH[0], password=COACH[1])
    before = next(o for o in call(lab, "/api/v1/coach/operators", token=coach)[1]["operators"] if o["badge"] == badge)
    end_shift_if_running(lab, badge)
    set_profile(lab, badge, taskKinds=["choice"])
    token = login(lab, badge=badge)
    call(lab, "/api/v1/shift/start", "POST", {}, token)
    try:
        for choice in ("sport", "news"):
            status, served = call(lab, "/api/v1/tasks/next", token=token)
            assert status == 200 and served["task"]["projectId"] == project["id"], served
            call(lab, f"/api/v1/assignments/{served['assignment']['id']}/answer", "POST", {"answer": {"choice": choice}}, token)
    finally:
        call(lab, "/api/v1/shift/end", "POST", {}, token)
        set_profile(lab, badge, taskKinds=before["profile"]["taskKinds"])

    sign_in(browser, lab)
    open_project(browser, lab, project["id"])
    wait(browser, lambda d: "2 of 2 done" in text_of(d, "progress-done"))
    page = browser.page_source + browser.find_element(By.TAG_NAME, "body").text
    tab_to(browser, "download-jsonl", limit=120)
    press(browser, Keys.ENTER)
    file = downloaded(downloads)
    content = file.read_text(encoding="utf-8")
    answers = [json.loads(line) for line in content.splitlines() if line.strip()]
    assert sorted(a["answer"]["choice"] for a in answers) == ["news", "sport"], content
    for where, text in (("the project page", page), ("the JSON lines download", content)):
        for person in OPERATORS:
            assert person not in text, f"{person} appears in {where}"
        assert "OP-000" not in text, f"a badge appears in {where}"
