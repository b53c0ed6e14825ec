"""`annolab demo` on a fresh data folder and a free loopback port: the lab the browser tests and the
video tests run against (standard library only)."""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque

ROOT = pathlib.Path(__file__).resolve().parents[2]


def annolab_program():
    program = os.environ.get("ANNOLAB_BIN") or str(ROOT / ".build" / "debug" / "annolab")
    if not os.access(program, os.X_OK):
        raise RuntimeError(f"the annolab program is not built at {program}; run 'swift build' first")
    return program


class DemoLab:
    """`annolab demo` on a fresh data folder and a free loopback port (extra options, e.g.
    `--clock-speed 60`, are passed on)."""

    prefix = "annolab-browser-"
    start_seconds = 120

    def __init__(self, *extra):
        self.data = tempfile.mkdtemp(prefix=self.prefix)
        self.launch(*extra)

    def launch(self, *extra, what="start"):
        """Starts `annolab demo` on this lab's data folder and waits until it says where it runs."""
        self.process = subprocess.Popen(
            [annolab_program(), "demo", "--data", self.data, "--port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            text=True, cwd=ROOT,
        )
        self.pid = self.process.pid
        self.url = None
        deadline = time.time() + self.start_seconds
        seen = []
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            seen.append(line)
            match = re.search(r"running at (http://127\.0\.0\.1:\d+/)", line)
            if match:
                self.url = match.group(1)
                break
        if not self.url:
            self.stop()
            raise RuntimeError(f"the demo lab did not {what}:\n" + "".join(seen))
        # The lab logs every request: keep reading its output, or a full pipe would stall the server.
        self.log = deque(seen, maxlen=400)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.process.stdout:
            self.log.append(line)

    @property
    def media(self):
        """The folder the lab keeps its media in: media/{project}/{folder}/{file}."""
        return pathlib.Path(self.data) / "media"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.data, ignore_errors=True)
