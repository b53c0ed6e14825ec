"""The operator's work page in real Chromium: one task at a time by keyboard alone, the pause screen,
settings, answers kept through network trouble and reloads, and a page that stays small and quick."""
import re
import statistics
import struct
import time
import uuid
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, SCREENSHOTS, axe_violations, screenshot, full_screenshot
from labapi import CLIENT, ApiError, call, database, end_shift_if_running, login, set_profile, stored_answers


# ---- helpers: a keyboard user, and the lab seen through its API ---------------------------

def press(driver, *keys):
    """Sends keys to whatever has the focus, as a keyboard user would; never clicks."""
    driver.switch_to.active_element.send_keys(*keys)


def focused(driver, attribute="id"):
    return driver.switch_to.active_element.get_attribute(attribute)


def tab_to(driver, element_id, limit=25, backwards=False):
    """Presses Tab (or Shift+Tab) until the element with this id has the focus."""
    for _ in range(limit):
        if focused(driver) == element_id:
            return
        press(driver, (Keys.SHIFT + Keys.TAB) if backwards else Keys.TAB)
    raise AssertionError(f"Tab never reached #{element_id}")


def wait(driver, condition, seconds=10, message=""):
    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition, message)




def set_settings(lab, badge, **fields):
    token = login(lab, badge=badge)
    return call(lab, "/api/v1/me/settings", "PUT", fields, token=token)[1]


def release_live_leases(lab, badge):
    """Hands back tasks still reserved by browsers of earlier tests (at most 3 live leases per operator)."""
    with database(lab) as connection:
        ids = [row[0] for row in connection.execute(
            "SELECT assignment.id FROM assignment JOIN user ON user.id = assignment.operatorId "
            "WHERE user.badge = ? AND assignment.state = 'leased'", (badge,))]
    token = login(lab, badge=badge)
    for assignment in ids:
        try:
            call(lab, f"/api/v1/assignments/{assignment}/release", "POST", {}, token=token)
        except ApiError:
            pass


def ready_operator(lab, badge, kinds, **profile):
    """A fresh start for one test: no running shift, only these task kinds, normal settings."""
    release_live_leases(lab, badge)
    end_shift_if_running(lab, badge)
    set_profile(lab, badge, taskKinds=kinds, **profile)
    set_settings(lab, badge, textSize=100, contrast=False, reducedMotion=False, language="en", sounds=True)


def sign_in(driver, lab, badge):
    """Signs in with the badge by keyboard and lands on the work page."""
    driver.get(lab.url)
    wait(driver, lambda d: d.execute_script("return document.documentElement.lang") == "en")
    driver.find_element(By.TAG_NAME, "body").send_keys("")
    tab_to(driver, "badge")
    press(driver, badge, Keys.ENTER)
    wait(driver, lambda d: d.current_url.endswith("/work"))
    wait(driver, lambda d: d.find_element(By.ID, "who").text != "")


def sign_out(driver, lab):
    """Signs out by keyboard: the page hands back the task on screen and the one loaded ahead."""
    tab_to(driver, "sign-out", limit=60)
    press(driver, Keys.ENTER)
    wait(driver, lambda d: d.current_url.rstrip("/") == lab.url.rstrip("/"))
    assert driver.execute_script("return Object.keys(localStorage).filter(k => k.startsWith('annolab.work.'))") == []


def live_leases(lab, badge):
    with database(lab) as connection:
        return connection.execute(
            "SELECT count(*) FROM assignment JOIN user ON user.id = assignment.operatorId "
            "WHERE user.badge = ? AND assignment.state = 'leased'", (badge,)).fetchone()[0]


def visible(driver, element_id):
    elements = driver.find_elements(By.ID, element_id)
    return bool(elements) and elements[0].is_displayed()


def start_shift(driver):
    """Starts the shift with the keyboard and waits for the first task; the focus is in the task."""
    wait(driver, lambda d: visible(d, "start-shift"))
    tab_to(driver, "start-shift")
    press(driver, Keys.ENTER)
    wait_for_task(driver)


def wait_for_task(driver, seconds=10):
    try:
        wait(driver, lambda d: visible(d, "screen-work") and d.find_elements(By.CSS_SELECTOR, "#widget .widget > *"), seconds)
    except Exception:
        raise AssertionError("no task appeared on the work page; it shows: "
                             + driver.find_element(By.TAG_NAME, "main").text) from None
    return driver.execute_script("return JSON.parse(localStorage.getItem(Object.keys(localStorage)"
                                 ".find(k => k.startsWith('annolab.work.'))))")


def wait_for_answer(lab, badge, kind, count_before, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        answers = stored_answers(lab, badge, kind)
        if len(answers) > count_before:
            return answers
        time.sleep(0.1)
    raise AssertionError(f"no new {kind} answer from {badge} arrived in the database")


def no_horizontal_scroll(driver):
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def check_page_at_200_percent(driver, lab, badge, name):
    """The same task at 200% text: shown again after a reload, nothing cut off sideways, still accessible."""
    set_settings(lab, badge, textSize=200)
    task_before = wait_for_task(driver)["task"]["id"]
    driver.refresh()
    kept = wait_for_task(driver)
    assert kept["task"]["id"] == task_before, "a reload must show the same task"
    assert "text-200" in driver.find_element(By.TAG_NAME, "html").get_attribute("class")
    size = driver.execute_script("return parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size >= 2 * 16 * 1.125 - 0.5, f"the text is {size}px, not twice the normal size"
    assert no_horizontal_scroll(driver), "at 200% text the page must not scroll sideways"
    full_screenshot(driver, f"work-{name}-200")
    assert axe_violations(driver) == []
    set_settings(lab, badge, textSize=100)
    driver.refresh()
    wait_for_task(driver)


def active_in_cue(driver):
    """The number of the subtitle whose fieldset holds the focus."""
    return driver.execute_script(
        "const f = document.activeElement.closest('fieldset.cue');"
        "return f ? f.querySelector('legend').textContent : null")


# ---- one task of each kind, by keyboard alone ---------------------------------------------

def test_choice_task_by_keyboard_alone(lab, browser):
    ready_operator(lab, "OP-0001", ["choice"])
    before = len(stored_answers(lab, "OP-0001", "choice"))
    sign_in(browser, lab, "OP-0001")
    start_shift(browser)
    assert focused(browser, "type") == "radio", "the focus starts on the first option"
    assert browser.find_element(By.ID, "task-title").text == "Choose the best one"
    assert "work block" in browser.find_element(By.ID, "time-left").text
    assert browser.find_element(By.ID, "answer-count").text == "Answers given in this block: 0"
    full_screenshot(browser, "work-choice")
    assert axe_violations(browser) == []
    check_page_at_200_percent(browser, lab, "OP-0001", "choice")

    press(browser, "2")
    second = browser.switch_to.active_element
    assert second.get_attribute("type") == "radio" and second.is_selected()
    chosen = second.get_attribute("value")
    press(browser, Keys.ENTER)
    answers = wait_for_answer(lab, "OP-0001", "choice", before)
    assert answers[-1] == ("choice", {"choice": chosen})
    wait(browser, lambda d: d.find_element(By.ID, "answer-count").text == "Answers given in this block: 1")
    wait_for_task(browser)
    assert live_leases(lab, "OP-0001") >= 1
    sign_out(browser, lab)
    assert live_leases(lab, "OP-0001") == 0, "signing out hands both tasks back"


def test_subtitle_check_by_keyboard_alone(lab, browser):
    ready_operator(lab, "OP-0005", ["subtitle-check"])
    before = len(stored_answers(lab, "OP-0005", "subtitle-check"))
    sign_in(browser, lab, "OP-0005")
    start_shift(browser)
    assert active_in_cue(browser) == "Subtitle 1"
    full_screenshot(browser, "work-subtitle-check")
    assert axe_violations(browser) == []
    check_page_at_200_percent(browser, lab, "OP-0005", "subtitle-check")
    assert active_in_cue(browser) == "Subtitle 1"

    press(browser, "1")                       # subtitle 1: correct
    press(browser, Keys.TAB)
    assert active_in_cue(browser) == "Subtitle 2", "no correction field after 'correct'"
    press(browser, "2")                       # subtitle 2: text error
    press(browser, Keys.TAB)
    assert focused(browser, "tagName") == "TEXTAREA"
    press(browser, "Het is vandaag heel druk op de weg.")
    press(browser, Keys.TAB)
    assert active_in_cue(browser) == "Subtitle 3"
    press(browser, "3")                       # subtitle 3: timing error, no correction typed
    press(browser, Keys.TAB, Keys.TAB)
    assert active_in_cue(browser) == "Subtitle 4"
    press(browser, "4")                       # subtitle 4: speech missing
    press(browser, Keys.ENTER)
    answers = wait_for_answer(lab, "OP-0005", "subtitle-check", before)
    assert answers[-1] == ("subtitle-check", {"cues": [
        {"index": 1, "verdict": "correct"},
        {"index": 2, "verdict": "text-error", "correction": "Het is vandaag heel druk op de weg."},
        {"index": 3, "verdict": "timing-error"},
        {"index": 4, "verdict": "missing-speech"},
    ]})
    sign_out(browser, lab)


def test_audio_tags_by_keyboard_alone(lab, browser):
    ready_operator(lab, "OP-0001", ["audio-tags"])
    before = len(stored_answers(lab, "OP-0001", "audio-tags"))
    sign_in(browser, lab, "OP-0001")
    start_shift(browser)
    assert focused(browser, "type") == "checkbox"
    full_screenshot(browser, "work-audio-tags")
    assert axe_violations(browser) == []
    check_page_at_200_percent(browser, lab, "OP-0001", "audio-tags")

    # K plays and pauses the clip, wherever the focus is in the task.
    press(browser, "k")
    wait(browser, lambda d: d.execute_script("const a = document.querySelector('#widget audio'); return !a.paused"),
         5, "K did not start the sound")
    press(browser, "k")
    wait(browser, lambda d: d.execute_script("return document.querySelector('#widget audio').paused"), 5)
    press(browser, "2", "6", "4", "4")        # speech, noise, laughter on and off again
    press(browser, Keys.ENTER)
    answers = wait_for_answer(lab, "OP-0001", "audio-tags", before)
    kind, body = answers[-1]
    assert kind == "audio-tags" and sorted(body["tags"]) == ["noise", "speech"] and set(body) == {"tags"}
    sign_out(browser, lab)


# ---- nothing typed is lost -----------------------------------------------------------------

def test_a_reload_keeps_the_task_and_the_typed_correction(lab, browser):
    ready_operator(lab, "OP-0001", ["subtitle-check"])
    sign_in(browser, lab, "OP-0001")
    start_shift(browser)
    task_id = wait_for_task(browser)["task"]["id"]
    press(browser, "2")
    press(browser, Keys.TAB)
    assert focused(browser, "tagName") == "TEXTAREA"
    press(browser, "Goedenavond, welkom bij het journaal!")
    browser.refresh()
    kept = wait_for_task(browser)
    assert kept["task"]["id"] == task_id
    field = browser.find_element(By.CSS_SELECTOR, "fieldset.cue textarea")
    assert field.is_displayed()
    assert field.get_attribute("value") == "Goedenavond, welkom bij het journaal!"
    assert browser.find_element(By.CSS_SELECTOR, "fieldset.cue input[value='text-error']").is_selected()
    sign_out(browser, lab)


def test_an_answer_sent_offline_is_kept_told_and_arrives_once(lab, browser):
    ready_operator(lab, "OP-0005", ["choice", "audio-tags"])
    before = len(stored_answers(lab, "OP-0005"))
    sign_in(browser, lab, "OP-0005")
    start_shift(browser)
    first = wait_for_task(browser)["task"]["id"]
    wait_until_preloaded(browser, 1)
    browser.set_network_conditions(offline=True, latency=0, download_throughput=-1, upload_throughput=-1)
    try:
        press(browser, "1")
        press(browser, Keys.ENTER)
        wait(browser, lambda d: "saved on this computer" in d.find_element(By.ID, "connection").text, 10,
             "the operator was not told that the answer is kept")
        # The next task was loaded ahead, so work goes on without the network.
        assert wait_for_task(browser)["task"]["id"] != first
        time.sleep(1)
        assert len(stored_answers(lab, "OP-0005")) == before
    finally:
        browser.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)
    answers = wait_for_answer(lab, "OP-0005", None, before, seconds=40)
    wait(browser, lambda d: "connection is back" in d.find_element(By.ID, "connection").text, 10)
    time.sleep(1.5)
    assert len(stored_answers(lab, "OP-0005")) == before + 1, "the kept answer must arrive exactly once"
    assert answers[-1][0] in ("choice", "audio-tags")
    sign_out(browser, lab)


# ---- the pause screen -------------------------------------------------------------------------

def test_the_pause_screen_comes_by_itself_offers_no_early_start_and_work_resumes(fast_lab, browser):
    # At 60x a 10-minute block passes in 10 s and the 10-minute pause in 10 s.
    ready_operator(fast_lab, "OP-0001", ["choice"], workMinutes=10, pauseMinutes=10)
    sign_in(browser, fast_lab, "OP-0001")
    start_shift(browser)
    browser.execute_script(
        "window.__said = []; new MutationObserver(() => { const t = document.getElementById('announce').textContent;"
        " if (t) window.__said.push(t); }).observe(document.getElementById('announce'), {childList: true, characterData: true, subtree: true});")
    wait(browser, lambda d: visible(d, "screen-pause"), 20, "the pause screen did not appear when the block ended")
    assert browser.switch_to.active_element.get_attribute("id") == "pause-title"
    text = browser.find_element(By.ID, "screen-pause").text
    assert "Pause time" in text and re.search(r"Work starts again at \d\d:\d\d\.", text), text
    assert browser.find_element(By.ID, "pause-tip").text != ""
    # Nothing on the page starts work early: the only enabled controls are the header's.
    controls = browser.execute_script(
        "return [...document.querySelectorAll('button, a[href], input, select, textarea, [tabindex]:not([tabindex=\"-1\"])')]"
        ".filter(e => e.offsetParent !== null && !e.disabled && !e.closest('header') && !e.classList.contains('skip-link'))"
        ".map(e => e.id || e.tagName)")
    assert controls == [], f"the pause screen offers controls: {controls}"
    full_screenshot(browser, "work-pause")
    assert axe_violations(browser) == []
    said = browser.execute_script("return window.__said")
    assert any("Work starts again at" in line for line in said), said
    wait_for_task(browser, 20)
    wait(browser, lambda d: "pause is over" in d.find_element(By.ID, "announce").text, 5)
    assert focused(browser, "type") == "radio", "the focus moves into the new task"

    # A task in hand when the block ends may be finished (the lab allows 2 minutes of grace, 2 s here).
    before = len(stored_answers(fast_lab, "OP-0001", "choice"))
    press(browser, "1")
    chosen = browser.switch_to.active_element.get_attribute("value")
    wait(browser, lambda d: "You may finish this task" in d.find_element(By.ID, "feedback").text, 20,
         "the operator was not told that the block ended")
    assert visible(browser, "screen-work"), "the task in hand stays on the screen"
    press(browser, Keys.ENTER)
    wait(browser, lambda d: visible(d, "screen-pause"), 5, "after the last answer it is pause time")
    answers = wait_for_answer(fast_lab, "OP-0001", "choice", before)
    assert answers[-1] == ("choice", {"choice": chosen})
    end_shift_if_running(fast_lab, "OP-0001")


def test_an_extra_pause_is_one_key_away_and_resume_brings_work_back(lab, browser):
    ready_operator(lab, "OP-0001", ["choice", "audio-tags", "subtitle-check"])
    sign_in(browser, lab, "OP-0001")
    start_shift(browser)
    tab_to(browser, "take-pause", limit=80)
    press(browser, Keys.ENTER)
    wait(browser, lambda d: visible(d, "screen-extra"))
    assert focused(browser) == "extra-title"
    assert not visible(browser, "take-pause") and not visible(browser, "screen-work")
    assert axe_violations(browser) == []
    # Dutch is one key away here too.
    tab_to(browser, "language", backwards=True)
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.execute_script("return document.documentElement.lang") == "nl")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Jouw werk"
    assert browser.find_element(By.ID, "extra-title").text == "Je hebt pauze"
    assert browser.find_element(By.ID, "resume").text == "Verder werken"
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.execute_script("return document.documentElement.lang") == "en")
    tab_to(browser, "resume")
    press(browser, Keys.ENTER)
    wait_for_task(browser)
    assert focused(browser, "type") in ("radio", "checkbox"), "the focus moves into the task"
    assert visible(browser, "take-pause")
    sign_out(browser, lab)


# ---- settings ---------------------------------------------------------------------------------

def test_settings_by_keyboard_are_kept_and_applied_to_the_work_page(lab, browser):
    ready_operator(lab, "OP-0005", ["choice"])
    sign_in(browser, lab, "OP-0005")
    tab_to(browser, "settings-link")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.current_url.endswith("/settings"))
    wait(browser, lambda d: d.find_element(By.ID, "size-100").is_selected())
    assert browser.find_element(By.TAG_NAME, "h1").text == "Settings"
    assert axe_violations(browser) == []
    tab_to(browser, "size-100")
    press(browser, Keys.ARROW_DOWN, Keys.ARROW_DOWN)   # 150%
    assert focused(browser) == "size-150"
    tab_to(browser, "contrast")
    press(browser, Keys.SPACE)
    tab_to(browser, "save")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.find_element(By.ID, "saved").text == "Your settings are saved.")
    classes = browser.find_element(By.TAG_NAME, "html").get_attribute("class")
    assert "text-150" in classes and "contrast" in classes
    full_screenshot(browser, "settings")
    assert axe_violations(browser) == []
    token = login(lab, badge="OP-0005")
    stored = call(lab, "/api/v1/me/settings", token=token)[1]
    assert stored["textSize"] == 150 and stored["contrast"] is True
    tab_to(browser, "work-link")
    press(browser, Keys.ENTER)
    wait(browser, lambda d: d.current_url.endswith("/work"))
    wait(browser, lambda d: "text-150" in d.find_element(By.TAG_NAME, "html").get_attribute("class"))
    assert "contrast" in browser.find_element(By.TAG_NAME, "html").get_attribute("class")
    set_settings(lab, "OP-0005", textSize=100, contrast=False)


# ---- small and quick --------------------------------------------------------------------------

def work_page_files():
    """The scripts and styles the work page loads: its <script> and <link>, what they import
    (statically, or as a task kind's module), followed to the end."""
    web = ROOT / "Web"
    html = (web / "work.html").read_text()
    todo = [web / ref.lstrip("/") for ref in re.findall(r'<(?:script[^>]*src|link[^>]*href)="(/[^"]+\.(?:js|css))"', html)]
    seen = set()
    while todo:
        path = todo.pop().resolve()
        if path in seen or not path.exists():
            continue
        seen.add(path)
        if path.suffix == ".js":
            text = path.read_text()
            todo += [path.parent / ref for ref in re.findall(r"""(?:from|import)\s*\(?\s*['"](\.{1,2}/[^'"`$]+)['"]""", text)]
            if "import(`./kinds/" in text:
                todo += list((web / "js" / "kinds").glob("*.js"))
    return sorted(seen)


def test_the_work_page_scripts_and_styles_stay_under_115_kb():
    files = work_page_files()
    names = {path.relative_to(ROOT / "Web").as_posix() for path in files}
    assert {"js/work.js", "js/kinds/choice.js", "js/kinds/subtitle-check.js", "js/kinds/audio-tags.js",
            "css/lab.css"} <= names, names
    total = sum(path.stat().st_size for path in files)
    everything = list((ROOT / "Web" / "js").rglob("*.js")) + list((ROOT / "Web" / "css").glob("*.css"))
    print(f"\nthe work page's own JS + CSS: {total} bytes in {len(files)} files; "
          f"all of Web/js + Web/css: {sum(p.stat().st_size for p in everything)} bytes in {len(everything)} files")
    # 105 KB: the video player of a subtitle check (work-video.js, 2.9 KB) came after the 100 KB budget was set.
    # 115 KB: then the question about a task's instructions (work-rating.js, 3.6 KB), what the operator can
    # learn next and the reviewer's note (work-ladder.js, 3.6 KB) and their words; the settings page's own
    # words left the shared bundle (4 KB), since the work page never shows them.
    assert total < 115 * 1024


def png(width, height, shade):
    """A small grey PNG made by hand (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes([shade, 255 - shade, 128]) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def upload(lab, token, project, files):
    import urllib.request
    boundary = uuid.uuid4().hex
    body = b""
    for name, data in files:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                 f"Content-Type: image/png\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{lab.url.rstrip('/')}/api/v1/projects/{project}/items", data=body, method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status


def wait_until_preloaded(driver, shown):
    """Waits until the page has fetched one task more than it has shown (the next one, loaded ahead)."""
    script = ("return performance.getEntriesByType('resource').filter(e => e.name.endsWith('/api/v1/tasks/next')"
              " && e.responseEnd > 0).map(e => e.responseStatus)")
    try:
        wait(driver, lambda d: len(d.execute_script(script)) >= shown + 1, 10)
    except Exception:
        raise AssertionError(f"the next task was not loaded ahead after {shown} shown: tasks/next gave "
                             f"{driver.execute_script(script)}; the page shows: "
                             + driver.find_element(By.TAG_NAME, "main").text) from None
    time.sleep(0.1)


def test_the_next_task_appears_within_100_ms_of_submit(lab, browser):
    client = login(lab, email=CLIENT[0], password=CLIENT[1])
    project = call(lab, "/api/v1/projects", "POST",
                   {"name": "Timing pictures", "template": "choice", "labels": ["light", "dark"], "overlap": 1},
                   token=client)[1]["id"]
    assert upload(lab, client, project, [(f"timing-{i:02}.png", png(64, 48, i * 9)) for i in range(25)]) == 201
    ready_operator(lab, "OP-0005", ["choice"])
    sign_in(browser, lab, "OP-0005")
    start_shift(browser)
    shown = 1
    delays = []
    for _ in range(20):
        wait_until_preloaded(browser, shown)
        before = browser.execute_script("return performance.getEntriesByName('annolab-task-shown').length")
        press(browser, "1", Keys.ENTER)
        wait(browser, lambda d: d.execute_script(
            "return performance.getEntriesByName('annolab-task-shown').length") > before, 5)
        shown += 1
        delays.append(browser.execute_script(
            "const s = performance.getEntriesByName('annolab-submit').at(-1);"
            "const t = performance.getEntriesByName('annolab-task-shown').at(-1);"
            "return t.startTime - s.startTime"))
        assert focused(browser, "type") == "radio"
    median = statistics.median(delays)
    print(f"\nsubmit -> next task on screen, 20 submits: median {median:.1f} ms, "
          f"max {max(delays):.1f} ms, all {[round(d, 1) for d in delays]}")
    assert median < 100
    sign_out(browser, lab)
