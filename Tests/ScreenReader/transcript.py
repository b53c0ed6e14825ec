"""A scenario's transcript for a reviewer: each step, what the operator did, every line Orca said (in the
order the voice got them), what had to be heard and what must not be, and Orca's own reasons for its mode."""
import datetime
import subprocess

LANGUAGES = {"en": "English", "nl": "Dutch"}


def _version(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "unknown"


def write_transcript(path, scenario, results, shown):
    language = LANGUAGES.get(scenario.language, scenario.language)
    runs = ", ".join(f"{r['seconds']} s" + ("" if r["passed"] else " (failed)") for r in results)
    passed = sum(1 for r in results if r["passed"])
    lines = [
        f"# {scenario.title}",
        "",
        f"Scenario `{scenario.name}`: a computer set to {language} (Chromium's language and Orca's), keyboard only.",
        f"{_version(['chromium', '--version'])}; Orca {_version(['/usr/bin/orca', '--version']).split()[-1]}; "
        "speech-dispatcher with a voice that writes each utterance down and takes as long as a fast voice.",
        f"Runs: {passed} of {len(results)} passed ({runs}). Written {datetime.date.today().isoformat()} by "
        "Tests/ScreenReader/run.sh; the last run is shown.",
        "",
        "Lines are what the voice was given, in order; [cut off] = Orca interrupted it before its end;",
        "[en]/[nl] = the language Orca asked the voice to speak it in.",
    ]
    for result in shown:
        if result.get("orca_start"):
            lines += ["", "## 0. Orca starts", *(f"    {text}" for text in result["orca_start"])]
        for number, step in enumerate(result["steps"], 1):
            lines += ["", f"## {number}. {step['says']}  ({describe(step['action'])}, {step['seconds']} s)"]
            for heard in step["heard"]:
                marks = f"[{heard['language']}]" + (" [cut off]" if heard["cut_off"] else "")
                lines.append(f"    {marks} {heard['text']}")
            if not step["heard"]:
                lines.append("    (nothing)")
            if step["hear"]:
                lines.append("  Must hear: " + "; ".join(
                    f"\"{p}\" {'MISSING' if p in step['missing'] else 'ok'}" for p in step["hear"]))
            other = [m for m in step["missing"] if m not in step["hear"]]
            if other:
                lines.append("  Not seen: " + "; ".join(other))
            lines.append("  Must not hear: " + ("; ".join(f"\"{p}\" HEARD" for p in step["unwanted"])
                                                 if step["unwanted"] else "nothing unwanted heard"))
            if step["orca"]:
                lines.append("  Orca's log: " + " | ".join(step["orca"]))
        if result.get("error"):
            lines += ["", "## The run stopped", f"    {result['error']}"]
        lines += ["", "Result: " + ("passed" if result["passed"] else "FAILED")]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def describe(action):
    kind, *arguments = action
    if kind == "open":
        return f"Chromium starts on {arguments[0]}"
    if kind == "tab":
        return f"{arguments[0]} opened in a new tab"
    if kind == "address":
        return f"Ctrl+L, types the address of {arguments[0]}"
    if kind == "key":
        return "key " + " ".join(arguments)
    if kind == "call":
        return "no key"
    return f"types \"{arguments[0]}\""
