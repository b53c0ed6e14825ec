"""Browser tests: a real demo lab, real Chromium, keyboard only, axe-core for accessibility, and no test
passes while Chromium reports a Content-Security-Policy violation on any page it opened."""
import pathlib
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".build" / "screenshots"


from demolab import DemoLab, annolab_program  # noqa: E402,F401  (the lab itself lives in demolab.py)


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


def chromium_options():
    """Headless Chromium as every browser test uses it; the console is kept, so CSP reports can be read back."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--lang=en-US"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return options


@pytest.fixture()
def browser():
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=chromium_options())
    driver.set_page_load_timeout(30)
    watch_csp(driver)
    yield driver
    driver.quit()


# ---- Content-Security-Policy: what Chromium refuses fails the test that made it refuse ----------------

CSP_KEY = "annolab.test.csp"
# Runs in every new document before any of the page's own scripts (DevTools puts it there, so the CSP does
# not apply to it). Each `securitypolicyviolation` event is written to sessionStorage, which outlives a
# navigation to another page of the same lab; window.__annolabCsp holds those that could not be stored.
CSP_LISTENER = """
(() => {
  if (window.__annolabCspWatch) return;
  window.__annolabCspWatch = true;
  window.__annolabCsp = [];
  const KEY = '%s';
  window.addEventListener('securitypolicyviolation', (event) => {
    const where = event.sourceFile ? ` at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}` : '';
    const sample = event.sample ? ` (${event.sample})` : '';
    const text = `${event.effectiveDirective || event.violatedDirective} refused ${event.blockedURI || 'inline'}`
      + ` on ${event.documentURI}${where}${sample}`;
    try {
      const stored = JSON.parse(sessionStorage.getItem(KEY) || '[]');
      stored.push(text);
      sessionStorage.setItem(KEY, JSON.stringify(stored));
    } catch (error) {
      window.__annolabCsp.push(text);
    }
  }, true);
})();
""" % CSP_KEY

CSP_READ = """
const drain = arguments[0];
let stored = [];
try {
  stored = JSON.parse(sessionStorage.getItem('%s') || '[]');
  if (drain) sessionStorage.removeItem('%s');
} catch (error) { /* a page without storage (about:blank, data:) */ }
const here = window.__annolabCsp || [];
const found = stored.concat(here);
if (drain && window.__annolabCsp) window.__annolabCsp = [];
return found;
""" % (CSP_KEY, CSP_KEY)


def watch_csp(driver):
    """Listens for CSP violations in every page this browser opens from now on (once per browser)."""
    if getattr(driver, "_annolab_csp_watched", False):
        return
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
    driver._annolab_csp_watched = True
    driver._annolab_csp_seen = []


def _console_csp_reports(driver):
    """Chromium's own console lines about the CSP ("Refused to ... Content Security Policy ...")."""
    try:
        entries = driver.get_log("browser")
    except Exception:  # a browser started without goog:loggingPrefs keeps no console log to read
        return []
    return [entry["message"] for entry in entries
            if "Content Security Policy" in entry.get("message", "") or "Refused to" in entry.get("message", "")]


def csp_violations(driver, drain=True):
    """Every CSP violation Chromium reported since the last drain: its console lines, and the listener's
    records of the page on screen (and of earlier pages of the same lab). Draining forgets them, so that
    a test that provokes a violation on purpose can take it away before the check at its end."""
    seen = getattr(driver, "_annolab_csp_seen", [])
    seen.extend(_console_csp_reports(driver))  # the console log empties as it is read: keep its lines
    try:
        found = list(driver.execute_script(CSP_READ, drain))
    except Exception:  # the window is gone or busy; the console lines still count
        found = []
    found = seen + found
    if drain:
        driver._annolab_csp_seen = []
    else:
        driver._annolab_csp_seen = seen
    return found


def assert_no_csp_violations(driver):
    found = csp_violations(driver)
    assert not found, "Chromium reported Content-Security-Policy violations:\n  " + "\n  ".join(found)


@pytest.fixture(autouse=True)
def no_csp_violations(request):
    """Fails every browser test (at its teardown) after which Chromium has reported a CSP violation.
    It takes whichever `browser` the test uses, also a test file's own, and watches it from the start."""
    if "browser" not in request.fixturenames:
        yield
        return
    driver = request.getfixturevalue("browser")
    watch_csp(driver)
    yield
    assert_no_csp_violations(driver)


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
