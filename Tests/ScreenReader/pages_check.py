"""Every page of the lab (Web/*.html, and the pages it makes itself) is heard in at least one screen-reader
scenario, in English and in Dutch: a page added later fails this check until it has its scenarios. Run by the
test command's first step.

    python3 Tests/ScreenReader/pages_check.py"""
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import scenarios  # noqa: E402

# Pages that had no scenario when the harness came: each leaves this list when it gets its scenarios
# (the check fails while a page here has them, so the list never keeps a page it no longer needs).
NOT_YET = {"admin", "coach-summary", "client-new"}
# Pages the lab makes itself rather than serving a file of Web/: they are heard like the others.
MADE = {"record"}  # /me/record.html, the printable work record (Sources/AnnolabServer/Record/RecordPage.swift)


def main():
    pages = sorted(path.stem for path in (HERE.parents[1] / "Web").glob("*.html")) + sorted(MADE)
    heard = {language: {page for scenario in scenarios.SCENARIOS if scenario.language == language
                        for page in scenario.pages} for language in ("en", "nl")}
    problems = []
    for page in pages:
        missing = [language for language in ("en", "nl") if page not in heard[language]]
        if page in NOT_YET and len(missing) < 2:
            problems.append(f"Web/{page}.html has a scenario now: take it out of NOT_YET in {pathlib.Path(__file__).name}")
        elif page not in NOT_YET and missing:
            problems.append(f"Web/{page}.html has no screen-reader scenario in {' and '.join(missing)} "
                            "(add one in Tests/ScreenReader/scenarios_*.py, with pages=(...))")
    for unknown in sorted(NOT_YET - set(pages)):
        problems.append(f"NOT_YET names {unknown}, which is not a page of Web/ or one the lab makes")
    for problem in problems:
        print(problem)
    if not problems:
        print(f"Screen reader: every page has its scenarios ({len(pages) - len(NOT_YET)} pages; "
              f"not yet: {', '.join(sorted(NOT_YET))}).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
