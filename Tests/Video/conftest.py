"""Video tests: a real demo lab over HTTP, programmes made by ffmpeg and espeak-ng (media.py), and
readers Annolab did not write (webvtt-py, pycocotools, csv, ffprobe).

Run (the programmes are made once and kept in .build/video-media):
    python3 -m venv .venv-video && .venv-video/bin/pip install -r Tests/Video/requirements.txt
    ANNOLAB_BIN=.build/debug/annolab .venv-video/bin/python -m pytest -q Tests/Video
`-m "not slow"` leaves out the stories that wait for programmes to be prepared; `-m slow` runs only them."""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import media  # noqa: E402
from videolab import BADGES, CLIENT, VideoLab, call, login, set_profile, share_project, token_of  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: waits for programmes to be prepared (transcoding, frames, clips)")


def quiet_lab(lab):
    """The demo's own projects go to nobody, so the operators get only the work a test makes; the three
    operators may do every kind, by sight, and start their shifts."""
    client = token_of(lab, CLIENT)
    for existing in call(lab, "/api/v1/projects", token=client)[1]["projects"]:
        share_project(lab, existing["id"], [])
    for badge in BADGES:
        set_profile(lab, badge, taskKinds=[], audioMode=False)
        token = login(lab, badge=badge)
        if call(lab, "/api/v1/shift", token=token)[1]["phase"] not in ("work", "pause"):
            call(lab, "/api/v1/shift/start", "POST", {}, token=token)
    return lab


@pytest.fixture(scope="session")
def lab():
    started = VideoLab()
    try:
        yield quiet_lab(started)
    finally:
        started.stop()


@pytest.fixture(scope="session")
def programme():
    """The short news programme, 30 s at 640 x 360 (made once, then cached under .build/video-media)."""
    return media.news(30, "640x360")


@pytest.fixture(scope="session")
def programme_720p():
    """The same programme at 1280 x 720, which the lab must transcode for the web."""
    return media.news(30, "1280x720")


@pytest.fixture(scope="session")
def client(lab):
    return token_of(lab, CLIENT)
