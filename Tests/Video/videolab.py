"""A demo lab for the video tests, and the calls a client's script and an operator make to it.

The lab is started as the browser tests start theirs (`annolab demo` on a fresh data folder and a free
loopback port, the program given by ANNOLAB_BIN); the JSON calls come from Tests/Browser/labapi.py,
which needs nothing but the standard library."""
import json
import pathlib
import re
import sys
import time
import urllib.error
import urllib.request
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "Browser"))

from demolab import DemoLab  # noqa: E402
from labapi import CLIENT, COACH, ApiError, call, login, set_profile, share_project, token_of  # noqa: E402

__all__ = ["BADGES", "CLIENT", "COACH", "ApiError", "call", "login", "set_profile", "share_project", "token_of",
           "VideoLab", "upload", "fetch", "project", "settle", "wait_for_jobs", "TIMECODE", "seconds_of"]

TIMECODE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3}$")
# The demo operators who work the stories' microtasks.
BADGES = ["OP-0001", "OP-0002", "OP-0003"]


def seconds_of(timecode):
    """`HH:MM:SS.mmm` in seconds."""
    assert TIMECODE.match(timecode), f"not a timecode HH:MM:SS.mmm: {timecode!r}"
    hours, minutes, seconds = timecode.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


class VideoLab(DemoLab):
    """`annolab demo` on a fresh data folder and a free loopback port (Tests/Browser/demolab.py), and
    what the video tests look at in it."""

    prefix = "annolab-video-"

    def descendants(self):
        """(pid, name, command line) of every process below the server, read from /proc."""
        parents = {}
        for entry in pathlib.Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                name = stat[stat.index("(") + 1:stat.rindex(")")]
                parent = int(stat[stat.rindex(")") + 2:].split()[1])
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            except (OSError, ValueError):
                continue  # gone meanwhile
            parents[int(entry.name)] = (parent, name, command)
        found, frontier = [], {self.pid}
        while frontier:
            children = [(pid, info) for pid, info in parents.items() if info[0] in frontier]
            frontier = {pid for pid, _ in children}
            found += [(pid, info[1], info[2]) for pid, info in children]
        return found

    def media_children(self):
        """The ffmpeg and ffprobe processes below the server."""
        return [p for p in self.descendants() if p[1] in ("ffmpeg", "ffprobe") or
                re.search(r"(^|/)ff(mpeg|probe)(\s|$)", p[2])]


def upload(lab, project_id, files, token, strict=False, timeout=300):
    """A multipart upload of (file name, path or bytes) pairs, as a client's script sends it.
    Returns (status, parsed body) for any status: refusals are what these tests look at."""
    boundary = uuid.uuid4().hex
    body = bytearray()
    for name, content in files:
        data = content if isinstance(content, (bytes, bytearray)) else pathlib.Path(content).read_bytes()
        quoted = name.replace('"', "%22").replace("\r", "").replace("\n", "")
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{quoted}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    query = "?strict=true" if strict else ""
    request = urllib.request.Request(f"{lab.url.rstrip('/')}/api/v1/projects/{project_id}/items{query}",
                                     data=bytes(body), method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read()
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text.decode(errors="replace")


def fetch(lab, path, token, headers=None, timeout=60):
    """A GET of any path; returns (status, headers, body bytes) for any status."""
    request = urllib.request.Request(lab.url.rstrip("/") + path, headers={"Authorization": f"Bearer {token}",
                                                                          **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def project(lab, project_id, token):
    return call(lab, f"/api/v1/projects/{project_id}", token=token)[1]


def settle(lab, token, limit=240):
    """Waits until no programme of any of the client's projects is waiting or being prepared."""
    deadline = time.time() + limit
    while time.time() < deadline:
        busy = [job for existing in call(lab, "/api/v1/projects", token=token)[1]["projects"]
                for job in project(lab, existing["id"], token).get("jobs", []) if job["state"] in ("waiting", "working")]
        if not busy:
            return
        time.sleep(0.5)
    raise AssertionError(f"the lab was still preparing programmes after {limit} s")


def wait_for_jobs(lab, project_id, token, limit=240, files=None):
    """Polls the project until every preparation job is ready (or one failed); returns the project.
    `files`: how many jobs to expect at least. Every answer on the way is checked for the jobs' shape."""
    deadline = time.time() + limit
    last = None
    while time.time() < deadline:
        last = project(lab, project_id, token)
        jobs = last.get("jobs", [])
        for job in jobs:
            assert job["state"] in ("waiting", "working", "ready", "failed"), job
            assert 0 <= job["progress"] <= 1, job
            assert isinstance(job["file"], str) and job["file"], job
        failed = [job for job in jobs if job["state"] == "failed"]
        assert not failed, f"preparation failed: {failed}"
        if jobs and len(jobs) >= (files or 1) and all(job["state"] == "ready" for job in jobs):
            return last
        time.sleep(0.5)
    raise AssertionError(f"the programmes were not ready within {limit} s: {last and last.get('jobs')}")
