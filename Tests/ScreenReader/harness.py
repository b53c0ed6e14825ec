"""Runs the screen-reader scenarios: each run on a desktop of its own (see desktop.py) inside
`dbus-run-session`, a fresh copy of a seeded demo lab, Orca and Chromium; writes one transcript per scenario.

    python3 harness.py [--all] [--repeat N] [--keep] [SCENARIO...]

Each run is a child process (`dbus-run-session -- python3 harness.py --inner ...`) that stops everything it
started by process id; afterwards any process still holding the run's private HOME is stopped by its id too."""
import argparse
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import phrases  # noqa: E402
import scenarios  # noqa: E402
from ear import LOAD_HANDLED, Ear  # noqa: E402
from transcript import write_transcript  # noqa: E402

RUN_DEADLINE = 600  # seconds for one run of one scenario, set-up included
ARTIFACTS = ROOT / ".build" / "screen-reader"


# ---- one run, inside its own D-Bus session ----------------------------------------------------------

# Orca has taken Chromium's address bar as its focus (Chromium's user interface is English here).
ADDRESS_BAR_FOCUSED = "Dequeued object:state-changed:focused [entry | Address and search bar] (1,"


def run_step(desktop, ear, scenario, step):
    ear.mark()
    started = time.monotonic()
    kind, *arguments = step.action
    missing = None
    if kind == "open":
        desktop.start_chromium(arguments[0])
    elif kind == "tab":
        desktop.open_in_new_tab(arguments[0])
    elif kind == "address":
        # Orca holds each key until it knows whether the key is one of its commands; letters typed before it
        # has taken the address bar as its focus are browse-mode commands on the page ("t": next table).
        desktop.key("ctrl+l")
        missing = ear.wait(log_until=ADDRESS_BAR_FOCUSED, quiet=1.0, deadline=20)
        if not missing:
            desktop.type(desktop.url + arguments[0].lstrip("/"))
    elif kind == "key":
        desktop.key(*arguments)
    elif kind == "type":
        desktop.type(arguments[0])
    elif kind == "call":
        # Something that is not a key: another person acting in the lab meanwhile (over HTTP, desktop.url), or
        # a desktop action (desktop.key, desktop.type, desktop.xdotool); arguments[0] is given the desktop.
        arguments[0](desktop)
    else:
        raise ValueError(f"unknown action {kind}")
    if missing:
        pass
    elif step.load:
        missing = ear.wait(until=step.hear, log_until=LOAD_HANDLED, quiet=2.5, deadline=120)
    else:
        missing = ear.wait(until=step.hear, quiet=1.5, deadline=30)
    heard = ear.heard_since_mark()
    log = ear.log_since_mark()
    text = " ".join(u.text for u in heard)
    unwanted = phrases.problems(text, scenario.language, (*step.never, *scenario.never))
    return {
        "says": step.says, "action": [getattr(part, "__qualname__", part) if callable(part) else part
                                      for part in step.action], "seconds": round(time.monotonic() - started, 1),
        "heard": [{"text": u.text, "language": u.language, "cut_off": u.cut_off} for u in heard],
        "hear": list(step.hear), "missing": missing or [], "unwanted": unwanted,
        "orca": ear.orca_notes(log),
        "passed": not missing and not unwanted,
    }


def inner(arguments):
    """One run of one scenario; writes its result as JSON. Runs inside dbus-run-session."""
    from desktop import Desktop, chromium_program
    scenario = scenarios.by_name(arguments.inner)
    folder = pathlib.Path(arguments.folder)
    result = {"scenario": scenario.name, "steps": [], "passed": False, "error": None}
    started = time.monotonic()
    desktop = Desktop(folder, scenario.language, chromium_program(), arguments.annolab, folder / "lab",
                      scenario.lab_options)
    ear = Ear(folder)
    try:
        desktop.start_display()
        desktop.start_lab()
        if scenario.prepare:
            scenario.prepare(desktop.url)
        desktop.start_speech()
        desktop.start_orca(ear)
        result["orca_start"] = [u.text for u in ear.utterances()]
        for step in scenario.steps:
            outcome = run_step(desktop, ear, scenario, step)
            result["steps"].append(outcome)
            if not outcome["passed"]:
                break
        result["passed"] = all(step["passed"] for step in result["steps"]) and \
            len(result["steps"]) == len(scenario.steps)
    except Exception as error:  # the transcript says what went wrong; the run fails
        result["error"] = f"{type(error).__name__}: {error}"
    finally:
        desktop.stop()
        result["seconds"] = round(time.monotonic() - started, 1)
        (folder / "result.json").write_text(json.dumps(result, indent=1))


# ---- the runs ------------------------------------------------------------------------------------

def annolab_program(folder):
    """The lab program the browser tests use (ANNOLAB_BIN, else the debug build), copied so that a build
    running meanwhile cannot replace it under a run."""
    program = os.environ.get("ANNOLAB_BIN") or str(ROOT / ".build" / "debug" / "annolab")
    if not os.access(program, os.X_OK):
        sys.exit(f"the annolab program is not built at {program}; run 'swift build' first")
    copy = folder / "annolab"
    shutil.copy2(program, copy)
    return str(copy)


def seed_lab(annolab, folder):
    """Seeds one demo lab (`annolab demo` on an empty folder), stops it, and keeps the folder to copy."""
    data = folder / "seed"
    log_path = folder / "seed.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([annolab, "demo", "--data", str(data), "--port", "0"], stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=ROOT)
    try:
        end = time.monotonic() + 120
        while "running at" not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > end:
                sys.exit("the demo lab did not start:\n" + log_path.read_text(errors="replace")[-2000:])
            time.sleep(0.1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return data


def processes_holding(home):
    """Process ids whose environment has this HOME: what a run left behind (the accessibility bus that
    D-Bus started for it, a helper that outlived its parent)."""
    marker = f"HOME={home}".encode()
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def stop_left_behind(home):
    left = processes_holding(home)
    for signal_number in (signal.SIGTERM, signal.SIGKILL):
        for pid in left:
            try:
                os.kill(pid, signal_number)
            except ProcessLookupError:
                pass
        end = time.monotonic() + 5
        while left and time.monotonic() < end:
            left = [pid for pid in left if pathlib.Path(f"/proc/{pid}").exists()
                    and "Z" not in pathlib.Path(f"/proc/{pid}/stat").read_text().split()[2:3]]
            time.sleep(0.1)
        if not left:
            return


def private_environment(folder):
    """The run's own HOME and runtime folder, given to the D-Bus session itself: the services it starts (the
    accessibility bus) put their sockets there. With the computer's HOME, every run's accessibility bus took
    the same socket (~/.cache/at-spi/bus), and a Chromium started while another run was starting joined the
    wrong bus or none ("Couldn't register with accessibility bus"), so Orca never heard of it."""
    home, runtime = folder / "home", folder / "runtime"
    for path in (home / ".cache", home / ".config", home / ".local" / "share", runtime):
        path.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    environment.update({"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime), "XDG_CACHE_HOME": str(home / ".cache"),
                        "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local" / "share")})
    return environment


def run_once(scenario, number, annolab, seed, work):
    folder = pathlib.Path(tempfile.mkdtemp(prefix=f"{scenario.name}-{number}-", dir=work))
    shutil.copytree(seed, folder / "lab")
    command = ["dbus-run-session", "--", sys.executable, str(HERE / "harness.py"), "--inner", scenario.name,
               "--folder", str(folder), "--annolab", annolab]
    with open(folder / "session.log", "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True, env=private_environment(folder))
        try:
            process.wait(timeout=RUN_DEADLINE)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    stop_left_behind(folder / "home")
    try:
        result = json.loads((folder / "result.json").read_text())
    except (OSError, ValueError):
        result = {"scenario": scenario.name, "steps": [], "passed": False, "seconds": None,
                  "error": "the run wrote no result:\n" + (folder / "session.log").read_text(errors="replace")[-3000:]}
    return folder, result


def keep_artifacts(folder, scenario, number, result):
    """A failed run's logs (and transcript) stay in .build/screen-reader for whoever looks into it."""
    target = ARTIFACTS / f"{scenario.name}-run{number}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ("spoken.txt", "ended.txt", "orca.log", "orca.out", "chromium.log", "lab.log", "speechd.log",
                 "session.log", "result.json", "xvfb.log"):
        if (folder / name).exists():
            shutil.copy2(folder / name, target / name)
    write_transcript(target / "transcript.txt", scenario, [result], [result])
    return target


def main():
    parser = argparse.ArgumentParser(description="Runs the lab with Orca and checks what it says.")
    parser.add_argument("names", nargs="*", help="scenarios to run (default: the short set)")
    parser.add_argument("--all", action="store_true", help="every scenario")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each scenario (each must pass)")
    parser.add_argument("--keep", action="store_true", help="keep every run's logs in .build/screen-reader")
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--annolab", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.inner:
        return inner(arguments)

    if arguments.names:
        chosen = [scenarios.by_name(name) for name in arguments.names]
    elif arguments.all:
        chosen = scenarios.SCENARIOS
    else:
        chosen = [scenario for scenario in scenarios.SCENARIOS if scenario.short]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="annolab-screen-reader-") as work:
        work = pathlib.Path(work)
        annolab = annolab_program(work)
        seed = seed_lab(annolab, work)
        for scenario in chosen:
            results = []
            for number in range(1, arguments.repeat + 1):
                folder, result = run_once(scenario, number, annolab, seed, work)
                results.append(result)
                verdict = "passed" if result["passed"] else "FAILED"
                print(f"{scenario.name} run {number}/{arguments.repeat}: {verdict} in {result['seconds']} s", flush=True)
                if not result["passed"] or arguments.keep:
                    where = keep_artifacts(folder, scenario, number, result)
                    if not result["passed"]:
                        print(f"  {first_failure(result)}\n  logs and transcript: {where.relative_to(ROOT)}", flush=True)
                shutil.rmtree(folder, ignore_errors=True)
            passing = [result for result in results if result["passed"]]
            failed += len(results) - len(passing)
            if passing:
                write_transcript(HERE / "transcripts" / f"{scenario.name}.txt", scenario, results, passing[-1:])
    total = len(chosen) * arguments.repeat
    print(f"screen reader: {total - failed} of {total} runs passed")
    return 1 if failed else 0


def first_failure(result):
    if result.get("error"):
        return result["error"].splitlines()[0]
    for number, step in enumerate(result["steps"], 1):
        if not step["passed"]:
            parts = [f"step {number} ({step['says']}):"]
            if step["missing"]:
                parts.append("not heard " + "; ".join(repr(p) for p in step["missing"]))
            if step["unwanted"]:
                parts.append("heard " + "; ".join(repr(p) for p in step["unwanted"]))
            return " ".join(parts)
    return "unknown"


if __name__ == "__main__":
    sys.exit(main())
