"""Exports read back by readers Annolab did not write (pycocotools, webvtt-py, xml.etree, csv),
the OpenAPI document checked by openapi-spec-validator, and no operator's identity in anything a
client gets. Runs against a real demo lab over HTTP; answers are given through the API."""
import io
import json
import pathlib
import struct
import subprocess
import sys
import urllib.request
import zipfile
import zlib

import pytest

from conftest import DemoLab, annolab_program
from labapi import CLIENT, call, login, set_profile

VALIDATE = pathlib.Path(__file__).resolve().parents[1] / "Exports" / "validate.py"
OPERATORS = {"OP-0001": "Anouk de Vries", "OP-0002": "Bram Jansen", "OP-0003": "Chaima El Amrani",
             "OP-0004": "Daan Bakker", "OP-0005": "Esra Yilmaz", "OP-0006": "Floor Visser"}
BIRTHDATES = ["1998-05-14", "2006-09-02", "2001-11-23", "1985-03-30", "2007-07-19", "1992-01-08"]
PROFILE_FIELDS = ["workMinutes", "pauseMinutes", "dailyCapMinutes", "audioMode", "taskKinds", "birthdate", "badge"]


@pytest.fixture(scope="module")
def answered_lab():
    """A demo lab where operators answered some work of every kind, through the API."""
    lab = DemoLab()
    try:
        work(lab)
        yield lab
    finally:
        lab.stop()


def next_task(lab, token):
    status, body = call(lab, "/api/v1/tasks/next", token=token)
    return body if status == 200 else None


def answer(lab, token, task, body):
    call(lab, f"/api/v1/assignments/{task['assignment']['id']}/answer", "POST", {"answer": body}, token=token)


def work(lab):
    tokens = {badge: login(lab, badge=badge) for badge in ["OP-0001", "OP-0002", "OP-0003"]}
    for badge, kinds in [("OP-0001", ["image-boxes"]), ("OP-0002", ["image-boxes"]), ("OP-0003", ["image-boxes"])]:
        set_profile(lab, badge, taskKinds=kinds)
        call(lab, "/api/v1/shift/start", "POST", {}, token=tokens[badge])
    # Four rounds: the three operators get the same tile each round (overlap 3) and draw the same car.
    lab.box_rounds = 0
    for _ in range(4):
        tasks = {badge: next_task(lab, token) for badge, token in tokens.items()}
        assert len({t["task"]["id"] for t in tasks.values()}) == 1, "the three got the same tile"
        for badge, task in tasks.items():
            answer(lab, tokens[badge], task, {"boxes": [{"label": "car", "x": 10, "y": 12, "w": 60, "h": 40}]})
        lab.box_rounds += 1
    # Subtitles and sounds: two operators agree; the second cue of every part has a text error.
    lab.flagged = 0
    for kind in ["subtitle-check", "audio-tags", "choice"]:
        for badge in ["OP-0001", "OP-0002", "OP-0003"]:
            set_profile(lab, badge, taskKinds=[kind])
        for _ in range(12):
            task = next_task(lab, tokens["OP-0001"])
            if not task:
                break
            others = [next_task(lab, tokens[b]) for b in ["OP-0002", "OP-0003"]]
            for badge, given in zip(["OP-0001", "OP-0002", "OP-0003"], [task] + others):
                if not given:
                    continue
                payload = given["task"]["payload"]
                if kind == "subtitle-check":
                    cues = [{"index": c["index"], "verdict": "text-error" if i == 1 else "correct",
                             **({"correction": "Het is druk op de weg."} if i == 1 else {})}
                            for i, c in enumerate(payload["cues"])]
                    answer(lab, tokens[badge], given, {"cues": cues})
                elif kind == "audio-tags":
                    answer(lab, tokens[badge], given, {"tags": ["music"]})
                else:
                    # The street pictures offer "cars"; the demo's real photographs have options of their own.
                    options = payload.get("options") or ["cars"]
                    answer(lab, tokens[badge], given, {"choice": "cars" if "cars" in options else options[0]})


def project_of(lab, client, template):
    projects = call(lab, "/api/v1/projects", token=client)[1]["projects"]
    return next(p for p in projects if p["template"] == template)


def download(lab, token, project_id, fmt):
    request = urllib.request.Request(f"{lab.url}api/v1/projects/{project_id}/export?format={fmt}",
                                      headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert "attachment" in response.headers.get("Content-Disposition", "")
        return response.read()


def validate(*arguments):
    result = subprocess.run([sys.executable, str(VALIDATE), *map(str, arguments)], capture_output=True, text=True)
    assert result.returncode == 0, f"validate.py {' '.join(map(str, arguments))}: {result.stdout}{result.stderr}"


def assert_private(text, where):
    for badge, name in OPERATORS.items():
        assert name not in text, f"{where} names {name}"
        assert badge not in text, f"{where} shows the badge {badge}"
    for date in BIRTHDATES:
        assert date not in text, f"{where} shows a birth date"
    for field in PROFILE_FIELDS:
        assert f'"{field}"' not in text, f"{where} shows the profile field {field}"


def test_image_box_exports_read_back_with_independent_readers(answered_lab, tmp_path):
    client = login(answered_lab, email=CLIENT[0], password=CLIENT[1])
    project = project_of(answered_lab, client, "image-boxes")
    images = 5  # the demo's five street pictures
    coco = tmp_path / "coco.json"
    coco.write_bytes(download(answered_lab, client, project["id"], "coco"))
    validate("coco", coco, "--images", images, "--annotations", answered_lab.box_rounds, "--categories", 3)
    scores = [a["score"] for a in json.loads(coco.read_text())["annotations"]]
    assert scores and all(s == 1 for s in scores), "three operators drew the same box: confidence 1"

    for fmt, kind in [("yolo", "yolo"), ("voc", "voc")]:
        folder = tmp_path / fmt
        with zipfile.ZipFile(io.BytesIO(download(answered_lab, client, project["id"], fmt))) as archive:
            assert archive.testzip() is None
            archive.extractall(folder)
        validate(kind, folder)
    labelstudio = tmp_path / "labelstudio.json"
    labelstudio.write_bytes(download(answered_lab, client, project["id"], "labelstudio"))
    validate("labelstudio", labelstudio, "--tasks", images, "--results", answered_lab.box_rounds)
    # Every YOLO coordinate is normalised to 0..1.
    for line in (tmp_path / "yolo").rglob("*.txt"):
        if line.name == "classes.txt":
            continue
        for row in line.read_text().splitlines():
            assert all(0 <= float(v) <= 1 for v in row.split()[1:]), row


def test_subtitle_tag_and_choice_exports_read_back(answered_lab, tmp_path):
    client = login(answered_lab, email=CLIENT[0], password=CLIENT[1])
    subtitles = project_of(answered_lab, client, "subtitle-check")
    vtt = tmp_path / "news.vtt"
    vtt.write_bytes(download(answered_lab, client, subtitles["id"], "vtt"))
    text = vtt.read_text()
    notes = text.count("\nNOTE")
    assert notes >= 1 and "Het is druk op de weg." in text, "the proposed correction is in a NOTE"
    validate("vtt", vtt, "--notes", notes)
    report = tmp_path / "subtitles.csv"
    report.write_bytes(download(answered_lab, client, subtitles["id"], "csv"))
    validate("csv", report, "--columns", "file,index,start,end,verdict,confidence,text,correction,characters-per-line,reading-speed,overlapping-cues,empty-cue")

    tags = project_of(answered_lab, client, "audio-tags")
    tag_csv = tmp_path / "tags.csv"
    tag_csv.write_bytes(download(answered_lab, client, tags["id"], "csv"))
    validate("csv", tag_csv, "--columns", "file,start,end,tag,confidence")
    assert ",music," in tag_csv.read_text()
    tag_json = tmp_path / "tags.json"
    tag_json.write_bytes(download(answered_lab, client, tags["id"], "json"))
    validate("audio-json", tag_json)

    choice = project_of(answered_lab, client, "choice")
    choice_csv = tmp_path / "choice.csv"
    choice_csv.write_bytes(download(answered_lab, client, choice["id"], "csv"))
    validate("csv", choice_csv, "--columns", "file,label,confidence,answers")
    assert ",cars," in choice_csv.read_text()

    for project in [subtitles, tags, choice]:
        raw = tmp_path / f"raw-{project['id']}.jsonl"
        raw.write_bytes(download(answered_lab, client, project["id"], "jsonl"))
        validate("jsonl", raw)


def test_nothing_a_client_gets_names_an_operator(answered_lab, tmp_path):
    client = login(answered_lab, email=CLIENT[0], password=CLIENT[1])
    seen = [json.dumps(call(answered_lab, path, token=client)[1])
            for path in ["/api/v1/projects", "/api/v1/impact", "/api/v1/templates", "/api/v1/tokens"]]
    for project in call(answered_lab, "/api/v1/projects", token=client)[1]["projects"]:
        seen.append(json.dumps(call(answered_lab, f"/api/v1/projects/{project['id']}", token=client)[1]))
        for fmt in project["exports"]:
            data = download(answered_lab, client, project["id"], fmt)
            if data[:2] == b"PK":
                with zipfile.ZipFile(io.BytesIO(data)) as archive:
                    seen += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
            else:
                seen.append(data.decode("utf-8", "replace"))
    assert len(seen) > 15
    for number, text in enumerate(seen):
        assert_private(text, f"client response {number}")
    impact = call(answered_lab, "/api/v1/impact", token=client)[1]
    assert set(impact) == {"hours", "projects"}


def test_openapi_document_is_valid_openapi_3_1(answered_lab):
    from openapi_spec_validator import validate as validate_spec
    with urllib.request.urlopen(answered_lab.url + "api/v1/openapi.json", timeout=30) as response:
        spec = json.loads(response.read())
    assert spec["openapi"].startswith("3.1")
    validate_spec(spec)
    assert "/api/v1/projects/{id}/export" in spec["paths"]


def png(width, height):
    raw = b"".join(b"\x00" + bytes([(x * 3) % 256 for x in range(width * 3)]) for _ in range(height))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_label_studio_task_list_with_its_files_and_the_cli_export(answered_lab, tmp_path):
    client = login(answered_lab, email=CLIENT[0], password=CLIENT[1])
    created = call(answered_lab, "/api/v1/projects", "POST",
                   {"name": "Moved from Label Studio", "template": "image-boxes", "labels": ["car"]}, token=client)[1]
    tasks = [{"id": 1, "data": {"image": "/data/upload/3/8f2a91c4-street_one.png"}},
             {"id": 2, "data": {"image": "/data/upload/3/77bb01aa-street_two.png"}}]
    boundary = "annolab-labelstudio"
    parts = [("tasks.json", json.dumps(tasks).encode(), "application/json"), ("street one.png", png(40, 30), "image/png")]
    body = b"".join(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                    f"Content-Type: {kind}\r\n\r\n".encode() + data + b"\r\n" for name, data, kind in parts)
    body += f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{answered_lab.url}api/v1/projects/{created['id']}/items", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {client}",
                                              "Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        report = json.loads(response.read())
    assert report["imported"] == 1
    assert [r["code"] for r in report["rejected"]] == ["labelstudio_media_missing"]
    assert "street_two.png" in report["rejected"][0]["reason"]

    # The command line writes the same COCO file as the download.
    project = project_of(answered_lab, client, "image-boxes")
    out = tmp_path / "cli-coco.json"
    result = subprocess.run([annolab_program(), "export", "--data", answered_lab.data, "--project", str(project["id"]),
                             "--format", "coco", "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == download(answered_lab, client, project["id"], "coco")
    wrong = subprocess.run([annolab_program(), "export", "--data", answered_lab.data, "--project", str(project["id"]),
                            "--format", "vtt"], capture_output=True, text=True)
    assert wrong.returncode != 0 and len(wrong.stderr.strip().splitlines()) == 1
