"""The check that fails a browser test on a Content-Security-Policy violation, shown able to fail: a lab page is
made to try an inline script and an inline event handler; Chromium refuses both, the check sees and names both,
and a test that leaves such a violation behind fails at its teardown (run in a pytest of its own)."""
import os
import pathlib
import subprocess
import sys

from selenium.webdriver.support.ui import WebDriverWait

from conftest import assert_no_csp_violations, csp_violations

HERE = pathlib.Path(__file__).resolve().parent

# What a page would do if it put text into the DOM as HTML: an inline script and an inline event handler.
INJECT = """
const script = document.createElement('script');
script.textContent = 'window.__ranInline = 1';
document.body.append(script);
const picture = document.createElement('img');
picture.setAttribute('onerror', 'window.__ranHandler = 1');
picture.src = 'x';
document.body.append(picture);
"""


def open_login_page(driver, lab):
    driver.get(lab.url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.lang") in ("en", "nl"))


def wait_for_violations(driver, *directives, seconds=5):
    """The violations seen so far (not forgotten) once the listener has seen one of each directive given."""
    def seen_all(d):
        found = csp_violations(d, drain=False)
        return all(any(line.startswith(f"{directive} refused") for line in found) for directive in directives)
    WebDriverWait(driver, seconds, poll_frequency=0.05).until(seen_all)
    return csp_violations(driver, drain=False)


def test_a_lab_page_that_runs_an_inline_script_or_handler_is_reported_and_fails_the_check(lab, browser):
    open_login_page(browser, lab)
    assert csp_violations(browser) == [], "the login page alone must not break its own policy"

    browser.execute_script(INJECT)
    found = wait_for_violations(browser, "script-src-elem", "script-src-attr")
    # The policy held: neither ran.
    assert browser.execute_script("return [window.__ranInline, window.__ranHandler]") == [None, None]
    # Both refusals were seen, each named by the directive it broke (Chromium's words and the listener's).
    listener = [line for line in found if " refused inline on " in line]
    assert any(line.startswith("script-src-elem refused inline") for line in listener), found
    assert any(line.startswith("script-src-attr refused inline") for line in listener), found
    console = [line for line in found if "Content Security Policy" in line]
    assert any("inline script" in line for line in console), found
    assert any("inline event handler" in line for line in console), found

    # The check a test's teardown runs fails and names them; it forgets them, so this test ends green.
    try:
        assert_no_csp_violations(browser)
    except AssertionError as failure:
        message = str(failure)
    else:
        raise AssertionError("the CSP check passed although Chromium refused an inline script")
    assert message.startswith("Chromium reported Content-Security-Policy violations:")
    assert "script-src-elem refused inline" in message and "script-src-attr refused inline" in message
    assert csp_violations(browser) == []


def test_a_violation_on_an_earlier_page_is_still_seen_after_moving_on(lab, browser):
    open_login_page(browser, lab)
    browser.execute_script(INJECT)
    WebDriverWait(browser, 5).until(
        lambda d: d.execute_script("return (sessionStorage.getItem('annolab.test.csp') || '').includes('script-src-attr')"))
    browser.get(lab.url + "client")  # another page of the same lab (it sends a visitor without a session home)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
    found = csp_violations(browser)
    assert any("script-src-elem refused inline" in line for line in found), found
    assert any("script-src-attr refused inline" in line for line in found), found


def test_a_browser_test_that_leaves_a_violation_behind_fails_at_teardown(lab):
    """A pytest of its own runs csp_probe.py (one test that causes a violation and asserts nothing else)
    against this lab: that test must be reported as an error at teardown, naming the violation."""
    environment = dict(os.environ, ANNOLAB_PROBE_URL=lab.url)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(HERE / "csp_probe.py")],
        cwd=HERE, env=environment, capture_output=True, text=True, timeout=120)
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "1 passed, 1 error" in output, output
    assert "ERROR at teardown of test_a_page_made_to_run_an_inline_handler" in output, output
    assert "Chromium reported Content-Security-Policy violations" in output, output
    assert "script-src-attr refused inline" in output, output
