"""Words that people upload or type never reach a page as HTML. A client, a coach and the admin put markup that
would run script if a page used it as HTML into every text the lab keeps: subtitle cues, file names, project
names, labels and instructions, API token labels, coach messages and notes, client feedback and the coach's
words passed on from it, and an operator's name. Then every page that shows those texts is opened in Chromium:
nothing ran, no element came out of the words, the words themselves are on the page as text, and Chromium
reported no Content-Security-Policy violation.

Skip reasons are kept for the lab's improvement of instructions but no page shows them, so they are not here.
The lab is one of this file's own: it adds an operator to the demo coach's group, which other files count."""
import pathlib
import shutil
import struct
import tempfile
import zlib

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DemoLab, assert_no_csp_violations, csp_violations
from labapi import (ADMIN, CLIENT, COACH, add_person, call, login, share_project, token_of, upload_files,
                    user_id)

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=2</script>"
SVG = '"><svg onload=window.__xss=3>'
MARKUP = f"{IMG} {SCRIPT} {SVG}"

OPERATOR_NAME = f"Operator {MARKUP}"
SUBTITLE_PROJECT = f"Subtitles {MARKUP}"
CHOICE_PROJECT = f"Pictures {MARKUP}"
LATE_PROJECT = f"Late {MARKUP}"
LABELS = [IMG, SCRIPT, SVG]
INSTRUCTIONS = {"en": [f"Read each line {IMG}", f"Then judge it {SCRIPT}", f"Ask your coach {SVG}"],
                "nl": [f"Lees elke regel {IMG}", f"Beoordeel hem {SCRIPT}", f"Vraag je coach {SVG}"]}
CUE = f"Cue {MARKUP}"
MESSAGE = f"Message {MARKUP}"
NOTE = f"Note {MARKUP}"
FEEDBACK = f"Feedback {MARKUP}"
FORWARDED = f"Passed on {MARKUP}"
TOKEN_LABEL = f"CI {IMG}{SCRIPT}{SVG}"  # a token label holds at most 100 characters
# File names cannot hold '/', so no closing tag; Chromium sends '"' in a file name as %22.
FILE_NAMES = ["<img src=x onerror=window.__xss=4>.png", '"><svg onload=window.__xss=5>.png']


def srt_escaped(text):
    """SRT markup is removed from a cue's words, but an escaped '<' is a '<' the viewer reads: this is the way
    to put a literal tag into a cue's text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


SUBTITLES = ("1\n00:00:01,000 --> 00:00:03,000\n" + srt_escaped(CUE) + "\n\n"
             "2\n00:00:04,000 --> 00:00:06,000\nMarkup as written " + MARKUP + "\n\n").encode()


def png(width, height, rgb):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


# ---------------------------------------------------------------------------------------------- the lab

@pytest.fixture(scope="module")
def xss_lab():
    demo = DemoLab()
    yield demo
    demo.stop()


@pytest.fixture(scope="module")
def marked(xss_lab):
    """Every text the lab keeps, filled with markup, by the people who would write it (through the API)."""
    lab = xss_lab
    client, coach = token_of(lab, CLIENT), token_of(lab, COACH)
    demo_projects = [p["id"] for p in call(lab, "/api/v1/projects", token=client)[1]["projects"]]
    demo_operators = [o["id"] for o in call(lab, "/api/v1/coach/operators", token=coach)[1]["operators"]]
    operator = add_person(lab, "operator", OPERATOR_NAME, coach=user_id(lab, COACH[0]))
    # The new operator gets only the two projects below; the demo's own go on to the demo's operators.
    for project in demo_projects:
        share_project(lab, project, demo_operators)

    subtitles = call(lab, "/api/v1/projects", "POST", {
        "name": SUBTITLE_PROJECT, "template": "subtitle-check", "overlap": 1, "goldRate": 0,
        "instructions": INSTRUCTIONS}, token=client)[1]
    # Three programmes with the same cues: an operator is never served a task twice, and the work page holds
    # two (one on screen, one loaded ahead) that its sign-out hands back; the text page then gets the third.
    report = upload_files(lab, subtitles["id"], [(f"part {n} {FILE_NAMES[0][:-4]}.srt", SUBTITLES) for n in (1, 2, 3)], client)
    assert report["microtasks"] == 3, report
    pictures = call(lab, "/api/v1/projects", "POST", {
        "name": CHOICE_PROJECT, "template": "choice", "overlap": 1, "goldRate": 0, "labels": LABELS}, token=client)[1]
    report = upload_files(lab, pictures["id"], [(FILE_NAMES[1], png(16, 12, (200, 30, 30)))], client)
    assert report["microtasks"] == 1, report
    for project in (subtitles, pictures):
        share_project(lab, project["id"], [operator["id"]])
    call(lab, "/api/v1/tokens", "POST", {"label": TOKEN_LABEL}, token=client)

    base = f"/api/v1/coach/operators/{operator['id']}"
    call(lab, f"{base}/messages", "POST", {"text": MESSAGE}, token=coach)
    call(lab, f"{base}/notes", "POST", {"text": NOTE}, token=coach)
    # Two notes from the client: the coach passes one on in their own words, the other waits on /coach.
    passed = call(lab, f"/api/v1/projects/{subtitles['id']}/feedback", "POST", {"text": f"First {FEEDBACK}"}, token=client)[1]
    call(lab, f"/api/v1/coach/feedback/{passed['id']}", "POST",
         {"action": "forward", "text": FORWARDED, "operators": [operator["id"]]}, token=coach)
    call(lab, f"/api/v1/projects/{subtitles['id']}/feedback", "POST", {"text": FEEDBACK}, token=client)
    return {"operator": operator, "subtitles": subtitles["id"], "pictures": pictures["id"]}


def set_kinds(lab, operator, kinds):
    call(lab, f"/api/v1/coach/operators/{operator}/profile", "PUT", {"taskKinds": kinds}, token=token_of(lab, COACH))


def end_shift(lab, badge):
    token = login(lab, badge=badge)
    if call(lab, "/api/v1/shift", token=token)[1]["phase"] in ("work", "pause"):
        call(lab, "/api/v1/shift/end", "POST", {}, token=token)


# ---------------------------------------------------------------------------------------------- the checks

FOUND_IN_PAGE = """
const found = [];
if (window.__xss !== undefined) found.push(`a script ran: window.__xss is ${window.__xss}`);
for (const node of document.querySelectorAll('*')) {
  for (const attribute of node.attributes) {
    if (attribute.name.startsWith('on')) found.push(`<${node.localName} ${attribute.name}="${attribute.value}">`);
  }
}
for (const node of document.querySelectorAll('img')) {
  if (node.getAttribute('src') === 'x') found.push(`<img src="x"> in ${node.parentNode.localName}`);
}
for (const node of document.querySelectorAll('script')) {
  if (!node.src) found.push(`an inline script: ${node.textContent}`);
}
for (const node of document.querySelectorAll('svg')) {
  if (node.outerHTML.includes('__xss')) found.push(`an <svg> made from words: ${node.outerHTML.slice(0, 120)}`);
}
return found;
"""


def assert_inert(driver, page, *texts, fields=()):
    """Nothing ran and nothing was built from the words on this page; each text is there, as visible text (or as
    the value of a form field, for `fields`); and Chromium refused nothing."""
    WebDriverWait(driver, 5).until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert driver.execute_script(FOUND_IN_PAGE) == [], f"on {page}"
    shown = driver.execute_script("return document.body.innerText")
    for text in texts:
        assert text in shown, f"{text!r} is not shown as text on {page}"
    values = driver.execute_script(
        "return [...document.querySelectorAll('textarea, input')].map((field) => field.value)")
    for text in fields:
        assert text in values, f"{text!r} is not in a form field on {page}"
    violations = csp_violations(driver, drain=False)
    assert violations == [], f"Chromium refused something on {page}: {violations}"


def wait_for(driver, condition, seconds=10, message=""):
    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition, message)


def sign_in(driver, lab, badge=None, who=None):
    """Signs in on the login page (a badge, or an email and password) and waits for the role's home page."""
    driver.get(lab.url)
    wait_for(driver, lambda d: d.execute_script("return document.documentElement.lang") in ("en", "nl"))
    if badge:
        driver.find_element(By.ID, "badge").send_keys(badge, Keys.ENTER)
    else:
        driver.find_element(By.ID, "email").send_keys(who[0])
        driver.find_element(By.ID, "password").send_keys(who[1], Keys.ENTER)
    wait_for(driver, lambda d: d.current_url.rstrip("/") != lab.url.rstrip("/"), message="the sign-in went nowhere")


def text_lines(driver):
    """Text mode's conversation, line by line (a reply is one paragraph, its lines kept apart by line breaks)."""
    return [line for text in shown(driver, "#log p") for line in text.split("\n")]


def shown(driver, selector):
    """The visible text of each element the selector finds ('' for one that is not shown)."""
    return driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((n) => (n.checkVisibility() ? n.innerText : ''))",
        selector)


def start_and_wait_for_task(driver):
    wait_for(driver, lambda d: d.find_element(By.ID, "start-shift").is_displayed())
    driver.find_element(By.ID, "start-shift").send_keys(Keys.ENTER)
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#widget .widget > *"), message="no task appeared")


# ---------------------------------------------------------------------------------------------- the pages

def test_the_checks_find_words_that_a_page_put_in_as_html(xss_lab, browser):
    """The checks can fail: the same words put into a lab page as HTML are found, element by element, and the
    handler Chromium refused to run is reported."""
    browser.get(xss_lab.url)
    wait_for(browser, lambda d: d.execute_script("return document.documentElement.lang") in ("en", "nl"))
    browser.execute_script("document.getElementById('main').insertAdjacentHTML('beforeend', arguments[0])", MARKUP)
    wait_for(browser, lambda d: any(line.startswith("script-src-attr refused inline")
                                    for line in csp_violations(d, drain=False)), message="no refusal was reported")
    found = browser.execute_script(FOUND_IN_PAGE)
    assert any(line.startswith('<img onerror="window.__xss=1">') for line in found), found
    assert any(line.startswith("<svg onload=") for line in found), found
    assert '<img src="x"> in main' in found and "an inline script: window.__xss=2" in found, found
    with pytest.raises(AssertionError, match="on / with markup"):
        assert_inert(browser, "/ with markup")
    with pytest.raises(AssertionError, match="script-src-attr refused inline"):
        assert_no_csp_violations(browser)  # this also forgets the refusal made on purpose



def test_the_operator_sees_cues_instructions_labels_and_their_name_as_text_on_the_work_page(xss_lab, marked, browser):
    operator = marked["operator"]
    end_shift(xss_lab, operator["badge"])
    set_kinds(xss_lab, operator["id"], ["subtitle-check"])
    sign_in(browser, xss_lab, badge=operator["badge"])
    wait_for(browser, lambda d: d.current_url.endswith("/work") and d.find_element(By.ID, "who").text)
    start_and_wait_for_task(browser)
    wait_for(browser, lambda d: shown(d, ".cue-text"))
    browser.execute_script("document.getElementById('instructions').open = true")
    assert CUE in shown(browser, ".cue-text")
    # Markup written into an SRT file is subtitle styling: the lab keeps the words and drops the tags.
    assert not any("<" in cue for cue in shown(browser, ".cue-text") if cue.startswith("Markup as written"))
    assert shown(browser, "#instruction-list li") == INSTRUCTIONS["en"]
    assert_inert(browser, "/work (a subtitle check)", OPERATOR_NAME, CUE, *INSTRUCTIONS["en"])

    # Signing out hands the task back; the next shift serves the picture project, whose options are the labels.
    browser.find_element(By.ID, "sign-out").send_keys(Keys.ENTER)
    wait_for(browser, lambda d: d.current_url.rstrip("/") == xss_lab.url.rstrip("/"))
    end_shift(xss_lab, operator["badge"])
    set_kinds(xss_lab, operator["id"], ["choice"])
    sign_in(browser, xss_lab, badge=operator["badge"])
    start_and_wait_for_task(browser)
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#widget input[type=radio]")) == 3)
    options = [label.text for label in browser.find_elements(By.CSS_SELECTOR, "#widget label")]
    assert [option.split(" ", 1)[1] for option in options] == LABELS, options  # "1 <img ...>": the key, then the name
    assert_inert(browser, "/work (a choice)", OPERATOR_NAME, *LABELS)
    browser.find_element(By.ID, "sign-out").send_keys(Keys.ENTER)
    wait_for(browser, lambda d: d.current_url.rstrip("/") == xss_lab.url.rstrip("/"))
    end_shift(xss_lab, operator["badge"])


def test_the_text_page_reads_cues_and_the_coachs_words_as_plain_words(xss_lab, marked, browser):
    operator = marked["operator"]
    end_shift(xss_lab, operator["badge"])
    set_kinds(xss_lab, operator["id"], ["subtitle-check"])
    sign_in(browser, xss_lab, badge=operator["badge"])
    browser.get(xss_lab.url + "text")
    wait_for(browser, lambda d: len(text_lines(d)) >= 2)
    say = browser.find_element(By.ID, "say")
    before = len(text_lines(browser))
    say.send_keys("start", Keys.ENTER)
    wait_for(browser, lambda d: any(line.startswith("Subtitle 1 of") for line in text_lines(d)[before:]),
             message=f"no subtitle was read out: {text_lines(browser)}")
    lines = text_lines(browser)
    # Text mode reads words aloud: the server cleans markup away, and the words around it are still there.
    for start in ("Message from your coach: Message", "Message from your coach: Passed on", "Hello Operator",
                  "Subtitle 1 of 2: Cue"):
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert not any(mark in line for line in lines for mark in "<>"), lines
    assert_inert(browser, "/text")
    say = browser.find_element(By.ID, "say")
    say.send_keys("stop", Keys.ENTER)
    wait_for(browser, lambda d: any("Your shift has ended" in line for line in text_lines(d)))
    end_shift(xss_lab, operator["badge"])


def test_the_coach_sees_the_name_notes_feedback_and_new_work_as_text(xss_lab, marked, browser):
    operator = marked["operator"]["id"]
    sign_in(browser, xss_lab, who=COACH)
    wait_for(browser, lambda d: d.find_elements(By.ID, f"op-{operator}"))
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#feedback-list textarea"))
    wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#work-list h3")) >= 2)
    browser.execute_script(f"document.querySelectorAll('#op-{operator} details').forEach((d) => {{ d.open = true; }})")
    wait_for(browser, lambda d: NOTE in d.find_element(By.CSS_SELECTOR, f"#op-{operator} .notes").text,
             message="the note did not appear")
    assert browser.find_element(By.CSS_SELECTOR, f"#op-{operator} h2 [data-f=name]").text == OPERATOR_NAME
    assert set(shown(browser, "#work-list h3")) >= {SUBTITLE_PROJECT, CHOICE_PROJECT}
    assert shown(browser, "#feedback-list blockquote p") == [FEEDBACK]
    assert shown(browser, "#feedback-list h3[data-f=name]") == [SUBTITLE_PROJECT]
    # The operator's name is also a choice in every form that picks operators.
    assert OPERATOR_NAME in shown(browser, "#feedback-list label")
    assert_inert(browser, "/coach", OPERATOR_NAME, NOTE, FEEDBACK, SUBTITLE_PROJECT, CHOICE_PROJECT, fields=[FEEDBACK])

    # New work that comes in while the coach looks: the live notice and a new section (at most 10 s apart).
    client = token_of(xss_lab, CLIENT)
    late = call(xss_lab, "/api/v1/projects", "POST", {"name": LATE_PROJECT, "template": "choice", "goldRate": 0,
                                                       "labels": LABELS[:2]}, token=client)[1]
    share_project(xss_lab, late["id"], [])
    upload_files(xss_lab, late["id"], [("late.png", png(8, 8, (30, 200, 30)))], client)
    wait_for(browser, lambda d: LATE_PROJECT in d.find_element(By.ID, "new-work").text, 15,
             "the live notice of new work did not come")
    assert LATE_PROJECT in shown(browser, "#work-list h3")
    assert_inert(browser, "/coach (new work, live)", LATE_PROJECT)

    browser.get(f"{xss_lab.url}coach/summary?operator={operator}")
    wait_for(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == f"Weekly summary: {OPERATOR_NAME}")
    assert browser.title.startswith(f"Weekly summary: {OPERATOR_NAME}")
    assert_inert(browser, "/coach/summary", OPERATOR_NAME)


@pytest.fixture()
def bad_pictures():
    """Two broken pictures whose names are markup: the upload report names each file it refused."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="annolab-escaping-"))
    paths = []
    for name in FILE_NAMES:
        path = folder / name
        path.write_bytes(b"\x89PNG\r\n\x1a\nthis is not a picture")
        paths.append(str(path))
    yield paths
    shutil.rmtree(folder, ignore_errors=True)


def test_the_client_sees_project_names_labels_token_labels_and_file_names_as_text(xss_lab, marked, browser, bad_pictures):
    sign_in(browser, xss_lab, who=CLIENT)
    wait_for(browser, lambda d: SUBTITLE_PROJECT in shown(d, "#list li a"))
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#tokens li"))
    assert CHOICE_PROJECT in shown(browser, "#list li a")
    assert_inert(browser, "/client", SUBTITLE_PROJECT, CHOICE_PROJECT, TOKEN_LABEL)

    browser.get(f"{xss_lab.url}client/project?id={marked['pictures']}")
    wait_for(browser, lambda d: d.find_element(By.ID, "name").text == CHOICE_PROJECT)
    assert_inert(browser, "/client/project", CHOICE_PROJECT, ", ".join(LABELS))
    # The upload report names the refused files as Chromium sent their names (a '"' as %22).
    browser.find_element(By.ID, "files").send_keys("\n".join(bad_pictures))
    browser.find_element(By.ID, "upload").send_keys(Keys.ENTER)
    wait_for(browser, lambda d: len(shown(d, "#rejected li strong")) == 2, 30, "no upload report")
    sent = [name.replace('"', "%22") for name in FILE_NAMES]
    assert sorted(shown(browser, "#rejected li strong")) == sorted(sent)
    assert_inert(browser, "/client/project (upload report)", *sent)


def test_the_new_project_preview_shows_typed_labels_and_instructions_as_text(xss_lab, marked, browser):
    sign_in(browser, xss_lab, who=CLIENT)
    browser.get(xss_lab.url + "client/new")
    wait_for(browser, lambda d: d.find_elements(By.ID, "kind-choice"))
    browser.find_element(By.ID, "name").send_keys(CHOICE_PROJECT)
    browser.find_element(By.ID, "kind-choice").send_keys(Keys.SPACE)
    wait_for(browser, lambda d: d.find_element(By.ID, "instructions-en").get_attribute("value"))
    for field, lines in (("labels", LABELS), ("instructions-en", INSTRUCTIONS["en"])):
        box = browser.find_element(By.ID, field)
        box.send_keys(Keys.CONTROL, "a")
        box.send_keys(Keys.DELETE)
        for line in lines:
            box.send_keys(line, Keys.ENTER)
    wait_for(browser, lambda d: INSTRUCTIONS["en"][-1] in d.find_element(By.ID, "preview-body").text,
             message="the preview did not follow the typing")
    preview = shown(browser, "#preview-body li")
    assert preview == INSTRUCTIONS["en"] + LABELS, preview
    assert_inert(browser, "/client/new", *INSTRUCTIONS["en"], *LABELS, fields=[CHOICE_PROJECT])


def test_the_admin_sees_the_operators_name_as_text(xss_lab, marked, browser):
    sign_in(browser, xss_lab, who=ADMIN)
    wait_for(browser, lambda d: d.current_url.endswith("/admin"))
    wait_for(browser, lambda d: OPERATOR_NAME in d.find_element(By.TAG_NAME, "main").text,
             message="the operator's name is not on /admin")
    assert_inert(browser, "/admin", OPERATOR_NAME)
