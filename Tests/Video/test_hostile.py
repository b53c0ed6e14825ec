"""Hostile and broken files: each is refused whole with a plain reason and its code, nothing of it is
stored, `?strict=true` answers 422, and no ffmpeg or ffprobe is left running below the server. A name
full of shell characters is only ever a name: the file is taken or refused for what is in it, never run."""
import os
import pathlib
import time

import pytest

import media
from videolab import CLIENT, VideoLab, call, project, settle, token_of, upload, wait_for_jobs

HOSTILE = media.hostile()
SHELL_FILE, SHELL_NAMES = media.shell_named()
CODES = {"media_unreadable", "media_cut_off", "media_no_streams", "media_too_long", "media_picture_too_large",
         "media_too_many_streams"}


@pytest.fixture(scope="module")
def hostile_lab():
    """A lab of its own, so that no preparation of another test's programme runs beside these."""
    lab = VideoLab()
    try:
        # The demo's own programmes are prepared first; the checks below want a lab at rest.
        settle(lab, token_of(lab, CLIENT))
        yield lab
    finally:
        lab.stop()


def no_media_processes(lab, grace=5):
    """No ffmpeg or ffprobe below the server (a child may take a moment to be reaped)."""
    deadline = time.time() + grace
    while True:
        found = lab.media_children()
        if not found or time.time() > deadline:
            return found
        time.sleep(0.2)


def folders(lab, project_id):
    where = lab.media / str(project_id)
    return sorted(p.name for p in where.iterdir()) if where.exists() else []


def nothing_stored(lab, project_id, client):
    state = project(lab, project_id, client)
    assert state["progress"]["microtasks"] == 0, state["progress"]
    assert not state.get("jobs"), f"a refused file left a job: {state['jobs']}"
    assert folders(lab, project_id) == [], f"a refused file left media: {folders(lab, project_id)}"


def plain(reason, lab):
    """A sentence for a client: no paths, no program output, no Swift."""
    assert isinstance(reason, str) and 10 <= len(reason) <= 300, reason
    for bad in ("\n", lab.data, "/tmp/", "Optional(", "Error Domain", "errno", "Traceback", "stderr"):
        assert bad not in reason, f"not a plain reason ({bad!r}): {reason}"


@pytest.mark.parametrize("key", list(HOSTILE))
def test_a_hostile_file_is_refused_with_its_reason_and_nothing_is_stored(hostile_lab, key):
    lab, hostile = hostile_lab, HOSTILE[key]
    client = token_of(lab, CLIENT)
    project_id = call(lab, "/api/v1/projects", "POST", {"name": f"Hostile: {hostile.what}", "template": "audio-tags"},
                      token=client)[1]["id"]
    started = time.time()
    status, report = upload(lab, project_id, [(hostile.name, hostile.path)], client)
    took = time.time() - started
    assert status == 201, (status, report)
    assert report["imported"] == 0 and report["microtasks"] == 0, report
    assert len(report["rejected"]) == 1, report
    refused = report["rejected"][0]
    assert refused["file"] == hostile.name, refused
    assert refused.get("code") == hostile.code, f"{hostile.what}: {refused}"
    plain(refused["reason"], lab)
    assert took < 60, f"refusing {hostile.what} took {took:.1f} s"
    nothing_stored(lab, project_id, client)

    status, body = upload(lab, project_id, [(hostile.name, hostile.path)], client, strict=True)
    assert status == 422, (status, body)
    assert isinstance(body, dict) and body["error"]["message"], body
    nothing_stored(lab, project_id, client)
    assert no_media_processes(lab) == [], "ffmpeg or ffprobe left running"


def test_a_refused_file_beside_a_good_one_spoils_a_strict_upload_only(hostile_lab):
    lab = hostile_lab
    client = token_of(lab, CLIENT)
    project_id = call(lab, "/api/v1/projects", "POST", {"name": "Half good", "template": "audio-tags"},
                      token=client)[1]["id"]
    files = [("good.mp4", SHELL_FILE), ("letter.mp4", HOSTILE["text"].path)]
    status, body = upload(lab, project_id, files, client, strict=True)
    assert status == 422, (status, body)
    nothing_stored(lab, project_id, client)
    status, report = upload(lab, project_id, files, client)
    assert status == 201 and report["imported"] == 1, report
    assert [r["file"] for r in report["rejected"]] == ["letter.mp4"], report
    wait_for_jobs(lab, project_id, client)
    assert no_media_processes(lab) == []


def pwned_files(lab):
    """Every file called PWNED where a shell run by the server could have made one."""
    places = [media.ROOT, pathlib.Path(lab.data), pathlib.Path("/tmp"), pathlib.Path.home(), media.CACHE]
    found = []
    for place in places:
        found += [str(p) for p in place.glob("PWNED")]
    for deep in (pathlib.Path(lab.data), media.CACHE):
        found += [str(p) for p in deep.rglob("PWNED")]
    return found


@pytest.mark.parametrize("name", SHELL_NAMES)
def test_a_name_with_shell_characters_is_only_a_name(hostile_lab, name):
    lab = hostile_lab
    assert pwned_files(lab) == [], "a PWNED file was there before the test"
    client = token_of(lab, CLIENT)
    project_id = call(lab, "/api/v1/projects", "POST", {"name": "Names", "template": "audio-tags"},
                      token=client)[1]["id"]
    status, report = upload(lab, project_id, [(name, SHELL_FILE)], client)
    assert status == 201, (status, report)
    if report["imported"]:
        ready = wait_for_jobs(lab, project_id, client)
        assert [job["file"] for job in ready["jobs"]] == [name], ready["jobs"]
        for folder in folders(lab, project_id):
            for stored in (lab.media / str(project_id) / folder).iterdir():
                assert "$" not in stored.name and "`" not in stored.name and not stored.name.startswith("-"), stored
    else:
        refused = report["rejected"][0]
        assert refused["file"] == name and refused.get("code") not in CODES, \
            f"a valid programme refused for what is in it: {refused}"
        plain(refused["reason"], lab)
    assert pwned_files(lab) == [], "a shell ran a command from a file's name"
    assert no_media_processes(lab, grace=10) == []
    assert not os.path.exists(media.ROOT / "x.mp4")
