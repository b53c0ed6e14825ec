"""Talking to a running test lab the way scripts do: JSON over HTTP with bearer tokens,
and reading what the lab stored straight from its SQLite file."""
import json
import pathlib
import sqlite3
import urllib.error
import urllib.request

COACH = ("coach@demo.local", "demo-coach")
CLIENT = ("client@demo.local", "demo-client")


class ApiError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


def call(lab, path, method="GET", body=None, token=None):
    """One API call; returns (status, parsed JSON or None). Raises ApiError for 4xx/5xx."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(lab.url.rstrip("/") + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        raise ApiError(error.code, json.loads(text) if text else None) from None


def login(lab, badge=None, email=None, password=None):
    """Signs in by badge or by email and password; returns the bearer token."""
    body = {"badge": badge} if badge else {"email": email, "password": password}
    return call(lab, "/api/v1/login", "POST", body)[1]["token"]


def operator_id(lab, badge):
    coach = login(lab, email=COACH[0], password=COACH[1])
    for person in call(lab, "/api/v1/coach/operators", token=coach)[1]["operators"]:
        if person["badge"] == badge:
            return person["id"]
    raise AssertionError(f"no operator with badge {badge} in the demo coach's group")


def set_profile(lab, badge, **fields):
    """The coach changes an operator's profile (it applies from the next shift start)."""
    coach = login(lab, email=COACH[0], password=COACH[1])
    return call(lab, f"/api/v1/coach/operators/{operator_id(lab, badge)}/profile", "PUT", fields, token=coach)[1]


def end_shift_if_running(lab, badge):
    token = login(lab, badge=badge)
    shift = call(lab, "/api/v1/shift", token=token)[1]
    if shift["phase"] in ("work", "pause"):
        call(lab, "/api/v1/shift/end", "POST", {}, token=token)


def database(lab):
    """A read-only connection to the lab's SQLite file (WAL lets it read while the server writes)."""
    path = pathlib.Path(lab.data) / "annolab.sqlite"
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    connection.row_factory = sqlite3.Row
    return connection


def stored_answers(lab, badge, kind=None):
    """The answers an operator gave, newest last, each as (kind, parsed answer body)."""
    query = ("SELECT microtask.kind AS kind, answer.body AS body FROM answer "
             "JOIN microtask ON microtask.id = answer.microtaskId JOIN user ON user.id = answer.operatorId "
             "WHERE user.badge = ?" + (" AND microtask.kind = ?" if kind else "") + " ORDER BY answer.rowid")
    with database(lab) as connection:
        rows = connection.execute(query, (badge, kind) if kind else (badge,)).fetchall()
    return [(row["kind"], json.loads(row["body"])) for row in rows]


# ---- Helpers for setting up a lab by API (used by the escaping tests; the ones above stay as they are) ----

ADMIN = ("admin@demo.local", "demo-admin")


def token_of(lab, who):
    """A bearer token for one of the demo's people given as (email, password), e.g. COACH."""
    return login(lab, email=who[0], password=who[1])


# The steps of the skill ladder the demo's coach opened for the demo's operators (Tasks/skill-ladder.json).
WORK_STEPS = ("subtitle-check", "image-box-verify", "image-boxes")


def add_person(lab, role, name, coach=None, email=None, password=None, steps=WORK_STEPS):
    """The admin adds a person (an operator gets a badge; `coach` is the coach's user id); returns the new user.
    The demo lab's skill ladder is on: for a new operator with the demo's coach, that coach opens `steps`,
    as they did for the demo's own operators (pass `steps=()` for an operator who starts at the bottom)."""
    body = {"role": role, "name": name}
    if coach is not None:
        body["coach"] = coach
    if email:
        body.update(email=email, password=password)
    person = call(lab, "/api/v1/admin/users", "POST", body, token=token_of(lab, ADMIN))[1]
    if role == "operator" and coach is not None and coach == user_id(lab, COACH[0]):
        for step in steps:
            call(lab, f"/api/v1/coach/operators/{person['id']}/skills", "POST", {"step": step}, token=token_of(lab, COACH))
    return person


def user_id(lab, email):
    """The id of the person with this email address, as the admin's list shows it."""
    for user in call(lab, "/api/v1/admin/users", token=token_of(lab, ADMIN))[1]["users"]:
        if user.get("email") == email:
            return user["id"]
    raise AssertionError(f"nobody with email {email} in the lab")


def upload_files(lab, project, files, token):
    """A multipart upload of (file name, bytes) pairs, as a client's script sends it; returns the report.
    File names are sent as written (a double quote as %22, as browsers do)."""
    import uuid
    boundary = uuid.uuid4().hex
    body = b""
    for name, content in files:
        quoted = name.replace('"', "%22").replace("\r", "").replace("\n", "")
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{quoted}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{lab.url.rstrip('/')}/api/v1/projects/{project}/items", data=body, method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        text = error.read().decode()
        raise ApiError(error.code, json.loads(text) if text else None) from None


def share_project(lab, project, operators):
    """The demo coach decides who in the group gets a project: only these operator ids (or nobody)."""
    call(lab, f"/api/v1/coach/projects/{project}/operators", "PUT", {"operators": list(operators)},
         token=token_of(lab, COACH))


def label_studio_boxes(image, boxes, model_version="m1", side=512):
    """A Label Studio task of `image` (a square of `side` pixels) with a model's predicted boxes, each a
    ({"label", "x", "y", "w", "h"} in pixels, score) pair, written in Label Studio's percentages."""
    def result(box, score):
        return {"type": "rectanglelabels", "from_name": "label", "to_name": "image", "original_width": side,
                "original_height": side, "score": score, "value": {
                    "x": box["x"] * 100 / side, "y": box["y"] * 100 / side, "width": box["w"] * 100 / side,
                    "height": box["h"] * 100 / side, "rotation": 0, "rectanglelabels": [box["label"]]}}
    return {"data": {"image": image}, "predictions": [{
        "model_version": model_version, "score": max(score for _, score in boxes),
        "result": [result(box, score) for box, score in boxes]}]}


def verify_project(lab, name, labels, files, tasks, badges, preannotations, overlap):
    """As a client: hide the demo's other projects, make an image-boxes project that starts from a model
    (`preannotations`), upload (file name, bytes) pairs with the Label Studio `tasks` beside them, and have the
    coach share it with the operators of `badges` only. Returns the project as the API gave it."""
    client = login(lab, email=CLIENT[0], password=CLIENT[1])
    for other in call(lab, "/api/v1/projects", token=client)[1]["projects"]:
        share_project(lab, other["id"], [])
    made = call(lab, "/api/v1/projects", "POST", {
        "name": name, "template": "image-boxes", "labels": labels, "overlap": overlap, "goldRate": 0,
        "preannotations": preannotations}, token=client)[1]
    report = upload_files(lab, made["id"], files + [("tasks.json", json.dumps(tasks).encode())], client)
    assert report["rejected"] == [], report
    share_project(lab, made["id"], [operator_id(lab, badge) for badge in badges])
    return made
