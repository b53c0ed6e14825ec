# Runs the Haar face detector as a Label Studio ML backend (label-studio-ml's Flask app) on one port.
"""Usage: python _wsgi.py --port PORT [--host 127.0.0.1]

Serves GET /health, POST /setup and POST /predict in the foreground until it is stopped.
Media fetched from the lab is cached in a fresh folder of this run only, removed at exit, so a
picture is always fetched (and its token checked) once per run, never taken from an earlier run.
"""
import argparse
import atexit
import logging
import os
import shutil
import signal
import sys
import tempfile

# Before the SDK is imported: its cache and data folders (appdirs) live in this run's own folder.
_RUN_DIR = tempfile.mkdtemp(prefix="haar-backend-")
os.environ["XDG_CACHE_HOME"] = os.path.join(_RUN_DIR, "cache")
os.environ["XDG_DATA_HOME"] = os.path.join(_RUN_DIR, "data")
# The protocol of Label Studio 1.5 and later: one model, loaded by /setup.
os.environ.setdefault("LABEL_STUDIO_ML_BACKEND_V2", "true")
atexit.register(shutil.rmtree, _RUN_DIR, True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import label_studio_ml.api as api  # noqa: E402
from label_studio_ml.model import LabelStudioMLManager  # noqa: E402

from model import MODEL_VERSION, HaarFaceDetector  # noqa: E402


class HaarManager(LabelStudioMLManager):
    """The SDK's manager, answering the detector's own version instead of its training-job id.

    label-studio-ml 1.0.9 names a model by its last training job ("INITIAL" when there is none);
    this detector is never trained, so /setup and /predict answer its fixed version instead.
    """

    @classmethod
    def fetch(cls, project=None, label_config=None, force_reload=False, **kwargs):
        kwargs.pop("model_version", None)
        wrapper = super().fetch(project, label_config, force_reload, **kwargs)
        wrapper.model_version = MODEL_VERSION
        return wrapper


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args()
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="[%(asctime)s] [%(levelname)s] [%(name)s] %(message)s")
    model_dir = os.path.join(_RUN_DIR, "models")
    api._manager = HaarManager()
    app = api.init_app(model_class=HaarFaceDetector, model_dir=model_dir)
    app.run(host=args.host, port=args.port, debug=False, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
