"""Programmes in real Chromium: a client's MP4 with its subtitles becomes subtitle checks whose work page plays the
window's stretch of the programme by keyboard alone, with the cues as captions; text mode in audio mode plays the
window's sound; the demo's thumbnail choice on a real clip shows its frames and a number key chooses one. No axe-core
violations.

The story has a demo lab of its own, with a programme ffmpeg makes here from its own test sources."""
import re
import subprocess
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DemoLab, axe_violations, full_screenshot
from labapi import CLIENT, COACH, add_person, call, login, share_project, stored_answers, token_of, upload_files, user_id

# Four cues in the first 7 seconds: one window, the stretch from 1.0 to 7.0 seconds of the programme.
SUBTITLES = (
    "1\n00:00:01,000 --> 00:00:02,500\nGood evening.\n\n"
    "2\n00:00:02,800 --> 00:00:04,000\nHere is the news.\n\n"
    "3\n00:00:04,300 --> 00:00:05,500\nThe bridge is open.\n\n"
    "4\n00:00:05,800 --> 00:00:07,000\nNow the weather.\n\n"
)
CUES = ["Good evening.", "Here is the news.", "The bridge is open.", "Now the weather."]
START, END = 1.0, 7.0


def news_programme(folder):
    """12 seconds of ffmpeg's testsrc2 at 640x360 with a 440 Hz tone: H.264 and AAC in an MP4."""
    out = folder / "news.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=12",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=12", "-c:v", "libx264",
                    "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-movflags", "+faststart",
                    str(out)], check=True, timeout=120)
    return out.read_bytes()


# ---------------------------------------------------------------------------------------------- helpers

def press(driver, *keys):
    """Sends keys to whatever has the focus, as a keyboard user would; never clicks."""
    driver.switch_to.active_element.send_keys(*keys)


def tab_until(driver, condition, what, limit=60, backwards=False):
    for _ in range(limit):
        if condition(driver.switch_to.active_element):
            return
        press(driver, (Keys.SHIFT + Keys.TAB) if backwards else Keys.TAB)
    raise AssertionError(f"Tab never reached {what}")


def wait(driver, condition, seconds=10, message=""):
    return WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition, message)


def ready_project(lab, project, token, seconds=180):
    """Waits until every preparation job of the project is ready; fails on a failed one."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        jobs = call(lab, f"/api/v1/projects/{project}", token=token)[1].get("jobs", [])
        failed = [job for job in jobs if job["state"] == "failed"]
        assert not failed, failed
        if jobs and all(job["state"] == "ready" for job in jobs):
            return jobs
        time.sleep(0.5)
    raise AssertionError(f"the project's programmes were not ready in {seconds} seconds: {jobs}")


def sign_in_and_start(driver, lab, badge):
    """Signs in with the badge by keyboard, starts the shift and waits for the first task."""
    driver.get(lab.url)
    wait(driver, lambda d: d.execute_script("return document.documentElement.lang") == "en")
    driver.find_element(By.TAG_NAME, "body").send_keys("")
    tab_until(driver, lambda e: e.get_attribute("id") == "badge", "the badge field")
    press(driver, badge, Keys.ENTER)
    wait(driver, lambda d: d.current_url.endswith("/work"))
    wait(driver, lambda d: d.find_element(By.ID, "start-shift").is_displayed())
    tab_until(driver, lambda e: e.get_attribute("id") == "start-shift", "Start shift")
    press(driver, Keys.ENTER)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#widget .widget > *"), 20, "no task appeared")


def video(driver, expression):
    """A value of the work page's video, e.g. 'currentTime' or 'paused'."""
    return driver.execute_script(f"const v = document.querySelector('#widget video'); return v.{expression}")


# ---------------------------------------------------------------------------------------------- the lab

@pytest.fixture(scope="module")
def video_lab():
    demo = DemoLab()
    yield demo
    demo.stop()


def new_operator(lab, name, **profile):
    """A new operator in the demo coach's group, with this profile and plain settings."""
    person = add_person(lab, "operator", name, coach=user_id(lab, COACH[0]))
    call(lab, f"/api/v1/coach/operators/{person['id']}/profile", "PUT", profile, token=token_of(lab, COACH))
    settings = {"textSize": 100, "contrast": False, "reducedMotion": False, "language": "en", "sounds": False}
    call(lab, "/api/v1/me/settings", "PUT", settings, token=login(lab, badge=person["badge"]))
    return person


@pytest.fixture(scope="module")
def people(video_lab):
    """Three new operators: one works on the work page, one in text mode in audio mode, one chooses pictures.
    They come first: a coach keeps a project from the operators in the group at that time, and the demo's own
    projects then go to nobody."""
    lab = video_lab
    found = {"worker": new_operator(lab, "Noor Bakker", taskKinds=["subtitle-check"]),
             "listener": new_operator(lab, "Sem Visser", taskKinds=["subtitle-check"], audioMode=True),
             "chooser": new_operator(lab, "Lotte Mulder", taskKinds=["choice"])}
    for project in call(lab, "/api/v1/projects", token=token_of(lab, CLIENT))[1]["projects"]:
        share_project(lab, project["id"], [])
    return found


@pytest.fixture(scope="module")
def news(video_lab, people, tmp_path_factory):
    """A subtitle check of tonight's news, made ready, for the worker and the listener (each window is for two)."""
    lab, client = video_lab, token_of(video_lab, CLIENT)
    project = call(lab, "/api/v1/projects", "POST", {
        "name": "Tonight's news", "template": "subtitle-check", "overlap": 2, "goldRate": 0}, token=client)[1]["id"]
    share_project(lab, project, [people["worker"]["id"], people["listener"]["id"]])
    programme = news_programme(tmp_path_factory.mktemp("news"))
    report = upload_files(lab, project, [("news.mp4", programme), ("news.srt", SUBTITLES.encode())], client)
    assert report["imported"] >= 1 and not report.get("rejected"), report
    ready_project(lab, project, client)
    return {"worker": people["worker"]["badge"], "listener": people["listener"]["badge"]}


@pytest.fixture(scope="module")
def thumbnails(video_lab, people):
    """The demo's thumbnail choice on the real Big Buck Bunny clip, made ready, for the chooser."""
    lab, client = video_lab, token_of(video_lab, CLIENT)
    projects = call(lab, "/api/v1/projects", token=client)[1]["projects"]
    project = next(p["id"] for p in projects if p["template"] == "thumbnail-choice")
    share_project(lab, project, [people["chooser"]["id"]])
    ready_project(lab, project, client)
    return {"chooser": people["chooser"]["badge"]}


# ---------------------------------------------------------------------------------------------- stories

def test_the_work_page_plays_the_windows_stretch_by_keyboard_with_captions(video_lab, news, browser):
    badge = news["worker"]
    sign_in_and_start(browser, video_lab, badge)
    task = browser.execute_script("return JSON.parse(localStorage.getItem(Object.keys(localStorage)"
                                  ".find(k => k.startsWith('annolab.work.'))))")["task"]
    assert task["payload"].get("video", {}).get("start") == START and task["payload"]["video"]["end"] == END, task["payload"]
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#widget video"), message="no video on the work page")
    assert "programme.mp4" in video(browser, "currentSrc")
    assert not video(browser, "autoplay") and video(browser, "paused"), "no sound before the operator asks"
    assert video(browser, "controls") is False, "no controls that move: the keys and the time in words instead"

    # The captions are the window's cues, at their times, shown on the picture.
    track = browser.execute_script(
        "const t = document.querySelector('#widget video').textTracks[0];"
        "return {kind: t.kind, mode: t.mode, cues: [...t.cues].map((c) => [c.startTime, c.endTime, c.text])}")
    assert (track["kind"], track["mode"]) == ("captions", "showing"), track
    assert [cue[2] for cue in track["cues"]] == CUES
    assert track["cues"][0][:2] == [1.0, 2.5] and track["cues"][3][:2] == [5.8, 7.0]

    # The video waits at the stretch's start; the player says where it is, in words.
    wait(browser, lambda d: video(d, "readyState") >= 1, 20, "the programme did not load")
    wait(browser, lambda d: abs(video(d, "currentTime") - START) < 0.05, message="the video does not wait at the stretch's start")
    player = browser.find_element(By.CSS_SELECTOR, "#widget .player")
    assert player.text.startswith("Programme: 0:00 of 0:06"), player.text
    full_screenshot(browser, "work-video")
    assert axe_violations(browser) == []

    # From the first verdict, Shift+Tab reaches the player; Space plays the stretch, the captions come and go
    # with it, the cue on screen is marked in the list, and the video stops at the window's end.
    tab_until(browser, lambda e: e.get_attribute("role") == "group" and "player" in e.get_attribute("class"),
              "the player", backwards=True)
    press(browser, Keys.SPACE)
    wait(browser, lambda d: not video(d, "paused") and video(d, "currentTime") > START + 0.3, 5, "Space did not play")
    wait(browser, lambda d: d.execute_script(
        "return [...document.querySelector('#widget video').textTracks[0].activeCues].map((c) => c.text)") == [CUES[0]],
        3, "the first caption is not on the picture")
    wait(browser, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, "#widget fieldset.cue.now legend")] == ["Subtitle 1"],
         3, "the cue on screen is not marked in the list")
    wait(browser, lambda d: video(d, "paused"), END - START + 3, "the video did not stop at the window's end")
    assert END - 0.05 <= video(browser, "currentTime") <= END + 0.01, video(browser, "currentTime")
    wait(browser, lambda d: player.text.startswith("Programme: 0:06 of 0:06"), 2, player.text)

    # R plays again from the stretch's start; Space pauses.
    press(browser, "r")
    wait(browser, lambda d: not video(d, "paused"), 3, "R did not play")
    assert video(browser, "currentTime") < START + 1
    press(browser, Keys.SPACE)
    wait(browser, lambda d: video(d, "paused") and not video(d, "seeking"), 3, "Space did not pause")

    # The arrows go 2 seconds back or forward, and never leave the stretch.
    here = video(browser, "currentTime")
    assert START <= here < START + 1.5, here
    press(browser, Keys.ARROW_RIGHT)
    wait(browser, lambda d: abs(video(d, "currentTime") - (here + 2)) < 0.05, 3, "the right arrow did not go 2 seconds forward")
    press(browser, Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    wait(browser, lambda d: video(d, "currentTime") == START, 3, "the left arrow left the stretch")
    press(browser, *[Keys.ARROW_RIGHT] * 4)
    wait(browser, lambda d: video(d, "currentTime") == END, 3, "the right arrow left the stretch")
    assert video(browser, "paused")
    assert player.text.startswith("Programme: 0:06 of 0:06"), player.text

    # The verdicts, by number keys and Tab, and Enter sends them.
    before = len(stored_answers(video_lab, badge, "subtitle-check"))
    press(browser, Keys.TAB)
    for position in range(1, 5):
        assert browser.execute_script(
            "return document.activeElement.closest('fieldset.cue').querySelector('legend').textContent") == f"Subtitle {position}"
        press(browser, "1")
        if position < 4:
            press(browser, Keys.TAB)
    assert axe_violations(browser) == []
    press(browser, Keys.ENTER)
    deadline = time.time() + 10
    while len(stored_answers(video_lab, badge, "subtitle-check")) == before and time.time() < deadline:
        time.sleep(0.1)
    kind, answer = stored_answers(video_lab, badge, "subtitle-check")[-1]
    assert [(cue["index"], cue["verdict"]) for cue in answer["cues"]] == [(n, "correct") for n in range(1, 5)]


def test_text_mode_in_audio_mode_plays_the_windows_sound(video_lab, news, browser):
    browser.get(video_lab.url)
    wait(browser, lambda d: d.execute_script("return document.documentElement.lang") == "en")
    browser.find_element(By.TAG_NAME, "body").send_keys("")
    tab_until(browser, lambda e: e.get_attribute("id") == "badge", "the badge field")
    press(browser, news["listener"], Keys.ENTER)
    wait(browser, lambda d: d.current_url.endswith("/work"))
    browser.get(video_lab.url + "text")
    paragraphs = lambda d: [p.text for p in d.find_elements(By.CSS_SELECTOR, "#log p")]  # noqa: E731
    wait(browser, lambda d: paragraphs(d) and d.switch_to.active_element.get_attribute("id") == "say")

    def say(words):
        """Types a line and returns the lab's reply: the paragraph after 'You said'."""
        before = len(paragraphs(browser))
        press(browser, words, Keys.ENTER)
        wait(browser, lambda d: len(paragraphs(d)) >= before + 2, 15)
        said = paragraphs(browser)
        assert said[before] == f"You said: {words}", said
        return said[before + 1]

    reply = say("start")
    assert f"Subtitle 1 of 4: {CUES[0]}" in reply, reply
    assert say("play").startswith("Listen.")
    wait(browser, lambda d: re.search(r"/window-\d+\.wav$", d.execute_script(
        "return document.getElementById('player').getAttribute('src') || ''")), 10, "the window's sound is not playing")
    wait(browser, lambda d: d.execute_script(
        "const p = document.getElementById('player'); return !p.paused && p.currentTime > 0.2"), 10, "the sound did not play")
    assert browser.execute_script("return document.getElementById('player').duration") == pytest.approx(END - START, abs=0.1)
    assert axe_violations(browser) == []


def test_a_thumbnail_choice_shows_its_frames_and_a_number_key_chooses(video_lab, thumbnails, browser):
    badge = thumbnails["chooser"]
    sign_in_and_start(browser, video_lab, badge)
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#widget .frames img")) >= 3, message="no frames shown")
    wait(browser, lambda d: d.execute_script(
        "return [...document.querySelectorAll('#widget .frames img')].every((i) => i.complete && i.naturalWidth > 0)"),
        message="a frame did not load")
    frames = browser.find_elements(By.CSS_SELECTOR, "#widget .frames img")
    alts = [frame.get_attribute("alt") for frame in frames]
    for n, alt in enumerate(alts, 1):
        assert re.fullmatch(rf"Frame {n} of {len(frames)}, at \d+:\d\d\.\d", alt), alt
    radios = browser.find_elements(By.CSS_SELECTOR, "#widget .frames input[type=radio]")
    assert [radio.get_attribute("value") for radio in radios] == \
        [src.rsplit("/", 1)[-1].removesuffix(".jpg") for src in (frame.get_attribute("src") for frame in frames)]
    labels = browser.find_elements(By.CSS_SELECTOR, "#widget .frames label")
    assert [label.find_element(By.CSS_SELECTOR, ".key").text for label in labels] == [str(n) for n in range(1, len(frames) + 1)]
    assert axe_violations(browser) == []

    # Number 2 chooses the second frame: it has the focus and is larger; the chosen one is framed.
    press(browser, "2")
    assert browser.switch_to.active_element == radios[1] and radios[1].is_selected()
    widths = [frame.size["width"] for frame in frames]
    assert widths[1] > max(widths[0], widths[2]), widths
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", frames[1])
    assert outline == "double" and browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", frames[0]) == "none"
    full_screenshot(browser, "work-thumbnail-choice")
    assert axe_violations(browser) == []
    chosen = radios[1].get_attribute("value")
    before = len(stored_answers(video_lab, badge, "choice"))
    press(browser, Keys.ENTER)
    deadline = time.time() + 10
    while len(stored_answers(video_lab, badge, "choice")) == before and time.time() < deadline:
        time.sleep(0.1)
    assert stored_answers(video_lab, badge, "choice")[-1] == ("choice", {"choice": chosen})
