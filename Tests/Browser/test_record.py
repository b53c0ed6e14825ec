"""The operator's record after a year of work: the JSON meets the committed schema, its hours are the payroll's,
nobody else's data is in it, and the printable page passes axe-core and prints on at most two A4 pages, in
English and in Dutch."""
import base64
import io
import json

import jsonschema
import pytest
from pypdf import PdfReader
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import ROOT, axe_violations, screenshot
from labapi import ADMIN, call, database, login, token_of
from yearofwork import RestartableLab, set_language, write_year

SCHEMA = json.loads((ROOT / "Web" / "record.schema.json").read_text())


@pytest.fixture(scope="module")
def year_lab():
    """A demo lab where OP-0002 (English) and OP-0003 (Dutch) each worked on 200 days of the past year (with
    different numbers of answers), written into its database while it was stopped."""
    lab = RestartableLab()
    try:
        with database(lab) as connection:
            people = {row["badge"]: (row["id"], row["name"]) for row in connection.execute(
                "SELECT id, badge, name FROM user WHERE role = 'operator' ORDER BY id")}
            before = {}
            for badge in ("OP-0002", "OP-0003"):
                before[badge] = dict(connection.execute(
                    "SELECT microtask.kind, COUNT(*) FROM answer JOIN microtask ON microtask.id = answer.microtaskId "
                    "WHERE answer.operatorId = ? GROUP BY microtask.kind", (people[badge][0],)).fetchall())
        lab.halt()
        workers = {}
        for language, badge, seed, days, per_day in (("en", "OP-0002", 1, 200, (3, 8)), ("nl", "OP-0003", 2, 200, (1, 3))):
            operator, name = people[badge]
            set_language(lab.database_path, operator, language)
            year = write_year(lab.database_path, operator, seed=seed, days=days, answers_per_day=per_day)
            expected = dict(before[badge])
            for kind, count in year.answers_per_kind.items():
                expected[kind] = expected.get(kind, 0) + count
            workers[language] = {"badge": badge, "id": operator, "name": name, "year": year, "answers": expected}
        lab.start_again()
        lab.workers = workers
        lab.others = {name for badge, (_, name) in people.items()}
        yield lab
    finally:
        lab.stop()


def record_of(lab, worker):
    return call(lab, "/api/v1/me/record", token=login(lab, badge=worker["badge"]))[1]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_record_meets_its_schema_and_its_hours_are_the_payrolls(year_lab, language):
    worker = year_lab.workers[language]
    record = record_of(year_lab, worker)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(record)]
    assert errors == []
    # The schema does refuse: a stray field and a missing one fail it.
    assert not validator.is_valid(dict(record, stray=1))
    assert not validator.is_valid({key: value for key, value in record.items() if key != "months"})

    assert record["person"]["name"] == worker["name"]
    assert record["person"]["language"] == language
    year = worker["year"]
    assert record["period"]["from"] <= year.first_day.isoformat()
    assert len(record["months"]) >= 12, "a year of work spans twelve months or more"

    admin = token_of(year_lab, ADMIN)
    payroll = call(year_lab, f"/api/v1/admin/payroll?from={record['period']['from']}&to={record['period']['to']}", token=admin)[1]
    paid, days = {}, {}
    for row in payroll["rows"]:
        if row["operatorId"] == worker["id"] and row["paidSeconds"] > 0:
            month = row["date"][:7]
            paid[month] = paid.get(month, 0) + row["paidSeconds"]
            days[month] = days.get(month, 0) + 1
    assert {month["month"]: month["paidSeconds"] for month in record["months"]} == paid
    assert {month["month"]: month["days"] for month in record["months"]} == days
    assert record["totalPaidSeconds"] == sum(paid.values())
    assert sum(days.values()) == len(year.days), "one paid day for each day with a shift"
    assert {kind["kind"]: kind["microtasks"] for kind in record["taskKinds"]} == worker["answers"]


def test_another_operators_data_is_never_in_a_record(year_lab):
    for language, worker in year_lab.workers.items():
        token = login(year_lab, badge=worker["badge"])
        text = json.dumps(call(year_lab, "/api/v1/me/record", token=token)[1], ensure_ascii=False)
        page = call_text(year_lab, "/api/v1/me/record.html", token)
        for name in year_lab.others - {worker["name"]}:
            assert name not in text, f"{name} in the JSON record of {worker['name']}"
            assert name not in page, f"{name} in the printable record of {worker['name']}"
        assert worker["name"] in page
        # The admin makes the same record of this operator.
        admin = token_of(year_lab, ADMIN)
        by_admin = call(year_lab, f"/api/v1/admin/operators/{worker['id']}/record", token=admin)[1]
        own = call(year_lab, "/api/v1/me/record", token=token)[1]
        by_admin.pop("madeAt"), own.pop("madeAt")
        assert by_admin == own
    english, dutch = year_lab.workers["en"], year_lab.workers["nl"]
    assert record_of(year_lab, english)["taskKinds"] != record_of(year_lab, dutch)["taskKinds"]


def call_text(lab, path, token):
    import urllib.request
    request = urllib.request.Request(lab.url.rstrip("/") + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/html")
        return response.read().decode()


def sign_in(driver, lab, badge):
    driver.get(lab.url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.lang") in ("en", "nl"))
    for _ in range(15):
        if driver.switch_to.active_element.get_attribute("id") == "badge":
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    driver.switch_to.active_element.send_keys(badge, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("/work"))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_printed_record_has_no_axe_violations_and_fits_on_two_a4_pages(year_lab, browser, language):
    worker = year_lab.workers[language]
    sign_in(browser, year_lab, worker["badge"])
    link = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, 'a[href="/me/record.html"]'))
    link.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/me/record.html"))
    assert browser.execute_script("return document.documentElement.lang") == language
    headings = browser.find_elements(By.CSS_SELECTOR, "h1")
    assert len(headings) == 1 and worker["name"] in headings[0].text
    assert len(browser.find_elements(By.CSS_SELECTOR, "h2")) >= 7
    assert browser.find_elements(By.CSS_SELECTOR, "script") == []
    screenshot(browser, f"record-{language}")
    assert axe_violations(browser) == []

    printed = browser.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True, "printBackground": True})
    pdf = base64.b64decode(printed["data"])
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    (ROOT / ".build").mkdir(exist_ok=True)
    (ROOT / ".build" / f"record-{language}.pdf").write_bytes(pdf)
    # The measured count, for the README and the note.
    (ROOT / ".build" / f"record-{language}.pages.txt").write_text(f"{pages} pages for {len(worker['year'].days)} days of work\n")
    assert 1 <= pages <= 2, f"the printed record has {pages} pages"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert worker["name"] in text
