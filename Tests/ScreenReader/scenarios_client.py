"""The client's project page heard with Orca: the client signs in with email and password, opens a project by
keyboard, chooses a file in Chromium's file chooser (a GTK dialog Orca reads: it opens on the home folder with
the file's row first; Home selects it, Alt+O opens it; Enter or Space on the row, or a place typed after
Ctrl+L, closed the chooser here without giving Chromium a file), uploads it, and hears the progress and the
report: how many files were added, which were refused and why."""
import struct
import zipfile
import zlib

from scenarios import ENGLISH_ON_DUTCH_PAGES, Scenario, Step
from scenarios_coach import Act, enter_and_stop_reading, sign_in_by_email

CLIENT_EMAIL, CLIENT_PASSWORD = "client@demo.local", "demo-client"

WORDS = {
    "en": {
        "focus_mode": "Focus mode", "badge": "badge", "badge_button": "Sign in with badge",
        "email": "Email address", "password": "Password",
        "skip": "Skip to main content", "language": "Nederlands", "sign_out": "Sign out",
        "new": "New project", "back": "Back to your projects", "progress": "Progress", "quality": "Quality",
        "cost": "Cost", "add": "Add files", "files": "Files to add", "upload": "Upload",
        "sending": "Sending 1 file.", "report": "What happened to your files",
        "added": "Files added: 1. New tasks for the operators: 1.", "refused": "Files not added: 1.",
        "why": "This file is not a PNG or JPEG picture",
    },
    "nl": {
        "focus_mode": "Focus-modus", "badge": "badge", "badge_button": "Inloggen met badge",
        "email": "E-mailadres", "password": "Wachtwoord",
        "skip": "Ga naar de inhoud", "language": "English", "sign_out": "Uitloggen",
        "new": "Nieuw project", "back": "Terug naar je projecten", "progress": "Voortgang", "quality": "Kwaliteit",
        "cost": "Kosten", "add": "Bestanden toevoegen", "files": "Bestanden om toe te voegen", "upload": "Uploaden",
        "sending": "1 bestand wordt verstuurd.", "report": "Wat er met je bestanden gebeurde",
        "added": "Bestanden toegevoegd: 1. Nieuwe taken voor de operators: 1.", "refused": "Bestanden niet toegevoegd: 1.",
        "why": "Dit bestand is geen PNG- of JPEG-plaatje",
    },
}


def png(width, height):
    """A small real PNG picture: one colour, 8-bit RGB."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\x30\x70\xb0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def put_files(desktop):
    """The client's file, in the run's home folder (where Chromium's file chooser opens): a ZIP file that holds
    a picture and a broken one (a text file named as a picture)."""
    with zipfile.ZipFile(desktop.folder / "home" / "pictures.zip", "w") as archive:
        archive.writestr("street.png", png(64, 48))
        archive.writestr("broken.png", b"This is not a picture, only some text.\n")


PROJECT = "Street scenes: cars and people"
def client_upload(words):
    return [Step("(the client's files are ready in ~/upload)", ("call", Act("two files in ~/upload", put_files)))] + \
        sign_in_by_email(words, CLIENT_EMAIL, CLIENT_PASSWORD, ())[:-1] + [
        Step("Enter: the client's page opens; Ctrl stops Orca reading it from the top",
             ("call", Act("Enter, then Ctrl when Orca starts reading", enter_and_stop_reading))),
        Step("Ctrl+Home: the top of the page", ("key", "ctrl+Home"), hear=(words["skip"],)),
        Step("Tab: the language button", ("key", "Tab"), hear=(words["language"],)),
        Step("Tab: sign out", ("key", "Tab"), hear=(words["sign_out"],)),
        Step("Tab: new project", ("key", "Tab"), hear=(words["new"],)),
        Step("Tab: the first project", ("key", "Tab"), hear=(PROJECT,)),
        Step("Enter: the project opens; Ctrl stops Orca reading it from the top",
             ("call", Act("Enter, then Ctrl when Orca starts reading", enter_and_stop_reading))),
        Step("Ctrl+Home: the top of the page", ("key", "ctrl+Home"), hear=(words["skip"],)),
        Step("Tab: the language button", ("key", "Tab"), hear=(words["language"],)),
        Step("Tab: sign out", ("key", "Tab"), hear=(words["sign_out"],)),
        Step("Tab: back to the projects", ("key", "Tab"), hear=(words["back"],)),
        Step("Tab: the page's list, progress", ("key", "Tab"), hear=(words["progress"],)),
        Step("Tab: quality", ("key", "Tab"), hear=(words["quality"],)),
        Step("Tab: cost", ("key", "Tab"), hear=(words["cost"],)),
        Step("Tab: add files", ("key", "Tab"), hear=(words["add"],)),
        Step("Enter: the section for adding files", ("key", "Return"), hear=(words["add"],)),
        Step("Tab: the file field", ("key", "Tab"), hear=(words["files"],)),
        Step("Space: Chromium's file chooser opens on the home folder, its one file first", ("key", "space"),
             hear=("pictures.zip",)),
        Step("Home: the file is selected", ("key", "Home")),
        Step("Alt+O: open, the file is chosen and the chooser closes", ("key", "alt+o")),
        Step("Tab: upload", ("key", "Tab"), hear=(words["upload"],)),
        Step("Enter: the upload; the report takes the focus and is read", ("key", "Return"),
             hear=(words["sending"], words["report"], words["added"], words["refused"], "broken.png", words["why"])),
    ]


SCENARIOS = [
    Scenario("client-upload-en", "The client uploads files and hears the report, in English", "en",
             client_upload(WORDS["en"]), pages=("index", "client", "client-project")),
    Scenario("client-upload-nl", "The client uploads files and hears the report, in Dutch", "nl",
             client_upload(WORDS["nl"]), never=ENGLISH_ON_DUTCH_PAGES, pages=("index", "client", "client-project")),
]
