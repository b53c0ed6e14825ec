#!/usr/bin/env python3
"""Checks Annolab's export files with readers that Annolab did not write.

Each format is read by the library its users read it with, or checked against the format's
documented shape where no such library is small enough to install:

    python validate.py coco FILE --images N --annotations M [--categories K]
        pycocotools: COCO(FILE) loads, the counts match, every bbox lies inside its image,
        area = w x h, category ids are known, and the boxes load as detection results
        (COCO.loadRes) with their "score".
    python validate.py yolo DIR [--classes K] [--files N]
        DIR/classes.txt and DIR/labels/**/*.txt: five fields per line, a known class index,
        centre and size normalised to 0..1 and the box inside the image.
    python validate.py voc DIR [--files N] [--objects M]
        xml.etree reads every DIR/**/*.xml: <annotation>, <filename>, <size>, and each
        <object> has a <name> and integer 1-based <bndbox> corners inside the image size.
    python validate.py vtt FILE --notes K [--cues N]
        webvtt-py (strict) reads the file; the cue and NOTE counts match; notes hold no "-->",
        each note stands right before the cue it names ("NOTE cue 3: ..."); timings are
        HH:MM:SS.mmm; cue text has no unescaped "&" or "<".
    python validate.py labelstudio FILE [--tasks N] [--results M]
                                        [--import-into URL --email E --password P]
        Label Studio's documented task shape (labelstud.io/guide/predictions and
        /tags/rectanglelabels): a list of tasks with a "data" object; predictions with a
        "result" list; rectanglelabels results with from_name, to_name, original_width,
        original_height, and value x, y, width, height in 0..100; scores in 0..1.
        With --import-into, also imports the file into a running Label Studio (tried with
        `pip install label-studio==1.23.2`, `label-studio start --no-browser --username E
        --password P`): a project with a matching labeling config is made, the tasks are
        imported, every task and rectangle must come back, and the project is deleted again.
    python validate.py csv FILE --columns start,end,tag,confidence [--rows N]
        Python's csv module (strict) reads it; the columns are in the header, every row has
        as many fields as the header, numbers in numeric columns, start <= end, 0 <= confidence <= 1.
    python validate.py jsonl FILE [--lines N]
        Each line is one JSON object with an "operator" that is a pseudonym (operator-<n>).
    python validate.py audio-json FILE [--ranges N]
        {"ranges": [...]} with file, start <= end, tag and confidence in 0..1.

Exit status 0 when the file is valid; otherwise one line "invalid: <reason>" and status 1.
"""

import argparse
import contextlib
import csv
import glob
import io
import json
import math
import os
import re
import sys
import xml.etree.ElementTree as ET


class Invalid(Exception):
    """The file breaks its format's rules; the message says how."""


def need(condition, message):
    if not condition:
        raise Invalid(message)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# COCO ---------------------------------------------------------------------------------------

def check_coco(args):
    from pycocotools.coco import COCO

    with contextlib.redirect_stdout(io.StringIO()):  # COCO() prints progress lines
        try:
            coco = COCO(args.file)
        except Exception as error:  # noqa: BLE001 - any failure to load is the finding
            raise Invalid(f"pycocotools cannot load the file: {error!r}")
    images = coco.getImgIds()
    annotations = coco.getAnnIds()
    categories = coco.getCatIds()
    need(len(images) == args.images, f"{len(images)} images, expected {args.images}")
    need(len(annotations) == args.annotations, f"{len(annotations)} annotations, expected {args.annotations}")
    if args.categories is not None:
        need(len(categories) == args.categories, f"{len(categories)} categories, expected {args.categories}")
    need(len(set(images)) == len(images), "image ids are not unique")
    for image in coco.loadImgs(images):
        need(isinstance(image.get("file_name"), str) and image["file_name"], f"image {image.get('id')} has no file_name")
        need(isinstance(image.get("width"), int) and image["width"] > 0, f"image {image['id']} has no width")
        need(isinstance(image.get("height"), int) and image["height"] > 0, f"image {image['id']} has no height")
    for ann in coco.loadAnns(annotations):
        where = f"annotation {ann.get('id')}"
        need(ann.get("image_id") in coco.imgs, f"{where} points to an unknown image")
        need(ann.get("category_id") in coco.cats, f"{where} has an unknown category")
        bbox = ann.get("bbox")
        need(isinstance(bbox, list) and len(bbox) == 4 and all(is_number(v) for v in bbox), f"{where} bbox is not [x,y,w,h]")
        x, y, w, h = bbox
        image = coco.imgs[ann["image_id"]]
        need(w > 0 and h > 0, f"{where} has an empty bbox {bbox}")
        need(x >= 0 and y >= 0 and x + w <= image["width"] + 1e-6 and y + h <= image["height"] + 1e-6,
             f"{where} bbox {bbox} is outside its {image['width']}x{image['height']} image")
        need(is_number(ann.get("area")) and abs(ann["area"] - w * h) <= 0.01 + 1e-6 * w * h,
             f"{where} area {ann.get('area')} is not w x h = {w * h}")
        need(ann.get("iscrowd") in (0, 1), f"{where} iscrowd is not 0 or 1")
        if "score" in ann:
            need(is_number(ann["score"]) and 0 <= ann["score"] <= 1, f"{where} score {ann['score']} is not in 0..1")
    scored = [a for a in coco.loadAnns(annotations) if "score" in a]
    if scored:
        with contextlib.redirect_stdout(io.StringIO()):
            try:
                results = coco.loadRes([{k: a[k] for k in ("image_id", "category_id", "bbox", "score")} for a in scored])
            except Exception as error:  # noqa: BLE001
                raise Invalid(f"pycocotools cannot load the boxes as detection results: {error!r}")
        need(len(results.getAnnIds()) == len(scored), "not every scored box loaded as a detection result")
    return f"{len(images)} images, {len(annotations)} annotations, {len(categories)} categories"


# YOLO ---------------------------------------------------------------------------------------

def check_yolo(args):
    classes_path = os.path.join(args.dir, "classes.txt")
    need(os.path.isfile(classes_path), "classes.txt is missing")
    with open(classes_path, encoding="utf-8") as handle:
        classes = [line.rstrip("\r\n") for line in handle if line.strip()]
    need(classes, "classes.txt lists no class")
    if args.classes is not None:
        need(len(classes) == args.classes, f"{len(classes)} classes, expected {args.classes}")
    files = sorted(glob.glob(os.path.join(args.dir, "labels", "**", "*.txt"), recursive=True))
    need(files, "no label files under labels/")
    if args.files is not None:
        need(len(files) == args.files, f"{len(files)} label files, expected {args.files}")
    boxes = 0
    for path in files:
        name = os.path.relpath(path, args.dir)
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                fields = line.split()
                need(len(fields) == 5, f"{name}:{number} has {len(fields)} fields, YOLO needs 5")
                need(re.fullmatch(r"\d+", fields[0]) is not None, f"{name}:{number} class {fields[0]!r} is not an index")
                need(int(fields[0]) < len(classes), f"{name}:{number} class {fields[0]} is not in classes.txt")
                try:
                    xc, yc, w, h = (float(v) for v in fields[1:])
                except ValueError:
                    raise Invalid(f"{name}:{number} has a value that is not a number")
                for value in (xc, yc, w, h):
                    need(0 <= value <= 1, f"{name}:{number} value {value} is not normalised to 0..1")
                need(w > 0 and h > 0, f"{name}:{number} has an empty box")
                eps = 1e-6
                need(xc - w / 2 >= -eps and xc + w / 2 <= 1 + eps and yc - h / 2 >= -eps and yc + h / 2 <= 1 + eps,
                     f"{name}:{number} box reaches outside the image")
                boxes += 1
    return f"{len(classes)} classes, {len(files)} label files, {boxes} boxes"


# Pascal VOC ---------------------------------------------------------------------------------

def check_voc(args):
    files = sorted(glob.glob(os.path.join(args.dir, "**", "*.xml"), recursive=True))
    need(files, "no XML files")
    if args.files is not None:
        need(len(files) == args.files, f"{len(files)} XML files, expected {args.files}")
    objects = 0

    def integer(element, tag, where):
        node = element.find(tag)
        need(node is not None and node.text is not None, f"{where} has no <{tag}>")
        need(re.fullmatch(r"\s*-?\d+\s*", node.text) is not None, f"{where} <{tag}> {node.text!r} is not an integer")
        return int(node.text)

    for path in files:
        name = os.path.relpath(path, args.dir)
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as error:
            raise Invalid(f"{name} is not well-formed XML: {error}")
        need(root.tag == "annotation", f"{name} root is <{root.tag}>, not <annotation>")
        filename = root.find("filename")
        need(filename is not None and (filename.text or "").strip(), f"{name} has no <filename>")
        size = root.find("size")
        need(size is not None, f"{name} has no <size>")
        width, height = integer(size, "width", name), integer(size, "height", name)
        need(width > 0 and height > 0, f"{name} size {width}x{height} is empty")
        integer(size, "depth", name)
        for n, obj in enumerate(root.findall("object"), 1):
            where = f"{name} object {n}"
            label = obj.find("name")
            need(label is not None and (label.text or "").strip(), f"{where} has no <name>")
            for flag in ("difficult", "truncated"):
                if obj.find(flag) is not None:
                    need(integer(obj, flag, where) in (0, 1), f"{where} <{flag}> is not 0 or 1")
            box = obj.find("bndbox")
            need(box is not None, f"{where} has no <bndbox>")
            xmin, ymin = integer(box, "xmin", where), integer(box, "ymin", where)
            xmax, ymax = integer(box, "xmax", where), integer(box, "ymax", where)
            need(1 <= xmin <= xmax <= width, f"{where} x {xmin}..{xmax} is not inside 1..{width}")
            need(1 <= ymin <= ymax <= height, f"{where} y {ymin}..{ymax} is not inside 1..{height}")
            objects += 1
    if args.objects is not None:
        need(objects == args.objects, f"{objects} objects, expected {args.objects}")
    return f"{len(files)} files, {objects} objects"


# WebVTT -------------------------------------------------------------------------------------

TIMING = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})(?: .*)?$")
ENTITY = re.compile(r"&(amp|lt|gt|nbsp|lrm|rlm|#\d+|#[xX][0-9a-fA-F]+);")
TAG = re.compile(r"</?(c|i|b|u|ruby|rt|v|lang)(\.[^\s>]+)*(\s[^>]*)?>|<\d{2,}:\d{2}:\d{2}\.\d{3}>|<\d{2}:\d{2}\.\d{3}>")


def check_vtt(args):
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        vtt = webvtt.read(args.file, strict=True)
    except (MalformedFileError, MalformedCaptionError) as error:
        raise Invalid(f"webvtt-py cannot read the file: {error}")
    captions = vtt.captions
    if args.cues is not None:
        need(len(captions) == args.cues, f"{len(captions)} cues, expected {args.cues}")
    # webvtt-py files the notes before the first cue as header comments.
    notes_before = [list(vtt.header_comments)] + [list(c.comments) for c in captions[1:]]
    need(not vtt.footer_comments, "a NOTE comes after the last cue, before no cue")
    notes = 0
    for caption, before in zip(captions, notes_before):
        need(len(before) <= 1, f"cue {caption.identifier} has {len(before)} notes before it")
        for note in before:
            notes += 1
            need("-->" not in note, f"the note before cue {caption.identifier} holds -->")
            named = re.match(r"cue (\S+):", note)
            need(named is None or named.group(1) == caption.identifier,
                 f"the note naming cue {named.group(1) if named else ''} stands before cue {caption.identifier}")
        need(caption.start_in_seconds <= caption.end_in_seconds, f"cue {caption.identifier} ends before it starts")
        raw = caption.raw_text
        for match in re.finditer(r"&", raw):
            need(ENTITY.match(raw, match.start()), f"cue {caption.identifier} has an unescaped &")
        for match in re.finditer(r"<", raw):
            need(TAG.match(raw, match.start()), f"cue {caption.identifier} has an unescaped <")
    need(notes == args.notes, f"{notes} notes, expected {args.notes}")
    with open(args.file, encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()
    timings = [line for line in lines if "-->" in line]
    need(len(timings) == len(captions), f"{len(timings)} lines hold --> but there are {len(captions)} cues")
    for line in timings:
        need(TIMING.match(line), f"timing line {line!r} is not HH:MM:SS.mmm --> HH:MM:SS.mmm")
    return f"{len(captions)} cues, {notes} notes"


# Label Studio -------------------------------------------------------------------------------

def check_labelstudio(args):
    try:
        with open(args.file, encoding="utf-8") as handle:
            document = json.load(handle)
    except (ValueError, UnicodeDecodeError) as error:
        raise Invalid(f"not JSON: {error}")
    tasks = document if isinstance(document, list) else [document]
    need(all(isinstance(t, dict) for t in tasks), "a task is not an object")
    if args.tasks is not None:
        need(len(tasks) == args.tasks, f"{len(tasks)} tasks, expected {args.tasks}")
    results_seen = 0
    for t, task in enumerate(tasks, 1):
        data = task.get("data")
        need(isinstance(data, dict) and data, f"task {t} has no data object")
        need(any(isinstance(v, str) and v for v in data.values()), f"task {t} data has no media reference")
        ids = set()
        for key in ("predictions", "annotations"):
            if key not in task:
                continue
            need(isinstance(task[key], list), f"task {t} {key} is not a list")
            for n, entry in enumerate(task[key], 1):
                where = f"task {t} {key}[{n}]"
                need(isinstance(entry, dict), f"{where} is not an object")
                need(isinstance(entry.get("result"), list), f"{where} has no result list")
                if "score" in entry:
                    need(is_number(entry["score"]) and 0 <= entry["score"] <= 1, f"{where} score is not in 0..1")
                if "model_version" in entry:
                    need(isinstance(entry["model_version"], str), f"{where} model_version is not a string")
                for r, result in enumerate(entry["result"], 1):
                    here = f"{where} result {r}"
                    need(isinstance(result, dict), f"{here} is not an object")
                    for field in ("type", "from_name", "to_name"):
                        need(isinstance(result.get(field), str) and result[field], f"{here} has no {field}")
                    if "id" in result:
                        need(isinstance(result["id"], str) and result["id"] not in ids, f"{here} id is missing or repeated")
                        ids.add(result["id"])
                    if "score" in result:
                        need(is_number(result["score"]) and 0 <= result["score"] <= 1, f"{here} score is not in 0..1")
                    if result["type"] != "rectanglelabels":
                        continue
                    for field in ("original_width", "original_height"):
                        need(isinstance(result.get(field), int) and result[field] > 0, f"{here} {field} is not a positive integer")
                    if "image_rotation" in result:
                        need(is_number(result["image_rotation"]), f"{here} image_rotation is not a number")
                    value = result.get("value")
                    need(isinstance(value, dict), f"{here} has no value")
                    for field in ("x", "y", "width", "height"):
                        need(is_number(value.get(field)) and 0 <= value[field] <= 100, f"{here} value.{field} is not in 0..100")
                    need(value["width"] > 0 and value["height"] > 0, f"{here} is an empty rectangle")
                    need(value["x"] + value["width"] <= 100 + 1e-6 and value["y"] + value["height"] <= 100 + 1e-6,
                         f"{here} reaches outside the image")
                    if "rotation" in value:
                        need(is_number(value["rotation"]), f"{here} value.rotation is not a number")
                    labels = value.get("rectanglelabels")
                    need(isinstance(labels, list) and labels and all(isinstance(l, str) and l for l in labels),
                         f"{here} value.rectanglelabels is not a list of labels")
                    results_seen += 1
    if args.results is not None:
        need(results_seen == args.results, f"{results_seen} rectangles, expected {args.results}")
    summary = f"{len(tasks)} tasks, {results_seen} rectangles"
    if args.import_into:
        summary += "; " + import_into_label_studio(args, tasks, results_seen)
    return summary


def import_into_label_studio(args, tasks, rectangles):
    """Imports the tasks into a running Label Studio and checks that all of them arrive."""
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    base = args.import_into.rstrip("/")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    try:
        page = opener.open(base + "/user/login/").read().decode()
    except OSError as error:
        raise Invalid(f"Label Studio at {base} does not answer: {error}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    need(token, "Label Studio's login page has no CSRF token")
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), "email": args.email, "password": args.password})
    opener.open(urllib.request.Request(base + "/user/login/", data=form.encode(), headers={"Referer": base + "/user/login/"}))

    def call(method, path, body=None):
        csrf = next((c.value for c in jar if c.name == "csrftoken"), "")
        request = urllib.request.Request(base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"X-CSRFToken": csrf, "Referer": base + "/", "Content-Type": "application/json"})
        try:
            with opener.open(request) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")[:500]

    # A labeling config that fits the tasks: one Image per data key, one RectangleLabels per from_name.
    controls = {}
    for task in tasks:
        for entry in task.get("predictions", []) + task.get("annotations", []):
            for result in entry["result"]:
                if result["type"] == "rectanglelabels":
                    controls.setdefault((result["from_name"], result["to_name"]), set()).update(result["value"]["rectanglelabels"])
    keys = sorted({key for task in tasks for key in task["data"]})
    esc = lambda text: text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    images = {to_name for _, to_name in controls} or {keys[0]}
    config = "<View>" + "".join(f'<Image name="{esc(name)}" value="${esc(name if name in keys else keys[0])}"/>' for name in sorted(images))
    for (from_name, to_name), labels in sorted(controls.items()):
        config += f'<RectangleLabels name="{esc(from_name)}" toName="{esc(to_name)}">'
        config += "".join(f'<Label value="{esc(label)}"/>' for label in sorted(labels)) + "</RectangleLabels>"
    config += "</View>"

    status, project = call("POST", "/api/projects", {"title": "annolab-validate", "label_config": config})
    need(status == 201, f"Label Studio refused the project ({status}): {project}")
    try:
        status, report = call("POST", f"/api/projects/{project['id']}/import?commit_to_project=true", tasks)
        need(status == 201, f"Label Studio refused the import ({status}): {report}")
        need(report.get("task_count") == len(tasks), f"Label Studio imported {report.get('task_count')} of {len(tasks)} tasks")
        predictions = sum(len(task.get("predictions", [])) for task in tasks)
        need(report.get("prediction_count") == predictions,
             f"Label Studio imported {report.get('prediction_count')} of {predictions} predictions")
        status, listing = call("GET", f"/api/tasks?project={project['id']}&page_size=100000")
        need(status == 200, f"Label Studio cannot list the tasks ({status})")
        stored = listing["tasks"] if isinstance(listing, dict) else listing
        back = 0
        for task in stored:
            status, found = call("GET", f"/api/predictions?task={task['id']}")
            need(status == 200, f"Label Studio cannot list the predictions ({status})")
            back += sum(1 for p in found for r in p["result"] if r.get("type") == "rectanglelabels")
        need(back == rectangles, f"Label Studio holds {back} of {rectangles} rectangles")
    finally:
        call("DELETE", f"/api/projects/{project['id']}")
    return f"Label Studio imported {len(tasks)} tasks with {rectangles} rectangles"


# CSV, JSON lines, audio JSON ----------------------------------------------------------------

NUMERIC = {"start", "end", "confidence", "index"}


def check_csv(args):
    columns = [c for c in args.columns.split(",") if c]
    with open(args.file, encoding="utf-8", newline="") as handle:
        try:
            rows = list(csv.reader(handle, strict=True))
        except csv.Error as error:
            raise Invalid(f"csv cannot read the file: {error}")
    need(rows, "the file is empty")
    header = rows[0]
    missing = [c for c in columns if c not in header]
    need(not missing, f"columns {missing} are not in the header {header}")
    data = rows[1:]
    if args.rows is not None:
        need(len(data) == args.rows, f"{len(data)} rows, expected {args.rows}")
    for n, row in enumerate(data, 2):
        need(len(row) == len(header), f"row {n} has {len(row)} fields, the header {len(header)}")
        record = dict(zip(header, row))
        for column in NUMERIC & set(header):
            if record[column] == "":
                continue
            try:
                value = float(record[column])
            except ValueError:
                raise Invalid(f"row {n} {column} {record[column]!r} is not a number")
            need(math.isfinite(value), f"row {n} {column} is not finite")
        if "confidence" in record and record["confidence"] != "":
            need(0 <= float(record["confidence"]) <= 1, f"row {n} confidence is not in 0..1")
        if record.get("start") and record.get("end"):
            need(float(record["start"]) <= float(record["end"]), f"row {n} ends before it starts")
    return f"{len(data)} rows, columns {header}"


def check_jsonl(args):
    with open(args.file, encoding="utf-8") as handle:
        text = handle.read()
    need(text == "" or text.endswith("\n"), "the last line does not end with a newline")
    lines = text.split("\n")[:-1] if text else []
    if args.lines is not None:
        need(len(lines) == args.lines, f"{len(lines)} lines, expected {args.lines}")
    for n, line in enumerate(lines, 1):
        try:
            record = json.loads(line)
        except ValueError as error:
            raise Invalid(f"line {n} is not JSON: {error}")
        need(isinstance(record, dict), f"line {n} is not an object")
        need(re.fullmatch(r"operator-\d+", str(record.get("operator"))) is not None,
             f"line {n} operator {record.get('operator')!r} is not a pseudonym")
    return f"{len(lines)} lines"


def check_audio_json(args):
    with open(args.file, encoding="utf-8") as handle:
        try:
            document = json.load(handle)
        except ValueError as error:
            raise Invalid(f"not JSON: {error}")
    need(isinstance(document, dict) and isinstance(document.get("ranges"), list), "no ranges list")
    ranges = document["ranges"]
    if args.ranges is not None:
        need(len(ranges) == args.ranges, f"{len(ranges)} ranges, expected {args.ranges}")
    for n, item in enumerate(ranges, 1):
        need(isinstance(item, dict), f"range {n} is not an object")
        need(isinstance(item.get("file"), str) and isinstance(item.get("tag"), str), f"range {n} lacks file or tag")
        need(is_number(item.get("start")) and is_number(item.get("end")) and item["start"] <= item["end"],
             f"range {n} times are wrong")
        need(is_number(item.get("confidence")) and 0 <= item["confidence"] <= 1, f"range {n} confidence is not in 0..1")
    return f"{len(ranges)} ranges"


def main(argv=None):
    parser = argparse.ArgumentParser(description="Validate Annolab export files with independent readers.")
    sub = parser.add_subparsers(dest="format", required=True)
    p = sub.add_parser("coco"); p.add_argument("file"); p.add_argument("--images", type=int, required=True)
    p.add_argument("--annotations", type=int, required=True); p.add_argument("--categories", type=int)
    p.set_defaults(check=check_coco)
    p = sub.add_parser("yolo"); p.add_argument("dir"); p.add_argument("--classes", type=int); p.add_argument("--files", type=int)
    p.set_defaults(check=check_yolo)
    p = sub.add_parser("voc"); p.add_argument("dir"); p.add_argument("--files", type=int); p.add_argument("--objects", type=int)
    p.set_defaults(check=check_voc)
    p = sub.add_parser("vtt"); p.add_argument("file"); p.add_argument("--notes", type=int, required=True)
    p.add_argument("--cues", type=int); p.set_defaults(check=check_vtt)
    p = sub.add_parser("labelstudio"); p.add_argument("file"); p.add_argument("--tasks", type=int)
    p.add_argument("--results", type=int); p.add_argument("--import-into", metavar="URL")
    p.add_argument("--email"); p.add_argument("--password"); p.set_defaults(check=check_labelstudio)
    p = sub.add_parser("csv"); p.add_argument("file"); p.add_argument("--columns", required=True)
    p.add_argument("--rows", type=int); p.set_defaults(check=check_csv)
    p = sub.add_parser("jsonl"); p.add_argument("file"); p.add_argument("--lines", type=int); p.set_defaults(check=check_jsonl)
    p = sub.add_parser("audio-json"); p.add_argument("file"); p.add_argument("--ranges", type=int)
    p.set_defaults(check=check_audio_json)
    args = parser.parse_args(argv)
    target = getattr(args, "file", None) or getattr(args, "dir", None)
    if not os.path.exists(target):
        print(f"invalid: {target} does not exist")
        return 1
    try:
        summary = args.check(args)
    except Invalid as error:
        print(f"invalid: {error}")
        return 1
    except (OSError, UnicodeDecodeError) as error:
        print(f"invalid: cannot read {target}: {error}")
        return 1
    print(f"ok: {args.format} {target}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
