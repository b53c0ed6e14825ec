"""Counts the test cases a schemathesis run sent, per phase, from its NDJSON report.

Usage: python3 Tests/API/count.py REPORT.ndjson          prints e.g. "612 cases (coverage 420, fuzzing 160, stateful 32; 3 links followed)"
       python3 Tests/API/count.py --links REPORT.ndjson  also lists the links the stateful phase followed
       python3 Tests/API/count.py --check REPORT.ndjson  fails when the run sent nothing
       python3 Tests/API/count.py --check-stateful REPORT.ndjson  also when the stateful phase sent nothing
"""
import json
import sys


def count(path):
    phases = {"examples": 0, "coverage": 0, "fuzzing": 0, "stateful": 0}
    links = set()
    with open(path, encoding="utf-8") as report:
        for line in report:
            event = json.loads(line)
            finished = event.get("ScenarioFinished")
            if not finished or finished.get("status") == "skip":
                continue
            cases = finished.get("recorder", {}).get("cases", {})
            phases[finished["phase"]] = phases.get(finished["phase"], 0) + len(cases)
            for case in cases.values():
                transition = case.get("transition")
                if transition and case.get("is_transition_applied"):
                    links.add(transition["id"])
    return phases, links


def main(argv):
    check = argv[:1] in (["--check"], ["--check-stateful"])
    stateful = argv[:1] == ["--check-stateful"]
    path = argv[-1]
    try:
        phases, links = count(path)
    except FileNotFoundError:
        print("no report")
        return 1
    total = sum(phases.values())
    if check:
        return 0 if total > 0 and (phases["stateful"] > 0 or not stateful) else 1
    print(f"{total} cases (" + ", ".join(f"{name} {n}" for name, n in phases.items() if n)
          + (f"; {len(links)} links followed" if links else "") + ")")
    if argv[:1] == ["--links"]:
        for link in sorted(links):
            print("  " + link)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
