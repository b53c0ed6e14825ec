"""Browser tests: a real demo lab, real Chromium, keyboard only, axe-core for accessibility."""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import deque

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".build" / "screenshots"


def annolab_program():
    program = os.environ.get("ANNOLAB_BIN") or str(ROOT / ".build" / "debug" / "annolab")
    if not os.access(program, os.X_OK):
        pytest.fail(f"the annolab program is not built at {program}; run 'swift build' first")
    return program


class DemoLab:
    """`annolab demo` on a fresh data folder and a free loopback port (extra options, e.g.
    `--clock-speed 60`, are passed on)."""

    def __init__(self, *extra):
        self.data = tempfile.mkdtemp(prefix="annolab-browser-")
        self.process = subprocess.Popen(
            [annolab_program(), "demo", "--data", self.data, "--port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            text=True, cwd=ROOT,
        )
        self.url = None
        deadline = time.time() + 60
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
            raise RuntimeError("the demo lab did not start:\n" + "".join(seen))
        # The lab logs every request: keep reading its output, or a full pipe would stall the server.
        self.log = deque(seen, maxlen=200)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.process.stdout:
            self.log.append(line)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.data, ignore_errors=True)


@pytest.fixture(scope="session")
def lab():
    demo = DemoLab()
    yield demo
    demo.stop()


@pytest.fixture(scope="session")
def fast_lab():
    """A second demo lab whose clock runs 60 times faster: a 10-minute work block passes in 10 seconds."""
    demo = DemoLab("--clock-speed", "60")
    yield demo
    demo.stop()


@pytest.fixture()
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--lang=en-US"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def axe_violations(driver):
    """Runs axe-core (WCAG 2.0/2.1/2.2 A and AA) on the current page and returns its violations."""
    import axe_playwright_python
    script = pathlib.Path(axe_playwright_python.__file__).parent / "axe.min.js"
    driver.execute_script(script.read_text())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target)}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));"
    )
    return result


def screenshot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


def full_screenshot(driver, name):
    """The viewport as it is (focus visible), and the whole page from top to bottom."""
    screenshot(driver, name)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.execute_script("return window.innerWidth")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        driver.save_screenshot(str(SCREENSHOTS / f"{name}-full.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
