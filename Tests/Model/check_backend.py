#!/usr/bin/env python3
# Checks the Haar face backend end to end over Label Studio's ML backend protocol, against a fake lab.
"""Usage: python3 Tests/Model/check_backend.py [--quiet]

Starts a tiny fake lab (http.server) that serves Tasks/samples/photo-astronaut.jpg and
photo-cameraman.png under /media/1/ only to `Authorization: Token <token>`, as Label Studio does,
starts the backend (Tests/Model/start-backend.sh) on a free port, then sends GET /health,
POST /predict before /setup, POST /setup and POST /predict in Label Studio's shapes, printing each
request and response body. It checks that the astronaut has at least one face box with percent
coordinates and a score in 0..1, that the cameraman has none, that every media fetch carried the
token, and that a wrong token makes /predict fail. Only the Python standard library is used here.
Exits 0 when every check passed; prints `N passed, N failed` last.
"""
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, "Tasks", "samples")
SERVED = {"/media/1/photo-astronaut.jpg": "photo-astronaut.jpg",
          "/media/1/photo-cameraman.png": "photo-cameraman.png"}
TOKEN = "lab-read-only-token-1"
LABEL_CONFIG = ('<View><Image name="image" value="$image"/>'
                '<RectangleLabels name="label" toName="image"><Label value="face"/></RectangleLabels></View>')
QUIET = "--quiet" in sys.argv


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeLab(http.server.BaseHTTPRequestHandler):
    """Serves the two pictures to the right token only; remembers each request's path and header."""
    seen = []

    def do_GET(self):
        auth = self.headers.get("Authorization")
        FakeLab.seen.append((self.path, auth))
        name = SERVED.get(self.path)
        if auth != "Token " + TOKEN:
            self.send_error(401, "a read-only token is needed")
        elif name is None:
            self.send_error(404)
        else:
            with open(os.path.join(SAMPLES, name), "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "image/png" if name.endswith(".png") else "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


def call(base, method, path, body=None):
    """One request; prints it and the answer verbatim; returns (status, parsed JSON or text)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, raw = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read().decode()
    print(f"\n>>> {method} {path}")
    if body is not None:
        print(json.dumps(body))
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = raw
    if QUIET and isinstance(parsed, dict) and "traceback" in json.dumps(parsed):
        shown = raw[:300] + "..."
    else:
        shown = raw.strip()
    print(f"<<< {status}\n{shown}")
    return status, parsed


def wait_for_health(base, backend, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if backend.poll() is not None:
            raise SystemExit(f"the backend stopped with {backend.returncode} before answering /health")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the backend did not answer /health within {seconds} s")


def main():
    checks = []

    def check(name, ok):
        checks.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {name}")

    subprocess.run(["bash", os.path.join(ROOT, "Tests/Model/setup.sh")], check=True, stdout=subprocess.DEVNULL)
    lab_port, backend_port = free_port(), free_port()
    lab = http.server.ThreadingHTTPServer(("127.0.0.1", lab_port), FakeLab)
    threading.Thread(target=lab.serve_forever, daemon=True).start()
    hostname = f"http://127.0.0.1:{lab_port}"
    base = f"http://127.0.0.1:{backend_port}"
    log = open(os.path.join(ROOT, ".build", "ml-backend-check.log"), "w")
    started = time.monotonic()
    backend = subprocess.Popen(["bash", os.path.join(ROOT, "Tests/Model/start-backend.sh"), str(backend_port)],
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_health(base, backend)
        print(f"backend answered /health {time.monotonic() - started:.1f} s after it was started")
        status, health = call(base, "GET", "/health")
        check("/health says UP", status == 200 and health.get("status") == "UP")

        astronaut = {"id": 1, "data": {"image": "/media/1/photo-astronaut.jpg"}}
        cameraman = {"id": 2, "data": {"image": hostname + "/media/1/photo-cameraman.png"}}
        predict = {"tasks": [astronaut], "label_config": LABEL_CONFIG, "project": "1.1",
                   "params": {"login": None, "password": None, "context": None}}
        status, _ = call(base, "POST", "/predict", predict)
        check("/predict before /setup is refused", status == 500)

        setup = {"project": "1.1", "schema": LABEL_CONFIG, "hostname": hostname,
                 "access_token": TOKEN, "model_version": "haar-frontalface-1"}
        status, answer = call(base, "POST", "/setup", setup)
        check("/setup answers the model version",
              status == 200 and answer == {"model_version": "haar-frontalface-1"})

        status, answer = call(base, "POST", "/predict", predict)
        results = answer["results"][0]["result"] if status == 200 else []
        check("the astronaut has at least one face box", len(results) >= 1)
        for box in results:
            value = box["value"]
            check("a box is in percent of the picture, labelled face, scored in 0..1",
                  box["type"] == "rectanglelabels" and box["from_name"] == "label" and box["to_name"] == "image"
                  and value["rectanglelabels"] == ["face"] and 0 <= value["x"] <= 100 and 0 <= value["y"] <= 100
                  and 0 < value["width"] <= 100 and 0 < value["height"] <= 100
                  and box["original_width"] == 512 and 0 <= box["score"] <= 1)
        check("/predict answers the model version", status == 200 and answer.get("model_version") == "haar-frontalface-1")

        status, answer = call(base, "POST", "/predict", dict(predict, tasks=[astronaut, cameraman]))
        check("two tasks give two predictions in order, none for the cameraman",
              status == 200 and len(answer["results"]) == 2 and answer["results"][1]["result"] == []
              and answer["results"][1]["score"] == 0.0)
        check("every media fetch carried the token",
              bool(FakeLab.seen) and all(auth == "Token " + TOKEN for _, auth in FakeLab.seen))
        print("media fetches seen by the lab:", json.dumps(FakeLab.seen))

        status, _ = call(base, "POST", "/setup", dict(setup, access_token="wrong-token"))
        again = {"id": 3, "data": {"image": "/media/1/photo-astronaut.jpg?again=1"}}
        status, answer = call(base, "POST", "/predict", dict(predict, tasks=[again]))
        check("a wrong token makes /predict fail with the lab's 401 in the reason",
              status == 500 and "401" in json.dumps(answer))
    finally:
        os.killpg(backend.pid, signal.SIGTERM)
        try:
            backend.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(backend.pid, signal.SIGKILL)
            backend.wait()
        lab.shutdown()
        log.close()
    failed = checks.count(False)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
