"""Calls to the running lab over HTTP for the scenarios' preparations and for what other people do
meanwhile (another operator, the coach, the client): the browser tests' own helpers, given an address."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "Browser"))

from labapi import CLIENT, COACH, ApiError, call, login, operator_id  # noqa: E402,F401


class At:
    """The lab at an address, in the shape the browser tests' helpers take (an object with `url`)."""

    def __init__(self, url):
        self.url = url


def as_coach(url):
    return login(At(url), email=COACH[0], password=COACH[1])


def as_client(url):
    return login(At(url), email=CLIENT[0], password=CLIENT[1])


def as_operator(url, badge):
    return login(At(url), badge=badge)
