"""The four Media Park jobs, each as a story over HTTP: a client makes a project and uploads a programme,
the lab prepares it in the background, operators work the microtasks until consensus is clear, and the
client's export is read back with readers Annolab did not write (webvtt-py, pycocotools, csv, ffprobe).
Every answer is a function of the task alone, so the operators agree."""
import csv
import io
import json
import re
import subprocess
import tempfile
import time
import zipfile

import pytest
import webvtt
from pycocotools.coco import COCO

from videolab import (BADGES, ROOT, TIMECODE, call, fetch, login, project, seconds_of, share_project, upload,
                      wait_for_jobs)

FRAME_URL = re.compile(r"^/media/(\d+)/([^/]+)/frame-(\d{6})\.jpg$")


# ---- the lab's side of a story ----------------------------------------------------------------------

def new_project(lab, client, template, name, **extra):
    """A new project, the only one the operators get: earlier ones (some left unworked) go to nobody."""
    for earlier in call(lab, "/api/v1/projects", token=client)[1]["projects"]:
        share_project(lab, earlier["id"], [])
    body = {"name": name, "template": template, "overlap": 2, "goldRate": 0, **extra}
    status, created = call(lab, "/api/v1/projects", "POST", body, token=client)
    assert status == 201, created
    return created["id"]


def upload_programme(lab, client, project_id, files):
    """Uploads and checks the upload's answer: every file taken, no microtask yet for a programme."""
    status, report = upload(lab, project_id, files, client)
    assert status == 201, report
    assert report["rejected"] == [], report
    assert report["imported"] >= 1, report
    return report


def prepared(lab, client, project_id, files=1):
    """Waits for the programmes, then checks that microtasks appeared."""
    ready = wait_for_jobs(lab, project_id, client, files=files)
    assert all(job["progress"] == 1 for job in ready["jobs"]), ready["jobs"]
    # Microtasks appear as their item's job is ready; give the lab a moment to make the last ones.
    deadline = time.time() + 20
    while ready["progress"]["microtasks"] == 0 and time.time() < deadline:
        time.sleep(0.5)
        ready = project(lab, project_id, client)
    assert ready["progress"]["microtasks"] > 0, f"no microtasks after the programme was ready: {ready}"
    return ready


def work(lab, project_id, client, answer_for, badges=BADGES, limit=180):
    """Operators take tasks and answer them until every microtask of the project is complete.
    Returns the tasks served (each once per operator who got it)."""
    tokens = {badge: login(lab, badge=badge) for badge in badges}
    served = []
    deadline = time.time() + limit
    while time.time() < deadline:
        progress = project(lab, project_id, client)["progress"]
        if progress["microtasks"] and progress["completed"] >= progress["microtasks"]:
            return served
        given = False
        for badge, token in tokens.items():
            status, body = call(lab, "/api/v1/tasks/next", token=token)
            if status != 200:
                continue
            assert body["task"]["projectId"] == project_id, f"{badge} got work of another project: {body['task']}"
            served.append(body)
            answer = answer_for(body["task"], badge)
            status, reply = call(lab, f"/api/v1/assignments/{body['assignment']['id']}/answer", "POST",
                                 {"answer": answer}, token=token)
            assert status in (200, 201) and reply["accepted"], reply
            given = True
        if not given:
            time.sleep(0.5)
    raise AssertionError(f"the microtasks were not all complete within {limit} s: {progress}")


def export(lab, client, project_id, fmt):
    status, headers, body = fetch(lab, f"/api/v1/projects/{project_id}/export?format={fmt}", client)
    assert status == 200, f"export {fmt}: {status} {body[:300]!r}"
    return body


def rows_of(data):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def check_timecode(row, seconds_column, time_column, where):
    """A timecode column says the same time as its seconds column (to the millisecond)."""
    assert TIMECODE.match(row[time_column]), f"{where}: {time_column} = {row[time_column]!r}"
    assert abs(seconds_of(row[time_column]) - float(row[seconds_column])) <= 0.0015, f"{where}: {row}"


def check_frame(frame, seconds, fps, where):
    """A frame number is round(time x fps), up to the millisecond the time was written with."""
    assert abs(int(frame) - seconds * fps) <= 0.5 + 0.0005 * fps + 1e-9, f"{where}: frame {frame} at {seconds} s"


def media_path(url):
    match = re.match(r"^/media/(\d+)/([^/]+)/([^/]+)$", url)
    assert match, f"not a media URL: {url}"
    return match.groups()


# ---- subtitle-check -----------------------------------------------------------------------------------

def subtitle_answer(task, badge):
    return {"cues": [{"index": cue["index"], "verdict": "correct"} for cue in task["payload"]["cues"]]}


def check_subtitle_tasks(served, programme):
    texts = set()
    for body in served:
        task = body["task"]
        assert task["kind"] == "subtitle-check"
        payload = task["payload"]
        video, audio = payload["video"], payload["audio"]
        assert media_path(video["url"])[2] == "programme.mp4", video
        assert re.match(r"^window-\d+\.wav$", media_path(audio["url"])[2]), audio
        assert 0 <= video["start"] < video["end"] <= programme.seconds + 0.5, video
        assert abs(audio["start"] - video["start"]) < 0.01 and abs(audio["end"] - video["end"]) < 0.01, \
            f"the sound and the picture of a window are the same stretch: {audio} {video}"
        # Every cue shown belongs, at least in part, to the window's stretch.
        for cue in payload["cues"]:
            assert cue["end"] > video["start"] and cue["start"] < video["end"], (cue, video)
        for cue in payload["cues"]:
            texts.add(cue["text"])
    assert texts == {text for _, _, text in programme.cues}, "every cue of the SRT reached the operators"


def check_subtitle_exports(lab, client, project_id, programme):
    captions = webvtt.from_buffer(io.StringIO(export(lab, client, project_id, "vtt").decode()))
    assert [c.text for c in captions] == [text for _, _, text in programme.cues]
    for caption, (start, end, _) in zip(captions, programme.cues):
        assert abs(seconds_of(caption.start) - start) <= 0.002, (caption.start, start)
        assert abs(seconds_of(caption.end) - end) <= 0.002, (caption.end, end)
    rows = rows_of(export(lab, client, project_id, "csv"))
    assert len(rows) == len(programme.cues), rows
    for column in ("start_time", "end_time", "start_frame", "end_frame"):
        assert column in rows[0], f"the report has no {column} column: {list(rows[0])}"
    for row in rows:
        assert row["verdict"] == "correct", row
        for edge in ("start", "end"):
            check_timecode(row, edge, f"{edge}_time", "subtitle report")
            check_frame(row[f"{edge}_frame"], float(row[edge]), programme.fps, "subtitle report")


def check_web_version(lab, client, url, largest=None):
    """The web version: seekable by ranges, H.264 + AAC, its index at the front; with `largest`, at most
    that many pixels wide and high. Returns ffprobe's picture stream."""
    assert media_path(url)[2] == "programme.mp4", url
    status, headers, head = fetch(lab, url, client, {"Range": "bytes=0-99"})
    assert status == 206 and len(head) == 100, (status, len(head))
    match = re.match(r"^bytes 0-99/(\d+)$", headers.get("Content-Range", ""))
    assert match, headers.get("Content-Range")
    status, _, whole = fetch(lab, url, client)
    assert status == 200 and len(whole) == int(match.group(1)) and whole[:100] == head
    assert 0 <= whole.find(b"moov") < whole.find(b"mdat"), "the web version cannot start playing before it is all loaded"
    status, _, tail = fetch(lab, url, client, {"Range": f"bytes={len(whole) - 10}-"})
    assert status == 206 and tail == whole[-10:], status
    with tempfile.NamedTemporaryFile(suffix=".mp4") as copy:
        copy.write(whole)
        copy.flush()
        streams = json.loads(subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_streams",
                                             copy.name], capture_output=True, text=True, check=True).stdout)["streams"]
    picture = next(s for s in streams if s["codec_type"] == "video")
    assert picture["codec_name"] == "h264", picture
    if largest:
        assert picture["width"] <= largest[0] and picture["height"] <= largest[1], picture
    assert any(s["codec_type"] == "audio" and s["codec_name"] == "aac" for s in streams), streams
    return picture


@pytest.mark.slow
def test_a_news_programme_with_its_srt_is_checked_and_exported_with_timecodes(lab, client, programme):
    project_id = new_project(lab, client, "subtitle-check", "Tonight's news, subtitles")
    report = upload_programme(lab, client, project_id, [("news.mp4", programme.mp4), ("news.srt", programme.srt)])
    assert report["microtasks"] == 0, "a programme's microtasks come once it is prepared"
    prepared(lab, client, project_id)
    served = work(lab, project_id, client, subtitle_answer)
    check_subtitle_tasks(served, programme)
    check_subtitle_exports(lab, client, project_id, programme)
    # An MP4 a browser plays as it is keeps its picture; only its index moves to the front.
    picture = check_web_version(lab, client, served[0]["task"]["payload"]["video"]["url"])
    assert (picture["width"], picture["height"]) in ((programme.width, programme.height), (854, 480)), picture


@pytest.mark.slow
def test_a_720p_mkv_with_its_subtitles_inside_is_transcoded_checked_and_exported(lab, client, programme_720p):
    programme = programme_720p
    project_id = new_project(lab, client, "subtitle-check", "Tonight's news, subtitles inside")
    report = upload_programme(lab, client, project_id, [("news.mkv", programme.mkv())])
    assert report["imported"] == 1 and report["microtasks"] == 0, report
    prepared(lab, client, project_id)
    served = work(lab, project_id, client, subtitle_answer)
    check_subtitle_tasks(served, programme)
    url = served[0]["task"]["payload"]["video"]["url"]
    # A Matroska file does not play in a browser: its web version is made, at most 854 x 480.
    picture = check_web_version(lab, client, url, largest=(854, 480))
    assert abs(picture["width"] / picture["height"] - 16 / 9) < 0.01, f"the picture keeps its shape: {picture}"
    # The track taken out of the programme is kept beside it as WebVTT (subtitles-track.vtt, so that it never
    # takes the name of a subtitle file uploaded beside the programme, subtitles.vtt).
    project_number, folder, _ = media_path(url)
    answers = [fetch(lab, f"/media/{project_number}/{folder}/{name}", client)
               for name in ("subtitles-track.vtt", "subtitles.vtt")]
    status, _, track = next((a for a in answers if a[0] == 200), answers[0])
    assert status == 200, f"no subtitle track beside the programme: {status}"
    assert [c.text for c in webvtt.from_buffer(io.StringIO(track.decode()))] == [t for _, _, t in programme.cues]
    check_subtitle_exports(lab, client, project_id, programme)


# ---- audio-tags -------------------------------------------------------------------------------------

@pytest.mark.slow
def test_music_is_found_in_a_programmes_sound_and_exported_as_time_ranges(lab, client, programme):
    project_id = new_project(lab, client, "audio-tags", "Music in tonight's news")
    upload_programme(lab, client, project_id, [("news.mp4", programme.mp4), ("news-sound.m4a", programme.sound("m4a"))])
    prepared(lab, client, project_id, files=2)

    def answer(task, badge):
        audio = task["payload"]["audio"]
        assert re.match(r"^clip-\d+\.wav$", media_path(audio["url"])[2]), audio
        return {"tags": programme.tags_between(audio["start"], audio["end"])}
    served = work(lab, project_id, client, answer)
    clips = {(b["task"]["payload"]["audio"]["url"]) for b in served}
    assert len(clips) >= 2 * 3, "a 30 s programme and its sound give three 10 s clips each"

    rows = rows_of(export(lab, client, project_id, "csv"))
    for column in ("file", "start", "end", "tag", "confidence", "start_time", "end_time", "start_frame", "end_frame"):
        assert column in rows[0], f"no {column} column: {list(rows[0])}"
    music = [row for row in rows if row["tag"] == "music"]
    assert music, rows
    for row in rows:
        for edge in ("start", "end"):
            check_timecode(row, edge, f"{edge}_time", "tags")
        if row["file"].endswith(".mp4"):
            for edge in ("start", "end"):
                check_frame(row[f"{edge}_frame"], float(row[edge]), programme.fps, "tags of the programme")
        else:
            assert row["start_frame"] == row["end_frame"] == "", f"a sound-only file has no frames: {row}"
    # Every stretch tagged music overlaps the programme's music, and every music stretch was found.
    for row in music:
        assert "music" in programme.tags_between(float(row["start"]), float(row["end"])), row
    for start, end in programme.music:
        for name in ("news.mp4", "news-sound.m4a"):
            assert any(r["file"] == name and float(r["start"]) < end and float(r["end"]) > start for r in music), \
                f"the music at {start:.1f}-{end:.1f} s of {name} was not found: {music}"
    assert json.loads(export(lab, client, project_id, "json")), "the JSON export is empty"


# ---- thumbnail-choice ---------------------------------------------------------------------------------

def earliest(task, badge):
    """Each operator picks the earliest of the frames shown, whatever order they are shown in."""
    frames = task["payload"]["frames"]
    return {"choice": min(frames, key=lambda f: f["frame"])["id"]}


@pytest.fixture(scope="module")
def thumbnails(lab, client, programme):
    project_id = new_project(lab, client, "thumbnail-choice", "A thumbnail for tonight's news")
    upload_programme(lab, client, project_id, [("news.mp4", programme.mp4)])
    prepared(lab, client, project_id)
    served = work(lab, project_id, client, earliest)
    return project_id, served


@pytest.mark.slow
def test_thumbnails_are_chosen_from_frames_at_scene_changes_and_exported_as_jpeg(lab, client, programme, thumbnails):
    project_id, served = thumbnails
    chosen = {}
    for body in served:
        task = body["task"]
        assert task["kind"] == "choice"
        payload = task["payload"]
        assert 3 <= len(payload["options"]) <= 4 and len(payload["frames"]) == len(payload["options"]), payload
        assert [f["id"] for f in payload["frames"]] == payload["options"] or \
            sorted(f["id"] for f in payload["frames"]) == sorted(payload["options"]), payload
        for frame in payload["frames"]:
            match = FRAME_URL.match(frame["url"])
            assert match and frame["id"] == f"frame-{frame['frame']:06d}" == f"frame-{match.group(3)}", frame
            assert frame["width"] > 0 and frame["height"] > 0, frame
            check_frame(frame["frame"], frame["time"], programme.fps, "candidate")
        chosen[task["id"]] = earliest(task, None)["choice"]
    # The client can look at every candidate frame of their project.
    frame = served[0]["task"]["payload"]["frames"][0]
    status, headers, data = fetch(lab, frame["url"], client)
    assert status == 200 and headers["Content-Type"].startswith("image/jpeg") and data[:3] == b"\xff\xd8\xff", status

    rows = rows_of(export(lab, client, project_id, "csv"))
    columns = [c for c in list(rows[0]) if c in ("file", "candidate", "frame", "time", "votes", "chosen")]
    assert columns == ["file", "candidate", "frame", "time", "votes", "chosen"], list(rows[0])
    offered = {f["id"] for b in served for f in b["task"]["payload"]["frames"]}
    assert len(rows) == len(offered), f"one row per candidate frame: {len(rows)} rows, {len(offered)} offered"
    for row in rows:
        assert row["file"] == "news.mp4", row
        assert TIMECODE.match(row["time"]), row
        check_frame(row["frame"], seconds_of(row["time"]), programme.fps, "thumbnail report")
        assert row["candidate"].removesuffix(".jpg") == f"frame-{int(row['frame']):06d}", row
        assert row["chosen"] in ("0", "1"), row
    picked = {int(row["frame"]) for row in rows if row["chosen"] == "1"}
    assert picked == {int(choice.removeprefix("frame-")) for choice in chosen.values()}, (picked, chosen)
    assert all(int(row["votes"]) == 2 for row in rows if row["chosen"] == "1"), rows
    assert all(int(row["votes"]) == 0 for row in rows if row["chosen"] == "0"), rows

    with zipfile.ZipFile(io.BytesIO(export(lab, client, project_id, "zip"))) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        pictures = [n for n in names if n.lower().endswith(".jpg")]
        assert any(n.lower().endswith(".csv") for n in names), names
        # Each chosen frame once, named with its frame number (and whatever else helps a catalogue).
        numbers = [re.search(r"frame-0*(\d+)\.jpg$", name) for name in pictures]
        assert all(numbers), f"a JPEG not named by its frame: {names}"
        assert sorted(int(m.group(1)) for m in numbers) == sorted(picked), (names, picked)
        for name in pictures:
            data = archive.read(name)
            assert data[:3] == b"\xff\xd8\xff" and data[-2:] == b"\xff\xd9", f"{name} is not a whole JPEG"
    assert json.loads(export(lab, client, project_id, "json"))


@pytest.mark.slow
def test_thumbnail_candidates_skip_the_black_stretch_and_the_repeated_scene(programme, thumbnails):
    _, served = thumbnails
    frames = {f["frame"]: f["time"] for b in served for f in b["task"]["payload"]["frames"]}
    black = next((start, end) for start, end, source in programme.scenes if source == "black")
    inside = [t for t in frames.values() if black[0] + 1 / programme.fps < t < black[1] - 1 / programme.fps]
    assert not inside, f"black frames offered as thumbnails at {inside} s (black from {black[0]} to {black[1]} s)"
    first, repeat = [(s, e) for s, e, source in programme.scenes if source == "testsrc2"]
    # The repeated scene starts with the very frames the programme starts with: at most one of each pair.
    for number, when in frames.items():
        if first[0] <= when < first[1]:
            twin = round((repeat[0] + when - first[0]) * programme.fps)
            assert twin not in frames, f"frames {number} and {twin} are the same picture; both were offered"


# ---- frame-boxes --------------------------------------------------------------------------------------

def face_box(task, badge):
    image = task["payload"]["image"]
    return {"boxes": [{"label": "face", "x": image["width"] // 4, "y": image["height"] // 4,
                       "w": image["width"] // 4, "h": image["height"] // 4}]}


@pytest.mark.slow
def test_faces_are_boxed_on_keyframes_and_the_coco_export_names_video_frame_and_time(lab, client, programme, tmp_path):
    project_id = new_project(lab, client, "frame-boxes", "Faces in tonight's news", labels=["face"])
    upload_programme(lab, client, project_id, [("news.mp4", programme.mp4)])
    prepared(lab, client, project_id)
    served = work(lab, project_id, client, face_box)
    keyframes = {}
    for body in served:
        task = body["task"]
        assert task["kind"] == "image-boxes"
        image, frame = task["payload"]["image"], task["payload"]["frame"]
        match = FRAME_URL.match(image["url"])
        assert match and int(match.group(3)) == frame["number"], (image, frame)
        check_frame(frame["number"], frame["time"], programme.fps, "keyframe")
        keyframes[frame["number"]] = (frame["time"], image)
    times = sorted(t for t, _ in keyframes.values())
    gaps = [b - a for a, b in zip([0.0] + times, times + [programme.seconds])]
    assert max(gaps) <= 10 + 1 / programme.fps + 0.01, f"keyframes more than 10 s apart: {times}"

    path = tmp_path / "coco.json"
    path.write_bytes(export(lab, client, project_id, "coco"))
    coco = COCO(str(path))
    images = coco.loadImgs(coco.getImgIds())
    assert len(images) == len(keyframes), (len(images), sorted(keyframes))
    assert len({image["file_name"] for image in images}) == len(images), "two images of one name"
    for image in images:
        for extra in ("video", "frame", "time"):
            assert extra in image, f"a COCO image without {extra}: {image}"
        # The frame JPEG's name, which may carry its programme's name in front to stay unique in the project.
        assert image["file_name"].endswith(f"frame-{image['frame']:06d}.jpg"), image
        assert image["video"] == "news.mp4", image
        seconds = seconds_of(image["time"]) if isinstance(image["time"], str) else float(image["time"])
        assert image["frame"] in keyframes and abs(seconds - keyframes[image["frame"]][0]) <= 0.0015, image
        boxes = coco.loadAnns(coco.getAnnIds(imgIds=[image["id"]]))
        assert len(boxes) == 1, boxes
        shown = keyframes[image["frame"]][1]
        # Boxes come back in the frame's own pixels; the frame shown may have been scaled.
        x, y, w, h = boxes[0]["bbox"]
        assert abs(x / image["width"] - (shown["width"] // 4) / shown["width"]) < 0.02, (boxes[0], image, shown)
        assert abs(w / image["width"] - (shown["width"] // 4) / shown["width"]) < 0.02, (boxes[0], image, shown)
        assert coco.loadCats(boxes[0]["category_id"])[0]["name"] == "face"
    rows = rows_of(export(lab, client, project_id, "csv"))
    assert rows and any(TIMECODE.match(v or "") for v in rows[0].values()), f"the CSV has no timecode: {rows[:2]}"
    for fmt in ("yolo", "voc", "labelstudio"):
        assert export(lab, client, project_id, fmt), fmt


# ---- every format a newsroom sends ------------------------------------------------------------------

@pytest.mark.slow
def test_webm_and_sound_files_in_every_format_are_taken_and_prepared(lab, client, programme):
    project_id = new_project(lab, client, "audio-tags", "Sounds in every format")
    files = [("news.webm", programme.webm())] + [(f"news.{e}", programme.sound(e)) for e in ("mp3", "m4a", "opus", "flac")]
    status, report = upload(lab, project_id, files, client)
    assert status == 201 and report["rejected"] == [] and report["imported"] == len(files), report
    ready = prepared(lab, client, project_id, files=len(files))
    assert sorted(job["file"] for job in ready["jobs"]) == sorted(name for name, _ in files), ready["jobs"]
    # 30 s of sound in 10 s clips: three clips from each file.
    deadline = time.time() + 20
    while ready["progress"]["microtasks"] < 3 * len(files) and time.time() < deadline:
        time.sleep(0.5)
        ready = project(lab, project_id, client)
    assert ready["progress"]["microtasks"] == 3 * len(files), ready["progress"]


@pytest.mark.slow
def test_the_real_big_buck_bunny_clip_is_boxed_frame_by_frame_and_exported_with_its_name(lab, client):
    """The openly licensed clip in Tasks/samples (5.3 s of 720p H.264 with 5.1 AAC, its index at the end)."""
    sample = ROOT / "Tasks" / "samples" / "bigbuckbunny.mp4"
    project_id = new_project(lab, client, "frame-boxes", "Faces in Big Buck Bunny", labels=["face"])
    upload_programme(lab, client, project_id, [("bigbuckbunny.mp4", sample)])
    prepared(lab, client, project_id)
    served = work(lab, project_id, client, face_box)
    numbers = sorted({body["task"]["payload"]["frame"]["number"] for body in served})
    assert numbers and all(0 <= n < 132 for n in numbers), numbers  # the clip has 132 frames at 25 a second
    coco = json.loads(export(lab, client, project_id, "coco"))
    assert sorted(image["frame"] for image in coco["images"]) == numbers
    assert {image["video"] for image in coco["images"]} == {"bigbuckbunny.mp4"}
