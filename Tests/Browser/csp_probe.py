"""Not collected with the suite: test_csp.py runs this file in a pytest of its own, against a lab it names in
ANNOLAB_PROBE_URL, to see the CSP check fail a test that broke the policy and asserted nothing about it."""
import os

import pytest
from selenium.webdriver.support.ui import WebDriverWait


@pytest.fixture()
def probe_url():
    url = os.environ.get("ANNOLAB_PROBE_URL")
    if not url:
        pytest.skip("run by test_csp.py only")
    return url


def test_a_page_made_to_run_an_inline_handler(probe_url, browser):
    browser.get(probe_url)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.documentElement.lang") in ("en", "nl"))
    browser.execute_script("const p = document.createElement('img'); p.setAttribute('onerror', 'window.__probe = 1');"
                           "p.src = 'x'; document.body.append(p);")
    WebDriverWait(browser, 5).until(lambda d: d.execute_script("return sessionStorage.getItem('annolab.test.csp')"))
