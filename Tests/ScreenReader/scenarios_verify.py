"""A client's model's boxes checked on the work page, heard with Orca: the operator says yes to the model's face
box by one key, adjusts the helmet's box with the arrow keys (hearing where it is and how big after each key),
sends it with Enter, and answers "anything missed?" (the boxes already marked read out) by sending nothing.
In English and in Dutch.

The preparation does what the client and the coach would: a verify project (threshold 0.5, in the upload's
order, one answer each) gets the astronaut photograph and a Label Studio task file with the model's boxes (a
face at 0.9, a "face" at 0.3 under the threshold, the helmet at 0.7); only OP-0001 gets it, and only box checks
and drawing."""
import json
import pathlib
import time
import urllib.request
import uuid

from labcalls import CLIENT, At, as_coach, call, login, operator_id
from phrases import NAVIGATION
from scenarios import ENGLISH_ON_DUTCH_PAGES, WORDS, Scenario, Step, sign_in

ROOT = pathlib.Path(__file__).resolve().parents[2]
I18N = ROOT / "Web" / "i18n"
STRINGS = {language: {**json.loads((I18N / f"{language}.json").read_text()),
                      **json.loads((I18N / f"boxes.{language}.json").read_text())} for language in ("en", "nl")}
TASKS = {kind: json.loads((ROOT / "Tasks" / f"{kind}.json").read_text()) for kind in ("image-box-verify", "image-boxes")}
SIDE = 512  # the photograph is 512 by 512 pixels
FACE = {"label": "face", "x": 168, "y": 56, "w": 112, "h": 120}
FLAG = {"label": "face", "x": 0, "y": 16, "w": 96, "h": 160}
HELMET = {"label": "helmet", "x": 264, "y": 320, "w": 200, "h": 160}
STEP = round(SIDE / 100)
YES_KEY = {"en": "y", "nl": "j"}


def lab(language, key, **values):
    """One of the lab's strings, as the page shows it."""
    text = STRINGS[language][key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def title(language, kind):
    return TASKS[kind]["title"][language]


def described(language, box, **change):
    box = {**box, **change}
    return lab(language, "boxes.describe", label=box["label"], x=box["x"], y=box["y"], w=box["w"], h=box["h"])


def predictions():
    def result(box, score):
        return {"type": "rectanglelabels", "from_name": "label", "to_name": "image", "original_width": SIDE,
                "original_height": SIDE, "score": score, "value": {
                    "x": box["x"] * 100 / SIDE, "y": box["y"] * 100 / SIDE, "width": box["w"] * 100 / SIDE,
                    "height": box["h"] * 100 / SIDE, "rotation": 0, "rectanglelabels": [box["label"]]}}
    return [{"data": {"image": "photo-astronaut.jpg"}, "predictions": [{
        "model_version": "faces-1", "score": 0.9, "result": [result(FACE, 0.9), result(FLAG, 0.3), result(HELMET, 0.7)]}]}]


def upload(url, project, files, token):
    boundary = uuid.uuid4().hex
    body = b""
    for name, content in files:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{url.rstrip('/')}/api/v1/projects/{project}/items", data=body, method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=60) as response:
        report = json.loads(response.read())
    if report.get("rejected"):
        raise RuntimeError(f"the lab refused the model's predictions: {report['rejected']}")


def model_boxes(url):
    """The preparation: the client's verify project with the model's boxes, for OP-0001 alone."""
    at, coach = At(url), as_coach(url)
    client = login(at, email=CLIENT[0], password=CLIENT[1])
    me = operator_id(at, "OP-0001")
    for other in call(at, "/api/v1/projects", token=client)[1]["projects"]:
        path = f"/api/v1/coach/projects/{other['id']}/operators"
        others = [person["id"] for person in call(at, path, token=coach)[1]["operators"] if person["id"] != me]
        call(at, path, "PUT", {"operators": others}, token=coach)
    project = call(at, "/api/v1/projects", "POST", {
        "name": "Astronaut: the model's boxes", "template": "image-boxes", "labels": ["face", "helmet"],
        "overlap": 1, "goldRate": 0, "preannotations": {"mode": "verify", "threshold": 0.5, "order": "in-order"},
    }, token=client)[1]["id"]
    upload(url, project, [("photo-astronaut.jpg", (ROOT / "Tasks" / "samples" / "photo-astronaut.jpg").read_bytes()),
                          ("tasks.json", json.dumps(predictions()).encode())], client)
    call(at, f"/api/v1/coach/projects/{project}/operators", "PUT", {"operators": [me]}, token=coach)
    call(at, f"/api/v1/coach/operators/{me}/profile", "PUT", {"taskKinds": ["image-box-verify", "image-boxes"]}, token=coach)


def send_and_wait(task_title):
    """Enter, then waits until the page has said that a task with this title came: the next task at once ("Thank
    you. Next task: ...") when the lab already had it, else after the page's next look ("New task: ...") half a
    minute on, when the answer that releases it reached the lab only after the page asked for work."""
    def wait(desktop):
        desktop.key("Return")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if task_title in desktop.spoken.read_text(errors="replace"):
                    return
            except OSError:
                pass
            time.sleep(0.5)
    wait.__qualname__ = "Return, then wait for the task"
    return wait


def verify(language):
    words = WORDS[language]
    say = lambda key, **values: lab(language, key, **values)  # noqa: E731
    check, draw = title(language, "image-box-verify"), title(language, "image-boxes")
    moved = {"x": HELMET["x"] + STEP}
    return sign_in(words) + [
        Step("Tab to the start button (skip link, Settings, My work record, language, Sign out, Start)",
             ("key", "Tab", "Tab", "Tab", "Tab", "Tab", "Tab"), hear=(words["start_button"],)),
        Step("Enter: the shift starts with the model's face box: the question, the box in words and the keys",
             ("key", "Return"),
             hear=(say("work.newTask", title=check), say("boxes.verify.question", label="face"),
                   described(language, FACE), say("boxes.verify.keysAdjust"), say("boxes.labelKey", n=1, label=say("boxes.verify.yes")))),
        Step("One key: yes", ("key", YES_KEY[language]), never=NAVIGATION),
        Step("Enter: sent; the helmet's box comes", ("key", "Return"), hear=(say("work.sentNext", title=check),),
             never=NAVIGATION),
        Step("Where am I: the question about the helmet, its box in words, on yes", ("key", "KP_Enter"),
             hear=(say("boxes.verify.question", label="helmet"), described(language, HELMET)), never=NAVIGATION),
        # The focus leaves the choices for the box on purpose: Orca's "leaving panel" is no sign of browse mode here.
        Step("A: the box goes into the drawing tool, the focus on it", ("key", "a"),
             hear=(say("boxes.item", n=1, text=described(language, HELMET)),),
             never=tuple(phrase for phrase in NAVIGATION if phrase not in ("leaving", "verlaten"))),
        Step("Right: the box one step to the right, and where it is now", ("key", "Right"),
             hear=(described(language, HELMET, **moved),), never=NAVIGATION),
        Step("R: the arrow keys change the size", ("key", "r"), hear=(say("boxes.resizeOn"),), never=NAVIGATION),
        Step("Down: one step taller, and its size now", ("key", "Down"),
             hear=(described(language, HELMET, **moved, h=HELMET["h"] + STEP),), never=NAVIGATION),
        # The wait screen's heading takes the focus when anything missed? comes only on the page's next look.
        Step("Enter: the adjusted box is sent; anything missed? comes (at once, or half a minute later), its question "
             "and the boxes already marked read out", ("call", send_and_wait(draw)),
             hear=(say("boxes.missed.question"), say("boxes.missed.shown", list="; ".join(
                 [described(language, FACE), described(language, HELMET, **moved, h=HELMET["h"] + STEP)]))),
             never=tuple(phrase for phrase in NAVIGATION if phrase not in ("heading level", "leaving", "verlaten"))),
        Step("Tab to Send answer (nothing is missing)", ("key", "Tab"), hear=(say("work.submit"),), never=NAVIGATION),
        Step("Enter: sent with nothing drawn; no more work (the wait screen's heading takes the focus)", ("key", "Return"),
             hear=(say("work.wait.title"),), never=tuple(phrase for phrase in NAVIGATION if phrase != "heading level")),
    ]


def scenario(name, title_text, language):
    options = {"never": ENGLISH_ON_DUTCH_PAGES} if language == "nl" else {}
    return Scenario(name, title_text, language, verify(language), prepare=model_boxes, pages=("index", "work"), **options)


SCENARIOS = [
    scenario("verify-work-en", "A model's boxes: yes, one adjusted by keys, anything missed? In English", "en"),
    scenario("verify-work-nl", "A model's boxes: yes, one adjusted by keys, anything missed? In Dutch", "nl"),
]

