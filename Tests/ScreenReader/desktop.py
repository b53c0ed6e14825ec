"""A private desktop for one run: a virtual display, speech that goes to a file, Orca, Chromium and the lab.
Everything runs inside the D-Bus session of `dbus-run-session` (see harness.py) with HOME and the XDG
folders in the run's own folder, and every process started here is stopped by its id at the end."""
import os
import pathlib
import re
import shutil
import signal
import subprocess
import time

HERE = pathlib.Path(__file__).resolve().parent
# Orca and its pyatspi live in the system's Python, whichever python3 runs the harness.
SYSTEM_PYTHON = "/usr/bin/python3"
ROOT = HERE.parents[1]


class SetupFailed(RuntimeError):
    """A part of the desktop did not come up; the message says which and shows its last output."""


def tail(path, lines=15):
    try:
        return "\n".join(pathlib.Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


def wait_for(what, check, deadline, process=None, log=None):
    """Polls check() until it returns something truthy; fails with the process's output when the
    process ends first or the deadline passes."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        found = check()
        if found:
            return found
        if process is not None and process.poll() is not None:
            raise SetupFailed(f"{what}: the process ended (exit {process.returncode})\n{tail(log) if log else ''}")
        time.sleep(0.1)
    raise SetupFailed(f"{what}: not ready after {deadline} s\n{tail(log) if log else ''}")


class Desktop:
    """One run's desktop. `language` is the computer's language ('en' or 'nl'): Chromium's user
    interface and Accept-Language, and Orca's own words."""

    def __init__(self, folder, language, chromium, annolab, lab_data, lab_options=()):
        self.folder = pathlib.Path(folder)
        self.lab_options = list(lab_options)
        self.language = language
        self.chromium = chromium
        self.annolab = annolab
        self.lab_data = lab_data
        self.processes = []  # (name, Popen), stopped in reverse order
        self.spoken = self.folder / "spoken.txt"
        self.orca_log = self.folder / "orca.log"
        self.env = self._environment()
        self.url = None
        self.window = None

    # ---- environment ------------------------------------------------------------------------

    def _environment(self):
        home = self.folder / "home"
        runtime = self.folder / "runtime"
        for path in (home, runtime, home / ".config", home / ".local" / "share", home / ".cache"):
            path.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        # Without a sound device the speech module refuses to start: ALSA gets a device that drops all.
        (home / ".asoundrc").write_text("pcm.!default { type null }\nctl.!default { type hw card 0 }\n")
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("XDG_", "LC_", "WAYLAND", "GTK_", "QT_")) and key not in ("LANG", "LANGUAGE", "DISPLAY")}
        locale = "nl_NL" if self.language == "nl" else "en_US"
        # The computer's language, for Orca and Chromium: Orca's words (gettext reads LANGUAGE) and the
        # language of its voice (from LANG). That locale need not be installed (speech-dispatcher refuses
        # to start without it, so the other programs keep C.UTF-8), and Python must not replace it by C.UTF-8,
        # which Orca would take for English.
        self.computer = {"LANG": f"{locale}.UTF-8", "PYTHONCOERCECLOCALE": "0"}
        env.update({
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "LANG": "C.UTF-8",
            "LANGUAGE": f"{locale}:{self.language}",
            "ACCESSIBILITY_ENABLED": "1",
            "GTK_A11Y": "atspi",
            "NO_AT_BRIDGE": "0",
        })
        return env

    def start(self, process_name, command, log_name, env=None, **options):
        log = open(self.folder / log_name, "w")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=env or self.env, start_new_session=True, **options)
        log.close()
        self.processes.append((process_name, process))
        return process

    # ---- the parts ----------------------------------------------------------------------------

    def start_display(self):
        """Xvfb picks a free display number itself and writes it to a pipe (-displayfd)."""
        read_end, write_end = os.pipe()
        process = self.start("Xvfb", ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x1024x24",
                                      "-nolisten", "tcp"], "xvfb.log", pass_fds=(write_end,))
        os.close(write_end)
        number = b""
        end = time.monotonic() + 20
        while not number.endswith(b"\n") and time.monotonic() < end:
            chunk = os.read(read_end, 16)
            if not chunk:
                break
            number += chunk
        os.close(read_end)
        if not number.strip().isdigit():
            raise SetupFailed(f"Xvfb gave no display number\n{tail(self.folder / 'xvfb.log')}")
        self.env["DISPLAY"] = f":{number.strip().decode()}"
        return process

    def start_lab(self):
        """The lab as the browser tests start it: `annolab demo` on a seeded copy of a data folder and a
        free loopback port, with the scenario's own options (a faster clock, for one)."""
        process = self.start("annolab", [self.annolab, "demo", "--data", str(self.lab_data), "--port", "0",
                                         *self.lab_options],
                             "lab.log", cwd=ROOT)
        log = self.folder / "lab.log"

        def running():
            match = re.search(r"running at (http://127\.0\.0\.1:\d+/)", log.read_text(errors="replace"))
            return match and match.group(1)
        self.url = wait_for("the lab", running, 60, process, log)

    def start_speech(self):
        """speech-dispatcher in the foreground with one voice: a generic module that runs voice.sh, which
        appends every utterance to spoken.txt as one line."""
        config = self.folder / "speechd"
        (config / "modules").mkdir(parents=True, exist_ok=True)
        (self.folder / "speechd-logs").mkdir(exist_ok=True)
        (config / "speechd.conf").write_text(
            'CommunicationMethod "unix_socket"\nSocketPath "default"\n'
            f'LogLevel 3\nLogDir "{self.folder / "speechd-logs"}"\n'
            'AudioOutputMethod "alsa"\n'
            'AddModule "generic" "sd_generic" "generic.conf"\nDefaultModule generic\n'
            f'DefaultLanguage "{self.language}"\nSymbolsPreproc "char"\n'
        )
        self.spoken.touch()
        (config / "modules" / "generic.conf").write_text(
            # sd_generic escapes the single quotes inside $DATA for the shell. One message is one
            # line: no delimiter that the lab's text uses, and chunks far longer than any utterance.
            f"GenericExecuteSynth \"sh \\'{HERE / 'voice.sh'}\\' \\'{self.folder}\\' \\'$LANGUAGE\\' \\'$DATA\\'\"\n"
            'GenericMaxChunkLength 100000\nGenericDelimiters "~"\n'
            'GenericLanguage "en" "en" "utf-8"\nGenericLanguage "nl" "nl" "utf-8"\n'
            'AddVoice "en" "MALE1" "en"\nAddVoice "nl" "MALE1" "nl"\n'
        )
        process = self.start("speech-dispatcher", ["speech-dispatcher", "-s", "-C", str(config), "-t", "0"],
                             "speechd.log")
        socket = pathlib.Path(self.env["XDG_RUNTIME_DIR"]) / "speech-dispatcher" / "speechd.sock"
        wait_for("speech-dispatcher", socket.exists, 20, process, self.folder / "speechd.log")

    def start_orca(self, ear):
        prefs = self.folder / "orca-prefs"
        prefs.mkdir(exist_ok=True)
        process = self.start("orca", [SYSTEM_PYTHON, str(HERE / "orca_launch.py"), str(self.orca_log), "-u", str(prefs)],
                             "orca.out", env={**self.env, **self.computer})
        ear.wait_for_orca(process, self.folder / "orca.out")
        return process

    def start_chromium(self, path):
        """Chromium with accessibility on, in the computer's language, its window given the keyboard."""
        profile = self.folder / "chromium"
        # Chromium here has only its English user interface; on a Dutch page it would offer to translate
        # (a dialog Orca announces in English), which a Dutch lab computer would not.
        (profile / "Default").mkdir(parents=True, exist_ok=True)
        (profile / "Default" / "Preferences").write_text('{"translate": {"enabled": false}}')
        language = "nl" if self.language == "nl" else "en-US"
        self.chromium_options = [
            "--no-sandbox", "--force-renderer-accessibility", "--ozone-platform=x11", f"--user-data-dir={profile}",
            "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--password-store=basic",
            f"--lang={language}", f"--accept-lang={language}", "--disable-features=Translate,MediaRouter",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-position=0,0", "--window-size=1280,1000",
        ]
        process = self.start("chromium", [self.chromium, *self.chromium_options, self.url + path.lstrip("/")],
                             "chromium.log", env={**self.env, **self.computer})

        def window():
            found = subprocess.run(["xdotool", "search", "--onlyvisible", "--class", "chromium"],
                                   env=self.env, capture_output=True, text=True, timeout=30)
            return found.stdout.split()[-1:] or None
        self.window = wait_for("Chromium's window", window, 60, process, self.folder / "chromium.log")[0]
        self.xdotool("windowfocus", "--sync", self.window)
        return process

    def open_in_new_tab(self, path):
        """Opens a page as a shortcut on the desktop would: Chromium is started again with the address, and
        the running Chromium opens it in a new tab (typing into the address bar floods autocomplete speech)."""
        subprocess.run([self.chromium, *self.chromium_options, self.url + path.lstrip("/")],
                       env={**self.env, **self.computer},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=False)

    # ---- keys ---------------------------------------------------------------------------------

    def xdotool(self, *arguments):
        subprocess.run(["xdotool", *arguments], env=self.env, check=True, timeout=60,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def key(self, *names):
        self.xdotool("key", "--clearmodifiers", "--delay", "120", *names)

    def type(self, text):
        self.xdotool("type", "--clearmodifiers", "--delay", "120", text)

    # ---- the end ------------------------------------------------------------------------------

    def stop(self):
        """Stops every process started here, newest first, by its id (its process group: Chromium's
        helpers and the speech module belong to it); a process that does not end in 5 s is killed."""
        for name, process in reversed(self.processes):
            if process.poll() is not None:
                continue
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(timeout=5)
        # Helpers that outlived their leader (Chromium's zygote) are still in the leader's group.
        for name, process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.processes = []


def chromium_program():
    """The Chromium the browser tests use."""
    return shutil.which("chromium") or "/usr/bin/chromium"
