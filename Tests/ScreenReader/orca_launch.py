"""Runs the installed Orca with its debug log written line by line, so that every utterance can be read
the moment Orca sends it (Orca's own --debug-file is block-buffered: its last lines would come late).
Usage: python3 orca_launch.py DEBUG_FILE [orca options...]"""
import importlib.machinery
import importlib.util
import sys

ORCA = "/usr/bin/orca"


def main():
    debug_path, options = sys.argv[1], sys.argv[2:]
    loader = importlib.machinery.SourceFileLoader("orca_program", ORCA)
    spec = importlib.util.spec_from_loader("orca_program", loader)
    program = importlib.util.module_from_spec(spec)
    loader.exec_module(program)
    from orca import debug

    # Orca refuses to start while its user runs another Orca anywhere on the machine; each run here has
    # a desktop (display and D-Bus session) of its own, so an Orca elsewhere is not a second one on it.
    program.otherOrcas = lambda: []
    # INFO holds what Orca says and why it changes between browse and focus mode, without the
    # per-event tracing of --debug, which would slow Orca down on a small machine.
    debug.debugLevel = debug.LEVEL_INFO
    debug.eventDebugLevel = debug.LEVEL_OFF
    debug.debugFile = open(debug_path, "w", buffering=1, encoding="utf-8")
    sys.argv = ["orca", *options]
    sys.exit(program.main())


if __name__ == "__main__":
    main()
