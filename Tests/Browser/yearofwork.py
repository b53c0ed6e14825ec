"""A year of work for one operator, written straight into a stopped demo lab's SQLite file: shifts with
work and pause segments on about 200 days of the past year, answers on copies of the demo's microtasks
(some of them practice questions, answered right or wrong), and skills reached on the ladder. The lab then
starts again on the same data folder (standard library only)."""
import datetime
import json
import pathlib
import random
import sqlite3
import subprocess

from demolab import DemoLab

STAMP = "%Y-%m-%d %H:%M:%S.%f"


def stamp(moment):
    """A datetime as GRDB stores it: UTC text with milliseconds, "2026-03-02 08:00:00.000"."""
    return moment.strftime(STAMP)[:-3]


class RestartableLab(DemoLab):
    """A demo lab that can be stopped and started again on the same data folder, e.g. to write into its
    database while nothing else does."""

    def halt(self):
        """Stops the server and keeps its data folder."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def start_again(self):
        """`annolab demo` on the same folder: it holds a lab already, so nothing is seeded again."""
        self.launch(what="start again")

    @property
    def database_path(self):
        return pathlib.Path(self.data) / "annolab.sqlite"


def answer_body(kind, payload):
    """A well-formed answer of the task's kind."""
    if kind == "audio-tags":
        return {"tags": [(payload.get("tags") or payload.get("options") or ["speech"])[0]]}
    if kind == "subtitle-check":
        return {"cues": [{"index": cue["index"], "verdict": "correct"} for cue in payload.get("cues", [])]}
    if kind in ("image-boxes", "frame-boxes"):
        return {"boxes": []}
    options = payload.get("options") or ["yes", "no"]
    return {"choice": options[0]}


class YearOfWork:
    """What was written for one operator, to compare the record with."""

    def __init__(self, operator_id):
        self.operator_id = operator_id
        self.days = []
        self.answers_per_kind = {}
        self.gold_right = 0
        self.gold_wrong = 0
        self.scheduled_pauses = 0
        self.extra_pauses = 0

    @property
    def first_day(self):
        return min(self.days)

    @property
    def last_day(self):
        return max(self.days)


def write_year(database_path, operator_id, seed=1, days=200, answers_per_day=(3, 8), today=None,
               skills=(("subtitle-check", 40, "practice"), ("image-box-verify", 120, "coach"))):
    """Writes `days` working days of the 365 before `today` (UTC; from the minimum wage table's first day) for one operator: one shift a day at
    08:00 UTC with 2-4 blocks of 45 minutes' work and 15 minutes' pause between them (now and then an
    extra pause of 5 minutes), answers on copies of the demo's microtasks (one in eight a practice
    question, right three times in four), and `skills` as (step, days after the first day, via).
    Returns a YearOfWork with what was written."""
    rng = random.Random(seed)
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    connection = sqlite3.connect(str(database_path), timeout=30)
    # Pay can be checked only on days the minimum wage table covers: the year starts there at the earliest.
    (earliest,) = connection.execute("SELECT MIN(effectiveFrom) FROM minimumWage").fetchone()
    past = [today - datetime.timedelta(days=n) for n in range(1, 366)]
    past = [day for day in past if earliest is None or day.isoformat() >= earliest]
    chosen = sorted(rng.sample(past, min(days, len(past))))
    year = YearOfWork(operator_id)
    try:
        with connection:
            templates = connection.execute(
                "SELECT id, projectId, itemId, kind, payload, estimatedSeconds, requiredAnswers FROM microtask "
                "WHERE isGold = 0 ORDER BY id").fetchall()
            assert templates, "the demo lab has no microtasks to copy"
            for day in chosen:
                year.days.append(day)
                start = datetime.datetime(day.year, day.month, day.day, 8, 0)
                blocks = rng.randint(2, 4)
                cursor = connection.execute(
                    "INSERT INTO shift (operatorId, startedAt, plannedEndAt, endedAt, workMinutes, pauseMinutes, "
                    "endReason, shiftMinutes, dailyCapMinutes) VALUES (?, ?, ?, ?, 45, 15, 'plannedLength', 240, 240)",
                    (operator_id, stamp(start), stamp(start + datetime.timedelta(minutes=240)), stamp(start)))
                shift_id = cursor.lastrowid
                moment = start
                segments = []
                for block in range(blocks):
                    segments.append(("work", moment, moment + datetime.timedelta(minutes=45)))
                    moment += datetime.timedelta(minutes=45)
                    if rng.random() < 0.06:
                        segments.append(("extraPause", moment, moment + datetime.timedelta(minutes=5)))
                        moment += datetime.timedelta(minutes=5)
                        year.extra_pauses += 1
                    if block < blocks - 1:
                        segments.append(("pause", moment, moment + datetime.timedelta(minutes=15)))
                        moment += datetime.timedelta(minutes=15)
                        year.scheduled_pauses += 1
                for kind, begin, end in segments:
                    connection.execute("INSERT INTO timeSegment (shiftId, kind, startedAt, endedAt) VALUES (?, ?, ?, ?)",
                                       (shift_id, kind, stamp(begin), stamp(end)))
                connection.execute("UPDATE shift SET endedAt = ? WHERE id = ?", (stamp(moment), shift_id))
                for n in range(rng.randint(*answers_per_day)):
                    template = rng.choice(templates)
                    _, project, item, kind, payload, seconds, required = template
                    gold = rng.random() < 0.125
                    answered = start + datetime.timedelta(minutes=1 + n * 4)
                    microtask = connection.execute(
                        "INSERT INTO microtask (projectId, itemId, kind, payload, estimatedSeconds, isGold, requiredAnswers, "
                        "answerCount, status, createdAt) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 'complete', ?)",
                        (project, item, kind, payload, seconds, 1 if gold else 0, required, stamp(answered))).lastrowid
                    body = json.dumps(answer_body(kind, json.loads(payload)), separators=(",", ":"), sort_keys=True)
                    assignment = connection.execute(
                        "INSERT INTO assignment (microtaskId, operatorId, leasedAt, leaseExpiresAt, state, finishedAt) "
                        "VALUES (?, ?, ?, ?, 'answered', ?)",
                        (microtask, operator_id, stamp(answered - datetime.timedelta(seconds=50)),
                         stamp(answered + datetime.timedelta(minutes=10)), stamp(answered))).lastrowid
                    right = None
                    if gold:
                        right = rng.random() < 0.75
                        connection.execute("INSERT INTO goldAnswer (microtaskId, body) VALUES (?, ?)", (microtask, body))
                        if right:
                            year.gold_right += 1
                        else:
                            year.gold_wrong += 1
                    connection.execute(
                        "INSERT INTO answer (assignmentId, microtaskId, operatorId, body, secondsSpent, createdAt, "
                        "isGold, goldCorrect) VALUES (?, ?, ?, ?, 50, ?, ?, ?)",
                        (assignment, microtask, operator_id, body, stamp(answered), 1 if gold else 0,
                         None if right is None else (1 if right else 0)))
                    year.answers_per_kind[kind] = year.answers_per_kind.get(kind, 0) + 1
            first = datetime.datetime.combine(chosen[0], datetime.time(12, 0))
            for step, after, via in skills:
                connection.execute("INSERT OR REPLACE INTO skill (operatorId, step, reachedAt, via) VALUES (?, ?, ?, ?)",
                                   (operator_id, step, stamp(first + datetime.timedelta(days=after)), via))
            # Pay from the first day: the operator's rate (or the minimum wage) holds over the whole year.
            rate = connection.execute("SELECT hourlyCents FROM rate WHERE operatorId = ? ORDER BY effectiveFrom LIMIT 1",
                                      (operator_id,)).fetchone()
            connection.execute("INSERT OR IGNORE INTO rate (operatorId, hourlyCents, effectiveFrom) VALUES (?, ?, ?)",
                               (operator_id, rate[0] if rate else 1500, (chosen[0] - datetime.timedelta(days=1)).isoformat()))
    finally:
        connection.close()
    return year


def set_language(database_path, operator_id, language):
    connection = sqlite3.connect(str(database_path), timeout=30)
    try:
        with connection:
            connection.execute("UPDATE user SET language = ? WHERE id = ?", (language, operator_id))
    finally:
        connection.close()
