"""The client's model report heard with Orca: before Chromium starts, the client makes a project whose model's
boxes people check (two real photographs and a Label Studio task file with the model's predictions) and three
operators answer everything over HTTP. The client signs in with email and password, opens the report by its
address (as from a bookmark), and reads it with Orca's own keys: H from heading to heading, G to the chart (one
image, named), T to its table (Orca lands on the column headers) and Down to the label's row, each figure said
with its column's name, the figures those GET .../model/report gives,
then the worst item's thumbnail (what the model said and what people said) and the time saved in words."""
import json
import pathlib
import time

from labapi import share_project, set_profile, upload_files
from labcalls import At, call, login, as_client, operator_id
from scenarios import ENGLISH_ON_DUTCH_PAGES, Scenario, Step
from scenarios_client import CLIENT_EMAIL, CLIENT_PASSWORD, WORDS as CLIENT_WORDS
from scenarios_coach import Act, enter_and_stop_reading, sign_in_by_email

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "Tasks" / "samples"
PROJECT = "Faces in the studio"
OPERATORS = ("OP-0001", "OP-0002", "OP-0003")
# What prepare() found: the project's id (its report's address) and the figures of the label's row as the page
# writes them. The steps below hold these very lists, so they hear what this run's report says.
MADE = {}
ROW = []
HOURS = {"en": [], "nl": []}

WORDS = {
    "en": {**CLIENT_WORDS["en"],
           "heading": "Model report: " + PROJECT, "nav": "On this page", "labels": "Right and wrong, per label",
           "chart": "Bar chart of precision, recall and F1 for 1 label.", "same": "The table below has the same figures.",
           "caption": "Precision, recall and F1 per label", "calibration": "How sure the model was",
           "worst": "Where the model was most wrong", "model_said": "The model said", "people_said": "People said",
           "hours": "Time saved", "saved": "of work saved", "none_saved": "No time saved yet"},
    "nl": {**CLIENT_WORDS["nl"],
           "heading": "Rapport van het model: " + PROJECT, "nav": "Op deze pagina", "labels": "Goed en fout, per label",
           "chart": "Staafdiagram van precisie, recall en F1 voor 1 label.", "same": "De tabel hieronder heeft dezelfde cijfers.",
           "caption": "Precisie, recall en F1 per label", "calibration": "Hoe zeker het model was",
           "worst": "Waar het model het meest fout zat", "model_said": "Het model zei", "people_said": "Mensen zeiden",
           "hours": "Tijd bespaard", "saved": "werk bespaard", "none_saved": "Nog geen tijd bespaard"},
}


def prediction(image, box, score):
    """One task of a Label Studio task file: the picture's name and the model's one box, in percent."""
    return {"data": {"image": image}, "predictions": [{"model_version": "m1", "score": score, "result": [{
        "type": "rectanglelabels", "from_name": "label", "to_name": "image", "original_width": 512,
        "original_height": 512, "value": {**box, "rectanglelabels": ["face"]}, "score": score}]}]}


def answer_of(task):
    """The astronaut's box is a face, the box on the cameraman's coat is not; his face was missed."""
    astronaut = "astronaut" in (task["payload"].get("sourceFile") or json.dumps(task))
    if task["kind"] == "image-box-verify":
        return {"choice": "yes" if astronaut else "no"}
    if astronaut:
        return {"boxes": []}
    return {"boxes": [{"label": "face", "x": 225, "y": 55, "w": 70, "h": 80}]}


def prepare(url):
    """The project, the model's predictions, every microtask answered, and the report the page must say."""
    lab = At(url)
    client = as_client(url)
    for project in call(lab, "/api/v1/projects", token=client)[1]["projects"]:
        share_project(lab, project["id"], [])
    project = call(lab, "/api/v1/projects", "POST", {
        "name": PROJECT, "template": "image-boxes", "labels": ["face"], "overlap": 3, "goldRate": 0,
        "preannotations": {"mode": "verify", "threshold": 0.5, "order": "uncertain-first", "modelVotes": False},
    }, token=client)[1]
    tasks = [prediction("photo-astronaut.jpg", {"x": 30, "y": 10, "width": 20, "height": 25}, 0.8),
             prediction("photo-cameraman.png", {"x": 55, "y": 62, "width": 20, "height": 20}, 0.6)]
    upload_files(lab, project["id"], [(name, (SAMPLES / name).read_bytes()) for name in ("photo-astronaut.jpg", "photo-cameraman.png")]
                 + [("tasks.json", json.dumps(tasks).encode())], client)
    share_project(lab, project["id"], [operator_id(lab, badge) for badge in OPERATORS])
    tokens = {badge: login(lab, badge=badge) for badge in OPERATORS}
    for badge in OPERATORS:
        set_profile(lab, badge, taskKinds=["image-box-verify", "image-boxes"])
        call(lab, "/api/v1/shift/start", "POST", {}, token=tokens[badge])
    for _ in range(30):
        served = {badge: call(lab, "/api/v1/tasks/next", token=token) for badge, token in tokens.items()}
        served = {badge: body for badge, (status, body) in served.items() if status == 200}
        if not served:
            break
        for badge, given in served.items():
            call(lab, f"/api/v1/assignments/{given['assignment']['id']}/answer", "POST",
                 {"answer": answer_of(given["task"])}, token=tokens[badge])
    for badge in OPERATORS:
        call(lab, "/api/v1/shift/end", "POST", {}, token=tokens[badge])
    report = call(lab, f"/api/v1/projects/{project['id']}/model/report", token=client)[1]
    face = next(row for row in report["labels"] if row["label"] == "face")
    MADE["id"] = project["id"]
    # The label and its precision and recall as the page writes them (whole percentages).
    # The time saved in words: none yet when it rounds to no minutes (a lab that worked for seconds only).
    for language, words in WORDS.items():
        HOURS[language][:] = [words["saved"] if round(report["hoursSaved"] * 60) > 0 else words["none_saved"]]
    ROW[:] = ["face", *(f"{int(face[measure] * 100 + 0.5)}%" for measure in ("precision", "recall")), str(face["support"])]


# Orca has taken Chromium's address bar as its focus (Chromium's user interface is English here).
ADDRESS_BAR_FOCUSED = "Dequeued object:state-changed:focused [entry | Address and search bar] (1,"


def type_report_address(desktop):
    """Ctrl+L, and once Orca is in the address bar (letters typed before are browse-mode keys on the page),
    the report's address, as from a bookmark; the harness's own ("address", path) step does the same, but the
    project's id is known only once prepare() has made it."""
    log = desktop.folder / "orca.log"
    start = len(log.read_text(errors="replace").splitlines())
    desktop.key("ctrl+l")
    end = time.monotonic() + 20
    while time.monotonic() < end:
        if any(ADDRESS_BAR_FOCUSED in line for line in log.read_text(errors="replace").splitlines()[start:]):
            break
        time.sleep(0.1)
    else:
        raise AssertionError("Orca never took the address bar as its focus")
    spoken = desktop.folder / "spoken.txt"
    size, since = None, time.monotonic()
    while time.monotonic() - since < 1.0 and time.monotonic() < end + 10:
        now = spoken.stat().st_size if spoken.exists() else 0
        if now != size:
            size, since = now, time.monotonic()
        time.sleep(0.1)
    desktop.type(f"{desktop.url}client/projects/{MADE['id']}/model")


def model_report(language):
    words = WORDS[language]
    return sign_in_by_email(words, CLIENT_EMAIL, CLIENT_PASSWORD, ())[:-1] + [
        Step("Enter: the client's page opens; Ctrl stops Orca reading it from the top",
             ("call", Act("Enter, then Ctrl when Orca starts reading", enter_and_stop_reading))),
        Step("Ctrl+L and type the address of the model report", ("call", Act("Ctrl+L, the report's address", type_report_address))),
        Step("Enter: the report opens; Ctrl stops Orca reading it from the top",
             ("call", Act("Enter, then Ctrl when Orca starts reading", enter_and_stop_reading))),
        Step("Ctrl+Home: the top of the page", ("key", "ctrl+Home"), hear=(words["skip"],)),
        Step("H: the page's heading", ("key", "h"), hear=(words["heading"],)),
        Step("H: the list of the page's parts", ("key", "h"), hear=(words["nav"],)),
        Step("H: right and wrong per label", ("key", "h"), hear=(words["labels"],)),
        Step("G: the chart, one image with its name", ("key", "g"), hear=(words["chart"], words["same"])),
        Step("T: the table with the chart's figures", ("key", "t"), hear=(words["caption"],)),
        Step("Down: the face row, each figure with its column's name", ("key", "Down"), hear=ROW),
        Step("H: how sure the model was", ("key", "h"), hear=(words["calibration"],)),
        Step("H: where the model was most wrong", ("key", "h"), hear=(words["worst"],)),
        Step("G: the worst item's thumbnail says what the model and people said", ("key", "g"),
             hear=(words["model_said"], words["people_said"])),
        Step("H: time saved", ("key", "h"), hear=(words["hours"],)),
        Step("Down: the time saved, in words", ("key", "Down"), hear=HOURS[language]),
    ]


SCENARIOS = [
    Scenario("model-report-en", "The client reads the model's report, in English", "en", model_report("en"),
             prepare=prepare, pages=("index", "client", "client-model")),
    Scenario("model-report-nl", "The client reads the model's report, in Dutch", "nl", model_report("nl"),
             prepare=prepare, never=ENGLISH_ON_DUTCH_PAGES, pages=("index", "client", "client-model")),
]
