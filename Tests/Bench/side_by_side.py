#!/usr/bin/env python3
"""Measures Annolab beside Label Studio (the operator loop) and Crowd-Kit (Dawid-Skene) in one run.

Run it through side_by_side.sh, which builds annolab and prepares the venv. Modes:
  side_by_side.py run --annolab BIN --tasks N --seconds S --work DIR
  side_by_side.py crowdkit --input CSV --truth CSV --out CSV   (the Crowd-Kit process that is timed)
Progress goes to stderr prefixed "bench: "; the table, then one line of key=value figures, to stdout.
"""
import argparse
import http.client
import io
import json
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time
import urllib.request
import zipfile
import zlib

CHOICES = ("A", "B")
LS_CONFIG = ('<View><Text name="text" value="$text"/><Choices name="choice" toName="text">'
             '<Choice value="A"/><Choice value="B"/></Choices></View>')


def log(text):
    print(f"bench: {text}", file=sys.stderr, flush=True)


class Client:
    """One keep-alive HTTP/1.1 connection, the same code for both servers.

    Counts the TCP connections it had to open, so a server that closes keep-alive shows it.
    """

    def __init__(self, port, authorization):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": authorization, "Content-Type": "application/json"}
        self.opened = 0

    def send(self, method, path, body=None):
        if self.connection.sock is None:
            self.opened += 1
        self.connection.request(method, path, body=body, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, response.read()

    def close(self):
        self.connection.close()


def operator_loop(client, next_path, answer_of, seconds):
    """Next task, then submit, for `seconds` or until the server has no work left.

    `answer_of(status, body)` turns a `next` reply into (path, body) of the submit, or None when
    there is no work. Only complete loops (next 200, submit 201) count; their wall time is the latency.
    """
    latencies, errors, ran_out = [], 0, False
    cpu_start, started = time.process_time(), time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        begun = time.perf_counter()
        status, body = client.send("GET", next_path)
        submit = answer_of(status, body)
        if submit is None:
            ran_out = status in (204, 404)
            if ran_out:
                break
            errors += 1
            continue
        status, body = client.send("POST", submit[0], submit[1])
        if status != 201:
            errors += 1
            continue
        latencies.append(time.perf_counter() - begun)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_start
    loops = len(latencies)
    return {
        "loops": loops, "errors": errors, "seconds": elapsed, "ran_out": ran_out,
        "loops_s": loops / elapsed if elapsed else 0.0,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99_ms": sorted(latencies)[min(loops - 1, int(loops * 0.99))] * 1000 if latencies else 0.0,
        "client_cpu_ms": cpu * 1000 / loops if loops else 0.0,
        "connections": client.opened,
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    """Servers started by this run, each in its own process group, listed in a file for the shell's trap."""

    def __init__(self, pid_file):
        self.pid_file = pid_file
        self.running = []

    def start(self, argv, log_path, env=None):
        out = open(log_path, "wb")
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                   env=env, start_new_session=True)
        self.running.append(process)
        with open(self.pid_file, "a") as f:
            f.write(f"{process.pid}\n")
        return process

    def stop(self, process):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process in self.running:
            self.running.remove(process)

    def stop_all(self):
        for process in list(self.running):
            self.stop(process)


def wait_healthy(process, url, log_path, limit=300):
    deadline = time.time() + limit
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"The server stopped before it answered {url}; its log:\n{open(log_path).read()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"The server did not answer {url} within {limit} s; its log is {log_path}")


def setup_request(port, method, path, authorization=None, body=None, content_type="application/json"):
    """A setup call (not timed); fails the run on anything but 2xx."""
    headers = {"Content-Type": content_type}
    if authorization:
        headers["Authorization"] = authorization
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=600) as reply:
            data = reply.read()
            return json.loads(data) if data else None
    except urllib.error.HTTPError as error:
        sys.exit(f"{method} {path} answered {error.code}: {error.read()[:500]!r}")


def label_studio_loop(args, servers):
    """Label Studio 1.23 as `label-studio start` runs it (Django, SQLite), N text tasks with two choices."""
    folder = os.path.join(args.work, "label-studio")
    os.makedirs(folder)
    port, token = free_port(), "sidebyside" + os.urandom(12).hex()
    env = dict(os.environ, LABEL_STUDIO_BASE_DATA_DIR=folder, LATEST_VERSION_CHECK="false",
               COLLECT_ANALYTICS="false")
    log_path = os.path.join(args.work, "label-studio.log")
    binary = os.path.join(os.path.dirname(sys.executable), "label-studio")
    started = time.time()
    server = servers.start([binary, "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(port),
                            "--data-dir", folder, "--username", "bench@sidebyside.local",
                            "--password", "side-by-side-" + token[-8:], "--user-token", token,
                            "--enable-legacy-api-token"], log_path, env)
    wait_healthy(server, f"http://127.0.0.1:{port}/health", log_path)
    log(f"Label Studio on port {port} after {time.time() - started:.0f} s (log {log_path})")
    auth = f"Token {token}"
    project = setup_request(port, "POST", "/api/projects", auth, {"title": "Side by side", "label_config": LS_CONFIG})
    started = time.time()
    for first in range(0, args.tasks, 10_000):
        tasks = [{"text": f"Item {n}: which class?"} for n in range(first, min(args.tasks, first + 10_000))]
        setup_request(port, "POST", f"/api/projects/{project['id']}/import", auth, tasks)
    imported = time.time() - started
    log(f"Label Studio imported {args.tasks} tasks in {imported:.1f} s; looping for {args.seconds} s")

    def answer_of(status, body):
        if status != 200:
            return None
        task = json.loads(body)
        result = [{"from_name": "choice", "to_name": "text", "type": "choices",
                   "value": {"choices": [CHOICES[task["id"] % 2]]}}]
        return (f"/api/tasks/{task['id']}/annotations?project={project['id']}",
                json.dumps({"result": result, "project": project["id"]}))

    client = Client(port, auth)
    figures = operator_loop(client, f"/api/projects/{project['id']}/next", answer_of, args.seconds)
    client.close()
    stored = setup_request(port, "GET", f"/api/projects/{project['id']}", auth).get("total_annotations_number")
    servers.stop(server)
    figures.update(import_s=imported, stored=stored)
    return figures


def png(n):
    """A small distinct RGB picture (16x16) whose pixels spell n, made without any library."""
    rows = b"".join(b"\x00" + bytes(((n >> (8 * (x % 3))) + x * 7 + y * 13) & 0xFF for x in range(48))
                    for y in range(16))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def multipart(name, data):
    boundary = "sidebyside" + os.urandom(8).hex()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/zip\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def annolab_loop(args, servers):
    """`annolab serve` on a fresh folder: a client imports N pictures into a choice project (overlap 1,
    as Label Studio's one annotation per task); one operator signs in with a badge and loops."""
    folder = os.path.join(args.work, "annolab")
    password = "side-by-side-" + os.urandom(6).hex()
    run = lambda *more: json.loads(subprocess.run([args.annolab, *more], check=True, capture_output=True).stdout)
    run("user", "add", "--data", folder, "--role", "client", "--name", "Side by side", "--email",
        "client@sidebyside.local", "--password", password)
    badge = run("user", "add", "--data", folder, "--role", "operator", "--name", "Side by side operator")["badge"]
    port = free_port()
    log_path = os.path.join(args.work, "annolab.log")
    started = time.time()
    server = servers.start([args.annolab, "serve", "--data", folder, "--port", str(port)], log_path)
    wait_healthy(server, f"http://127.0.0.1:{port}/healthz", log_path)
    log(f"annolab on port {port} after {time.time() - started:.1f} s (log {log_path})")
    client_auth = "Bearer " + setup_request(port, "POST", "/api/v1/login", None,
                                            {"email": "client@sidebyside.local", "password": password})["token"]
    project = setup_request(port, "POST", "/api/v1/projects", client_auth,
                            {"name": "Side by side", "template": "choice", "labels": ["A", "B"], "overlap": 1})
    started = time.time()
    made = 0
    for first in range(0, args.tasks, 5_000):
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as z:
            for n in range(first, min(args.tasks, first + 5_000)):
                z.writestr(f"item-{n:07d}.png", png(n))
        body, content_type = multipart(f"items-{first}.zip", archive.getvalue())
        reply = setup_request(port, "POST", f"/api/v1/projects/{project['id']}/items?strict=true", client_auth,
                              body, content_type)
        made += reply["microtasks"]
    imported = time.time() - started
    if made != args.tasks:
        sys.exit(f"annolab made {made} microtasks of {args.tasks} pictures")
    log(f"annolab imported {args.tasks} pictures in {imported:.1f} s; looping for {args.seconds} s")
    operator_auth = "Bearer " + setup_request(port, "POST", "/api/v1/login", None, {"badge": badge})["token"]
    setup_request(port, "POST", "/api/v1/shift/start", operator_auth)

    def answer_of(status, body):
        if status != 200:
            return None
        assignment = json.loads(body)["assignment"]["id"]
        return (f"/api/v1/assignments/{assignment}/answer",
                json.dumps({"answer": {"choice": CHOICES[assignment % 2]}}))

    client = Client(port, operator_auth)
    figures = operator_loop(client, "/api/v1/tasks/next", answer_of, args.seconds)
    client.close()
    progress = setup_request(port, "GET", f"/api/v1/projects/{project['id']}", client_auth)["progress"]
    servers.stop(server)
    figures.update(import_s=imported, stored=progress["completed"])
    return figures


class SplitMix64:
    """The generator of `annolab bench consensus` (Sources/AnnolabCore/Model/SplitMix64.swift), bit for bit."""
    MASK = (1 << 64) - 1

    def __init__(self, seed):
        self.state = seed & self.MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & self.MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.MASK
        return z ^ (z >> 31)

    def unit(self):
        return (self.next() >> 11) * 2.0 ** -53

    def below(self, bound):
        return self.next() % bound


def write_crowd_in_python(path, truth_path, tasks=200_000, per_task=5, workers=500, classes=4, seed=2026):
    """The synthetic crowd of `annolab bench consensus` (same seed, same draws), for an annolab without --write-csv."""
    random = SplitMix64(seed)
    accuracy = [0.5 + 0.45 * random.unit() for _ in range(workers)]
    truth = [random.below(classes) for _ in range(tasks)]
    random = SplitMix64(seed ^ 0x9E3779B97F4A7C15)
    lines = ["task,worker,label"]
    for t in range(tasks):
        chosen = []
        for _ in range(per_task):
            worker = random.below(workers)
            while worker in chosen:
                worker = random.below(workers)
            chosen.append(worker)
            label = truth[t]
            if random.unit() >= accuracy[worker]:
                label = (label + 1 + random.below(classes - 1)) % classes
            lines.append(f"{t},{worker},{label}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(truth_path, "w") as f:
        f.write("task,label\n" + "".join(f"{t},{label}\n" for t, label in enumerate(truth)))


def crowd_answers(args):
    """1,000,000 answers and their truth: from annolab itself when it can write them, else from the Python twin."""
    path = os.path.join(args.work, "answers.csv")
    truth = os.path.join(args.work, "answers-truth.csv")
    started = time.time()
    helptext = subprocess.run([args.annolab, "bench", "consensus", "--help"], capture_output=True, text=True).stdout
    if "--write-csv" in helptext:
        subprocess.run([args.annolab, "bench", "consensus", "--runs", "1", "--write-csv", path],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        source = "annolab"
    else:
        log("this annolab has no `bench consensus --write-csv` yet: writing the same crowd from Python")
        write_crowd_in_python(path, truth)
        source = "python"
    if not os.path.exists(truth):
        sys.exit(f"No truth file next to {path}: expected {truth}")
    rows = sum(1 for _ in open(path)) - 1
    log(f"{rows} answers in {path} ({os.path.getsize(path) / 1e6:.1f} MB, from {source}) in {time.time() - started:.1f} s")
    return path, truth, source, rows


def timed_process(argv, out_path, err_path):
    """Runs one whole process; its wall time, peak RSS (its own, from wait4) and what it said on stderr."""
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    said = open(err_path).read()
    if process.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({process.returncode}): {said[-1000:]}")
    figures = dict(pair.split("=", 1) for pair in said.split() if "=" in pair)
    return elapsed, usage.ru_maxrss / 1024, figures


def dawid_skene(args):
    path, truth, source, rows = crowd_answers(args)
    programs = {
        "annolab": [args.annolab, "aggregate", "--method", "ds", "--input", path, "--truth", truth],
        "crowdkit": [sys.executable, os.path.abspath(__file__), "crowdkit", "--input", path, "--truth", truth],
    }
    runs = {name: [] for name in programs}
    for n in range(args.runs):
        for name, argv in programs.items():  # interleaved, so that the machine's load falls on both alike
            out = os.path.join(args.work, f"{name}-labels.csv")
            extra = ["--out", out] if name == "crowdkit" else []
            seconds, rss, said = timed_process(argv + extra, out if name == "annolab" else os.devnull,
                                               os.path.join(args.work, f"{name}-{n}.err"))
            runs[name].append((seconds, rss, said))
            log(f"{name} Dawid-Skene run {n + 1}/{args.runs}: {seconds:.2f} s, peak RSS {rss:.0f} MB, "
                f"accuracy {said.get('accuracy', '?')}")
    result = {"answers": rows, "source": source}
    for name, done in runs.items():
        said = done[-1][2]
        result[name] = {"seconds": statistics.median(r[0] for r in done),
                        "rss_mb": statistics.median(r[1] for r in done),
                        "accuracy": float(said.get("accuracy", "nan")),
                        "iterations": said.get("iterations")}
    # EM alone, beside the whole processes: `bench consensus` fits the same seeded crowd in memory,
    # Crowd-Kit's figure is its fit_predict call inside each timed process.
    said = subprocess.run([args.annolab, "bench", "consensus", "--runs", str(args.runs)], capture_output=True,
                          text=True, check=True).stdout.split()
    bench = dict(p.split("=", 1) for p in said if "=" in p)
    result["annolab"]["fit_s"] = float(bench["median_ms"]) / 1000
    result["crowdkit"]["fit_s"] = statistics.median(float(r[2]["fit_s"]) for r in runs["crowdkit"])
    result["crowdkit"]["import_s"] = statistics.median(float(r[2]["import_s"]) for r in runs["crowdkit"])
    result["crowdkit"]["read_s"] = statistics.median(float(r[2]["read_s"]) for r in runs["crowdkit"])
    if result["annolab"]["iterations"] is None:
        # `annolab aggregate` does not say how many EM iterations it ran; `bench consensus` fitted the same crowd.
        result["annolab"]["iterations"] = bench.get("iterations")
        result["annolab"]["iterations_from"] = "bench consensus"
    return result


def crowdkit_main(argv):
    """The Crowd-Kit side, timed as a whole process: read the CSV with pandas, fit, write labels, score."""
    parser = argparse.ArgumentParser(prog="side_by_side.py crowdkit")
    parser.add_argument("--input", required=True)
    parser.add_argument("--truth", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    import pandas as pd
    from crowdkit.aggregation import DawidSkene
    imported = time.perf_counter()
    answers = pd.read_csv(args.input)
    answers.columns = ["task", "worker", "label"]
    read = time.perf_counter()
    model = DawidSkene()  # Crowd-Kit's defaults: n_iter=100, tol=1e-5
    labels = model.fit_predict(answers)
    fitted = time.perf_counter()
    labels.to_csv(args.out, header=["label"], index_label="task")
    truth = pd.read_csv(args.truth)
    predicted = labels.reindex(truth.iloc[:, 0]).astype(str).to_numpy()
    accuracy = (predicted == truth.iloc[:, 1].astype(str).to_numpy()).mean()
    print(f"accuracy={accuracy:.4f} tasks={len(truth)} iterations={len(model.loss_history_)} "
          f"n_iter={model.n_iter} tol={model.tol} import_s={imported - started:.3f} read_s={read - imported:.3f} "
          f"fit_s={fitted - read:.3f}", file=sys.stderr)


def version(package):
    from importlib.metadata import version as installed
    return installed(package)


def table(loop, ds, args):
    """The one table: each system's figure and how many times Annolab is better (higher is better)."""
    ls, al = loop.get("label_studio"), loop.get("annolab")
    ls_name, ck_name = f"Label Studio {version('label-studio')}", f"Crowd-Kit {version('crowd-kit')}"
    rows = []
    if ls and al:
        rows += [
            (f"operator loop, 1 connection (loops/s)", al["loops_s"], ls["loops_s"], al["loops_s"] / ls["loops_s"], ls_name, "{:.1f}"),
            ("operator loop p50 (ms)", al["p50_ms"], ls["p50_ms"], ls["p50_ms"] / al["p50_ms"], ls_name, "{:.2f}"),
            ("operator loop p99 (ms)", al["p99_ms"], ls["p99_ms"], ls["p99_ms"] / al["p99_ms"], ls_name, "{:.2f}"),
        ]
    if ds:
        a, c = ds["annolab"], ds["crowdkit"]
        rows += [
            (f"Dawid-Skene, {ds['answers']:,} answers, whole process (s)", a["seconds"], c["seconds"],
             c["seconds"] / a["seconds"], ck_name, "{:.2f}"),
            ("Dawid-Skene, EM alone (s)", a["fit_s"], c["fit_s"], c["fit_s"] / a["fit_s"], ck_name, "{:.3f}"),
            ("Dawid-Skene peak RSS (MB)", a["rss_mb"], c["rss_mb"], c["rss_mb"] / a["rss_mb"], ck_name, "{:.0f}"),
            ("Dawid-Skene accuracy", a["accuracy"], c["accuracy"], a["accuracy"] / c["accuracy"], ck_name, "{:.4f}"),
            ("Dawid-Skene EM iterations", a["iterations"], c["iterations"], None, ck_name, "{}"),
        ]
    cells = [("figure", "Annolab", "other", "ratio", "other system")]
    for name, mine, theirs, ratio, other, shape in rows:
        cells.append((name, shape.format(mine), shape.format(theirs), "-" if ratio is None else f"{ratio:.2f}x", other))
    widths = [max(len(row[i]) for row in cells) for i in range(5)]
    lines = []
    for row in cells:
        lines.append("  ".join([row[0].ljust(widths[0])] + [row[i].rjust(widths[i]) for i in (1, 2, 3)] + [row[4]]))
    lines.insert(1, "-" * len(lines[0]))
    notes = ["ratio: how many times Annolab is better on that row (its rate, or the other's time, memory or latency "
             "divided by Annolab's; accuracy: Annolab's / the other's)."]
    if ls and al:
        def ran(f):
            return f"{f['loops']} loops in {f['seconds']:.1f} s" + (" (then no work left)" if f["ran_out"] else "")
        notes.append(f"loop: {args.tasks:,} tasks each, one keep-alive connection, the same Python client; "
                     f"Annolab {ran(al)}, Label Studio {ran(ls)}; the client's own CPU per loop "
                     f"{al['client_cpu_ms']:.2f} ms (Annolab) and {ls['client_cpu_ms']:.2f} ms (Label Studio).")
    if ds:
        c = ds["crowdkit"]
        notes.append(f"Dawid-Skene: median of {args.runs} whole processes each (CSV read, fit, labels written, "
                     f"accuracy against the truth), answers from {ds['source']}; of its process, Crowd-Kit spends "
                     f"{c['import_s']:.2f} s importing pandas and crowdkit and {c['read_s']:.2f} s in read_csv. "
                     f"EM alone: Annolab's is `bench consensus` on the same seeded crowd in memory (median of "
                     f"{args.runs} fits), Crowd-Kit's its fit_predict inside the timed processes"
                     + (f"; Annolab's iterations from {ds['annolab']['iterations_from']}"
                        if ds["annolab"].get("iterations_from") else "") + ".")
    built = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(os.path.getmtime(args.annolab)))
    notes.append(f"measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(args.began))}: {args.program} "
                 f"(built {built}), {os.cpu_count()} cores, load average {args.load:.2f} at the start.")
    return "\n".join(lines + [""] + notes)


def figures_line(loop, ds, args):
    values = {"tasks": args.tasks, "seconds": int(args.seconds) if args.seconds == int(args.seconds) else args.seconds}
    for key, short in (("annolab", "annolab"), ("label_studio", "ls")):
        for name, value in loop.get(key, {}).items():
            values[f"{short}_{name}"] = int(value) if isinstance(value, bool) else value
    if loop.get("annolab") and loop.get("label_studio"):
        values["loop_ratio"] = loop["annolab"]["loops_s"] / loop["label_studio"]["loops_s"]
        values["p50_ratio"] = loop["label_studio"]["p50_ms"] / loop["annolab"]["p50_ms"]
    if ds:
        values.update(ds_answers=ds["answers"], ds_runs=args.runs, ds_answers_from_annolab=int(ds["source"] == "annolab"))
        for key in ("annolab", "crowdkit"):
            for name in ("seconds", "fit_s", "rss_mb", "accuracy", "iterations"):
                values[f"{key}_ds_{name}"] = ds[key][name]
        values["ds_time_ratio"] = ds["crowdkit"]["seconds"] / ds["annolab"]["seconds"]
        values["ds_rss_ratio"] = ds["crowdkit"]["rss_mb"] / ds["annolab"]["rss_mb"]
    shown = []
    for key, value in values.items():
        if isinstance(value, float):
            value = f"{value:.4f}" if abs(value) < 10 else f"{value:.1f}"
        shown.append(f"{key}={value}")
    return " ".join(shown)


def problems(loop, ds):
    """What makes the run's figures untrustworthy: errors, or fewer stored answers than counted loops."""
    found = []
    for name, figures in loop.items():
        if figures["errors"]:
            found.append(f"{name}: {figures['errors']} failed requests in the loop")
        if figures["stored"] != figures["loops"]:
            found.append(f"{name}: {figures['loops']} loops counted but {figures['stored']} answers stored")
        if figures["loops"] == 0:
            found.append(f"{name}: no loop completed")
    if ds and abs(ds["annolab"]["accuracy"] - ds["crowdkit"]["accuracy"]) > 0.05:
        found.append("the two Dawid-Skene accuracies differ by more than 0.05: are they reading the same data?")
    return found


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "crowdkit":
        return crowdkit_main(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["run"])
    parser.add_argument("--annolab", required=True, help="the annolab program (a release build)")
    parser.add_argument("--tasks", type=int, default=10_000, help="tasks imported into each system")
    parser.add_argument("--seconds", type=float, default=30, help="seconds of the operator loop on each system")
    parser.add_argument("--runs", type=int, default=3, help="whole-process runs of each Dawid-Skene")
    parser.add_argument("--only", choices=["loop", "ds"], help="run one half only (while developing)")
    parser.add_argument("--work", required=True, help="an empty folder for data folders, logs and the CSV")
    parser.add_argument("--pid-file", required=True, help="where each started server's process id is written")
    args = parser.parse_args()
    if args.tasks < 1 or args.seconds <= 0 or args.runs < 1:
        sys.exit("--tasks, --seconds and --runs must be positive.")
    args.began, args.load = time.time(), os.getloadavg()[0]
    # A copy, so that a rebuild by someone else during the run cannot swap the program halfway.
    args.program = os.path.abspath(args.annolab)
    args.annolab = shutil.copy2(args.program, os.path.join(args.work, "annolab-measured"))
    servers = Servers(args.pid_file)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    loop, ds = {}, None
    try:
        if args.only != "ds":
            loop["label_studio"] = label_studio_loop(args, servers)
            log("Label Studio: {loops_s:.1f} loops/s, p50 {p50_ms:.1f} ms".format(**loop["label_studio"]))
            loop["annolab"] = annolab_loop(args, servers)
            log("annolab: {loops_s:.1f} loops/s, p50 {p50_ms:.2f} ms".format(**loop["annolab"]))
        if args.only != "loop":
            ds = dawid_skene(args)
    finally:
        servers.stop_all()
    print(table(loop, ds, args))
    found = problems(loop, ds)
    for problem in found:
        log(f"PROBLEM: {problem}")
    print(figures_line(loop, ds, args), flush=True)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
