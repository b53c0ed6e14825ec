"""What must never be heard: words that show a badly labelled page, raw markup or code, navigation speech
where a typed answer was meant, and the lab's own sentences in the other language than the page's.
The lab's sentences come from its own string files (Web/i18n) and its text dialogue (say("en", "nl") in
Sources/AnnolabCore/Dialogue), so a new string is checked without anyone adding it here."""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Said by Orca for a control without a name, or for an element that only a mouse can use.
BAD_WORDS = ("unlabelled", "unlabeled", "clickable", "klikbaar", "undefined", "[object", "NaN")
# Markup, entities, unfilled placeholders and string keys that reached the voice.
BAD_PATTERNS = (
    re.compile(r"<\s*/?\s*[a-z][a-z0-9-]*(\s|>|/)"),
    re.compile(r"&(#\d+|[a-z]+);"),
    re.compile(r"\{[A-Za-z_]+\}"),
    re.compile(r"\b(login|text|work|home|settings|coach|client|admin|boxes)\.[a-z][A-Za-z]+(\.[A-Za-z]+)*\b"),
)
# Orca's structural navigation, in English and in Orca's Dutch: what typed letters become in browse mode.
NAVIGATION = ("heading level", "wrapping to", "no more", "vanaf bovenzijde", "vanaf onderzijde", "geen verdere",
              "meer.", "leaving", "verlaten")


def _literal_parts(text):
    """The parts of a string between its placeholders ({name} or Swift's \\(...))."""
    parts = (part.strip(" .,:;()%") for part in re.split(r"\{\w+\}|\\\([^)]*\)", text))
    return [part for part in parts if part]


def _distinctive(text):
    """Long enough to be a sentence in one language only (never a name, a number or one word)."""
    return len(text) >= 12 and len(text.split()) >= 2


def _pairs():
    """(English, Dutch) for every string of the lab's pages and of its text dialogue."""
    pairs = []
    folder = ROOT / "Web" / "i18n"
    for english_file in sorted(folder.glob("*en.json")):
        dutch_file = english_file.with_name(english_file.name[:-len("en.json")] + "nl.json")
        if not dutch_file.exists():
            continue
        english, dutch = json.loads(english_file.read_text()), json.loads(dutch_file.read_text())
        pairs += [(english[key], dutch[key]) for key in english if key in dutch]
    call = re.compile(r'say\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)')
    for source in sorted((ROOT / "Sources" / "AnnolabCore" / "Dialogue").glob("*.swift")):
        pairs += call.findall(source.read_text())
    return pairs


def _one_language(pairs, index):
    other = 1 - index
    found = set()
    for pair in pairs:
        if pair[index].strip().lower() == pair[other].strip().lower():
            continue
        others = " ".join(pair[other].lower().split())
        for part in _literal_parts(pair[index]):
            if _distinctive(part) and part.lower() not in others:
                found.add(" ".join(part.split()))
    return sorted(found)


_PAIRS = _pairs()
ENGLISH = _one_language(_PAIRS, 0)
DUTCH = _one_language(_PAIRS, 1)


def other_language(language):
    """The lab's sentences that must not be heard on a page in this language."""
    return DUTCH if language == "en" else ENGLISH


def problems(text, language, never=()):
    """Everything in what was heard that must not be: bad words, markup, the step's own never-phrases,
    and the lab's sentences in the other language."""
    spoken = " ".join(text.split()).lower()
    found = [word for word in BAD_WORDS if word.lower() in spoken]
    found += [match.group(0) for pattern in BAD_PATTERNS for match in [pattern.search(text)] if match]
    found += [phrase for phrase in never if " ".join(phrase.split()).lower() in spoken]
    found += [f"{sentence} (the lab's {'Dutch' if language == 'en' else 'English'})"
              for sentence in other_language(language) if sentence.lower() in spoken]
    return found
