# A Label Studio ML backend model: OpenCV's Haar cascade frontal face detector as rectangle predictions.
"""The face detector that the live-model tests talk to through Label Studio's ML backend protocol.

It reads each task's picture the way every Label Studio backend does, through the SDK's own media
fetch (``get_local_path``), which sends ``Authorization: Token <access_token>`` to the ``hostname``
given in ``POST /setup``. It finds faces with the cascade file that opencv-python-headless ships,
so nothing is downloaded at run time, and answers boxes in percent of the picture, as Label Studio's
``rectanglelabels`` results are.

The confidence: Haar gives no probability, so each box's score is the logistic of the cascade's
final-stage sum for that box (``levelWeights`` from ``detectMultiScale3(..., outputRejectLevels=True)``),
``1 / (1 + exp(-weight))``, rounded to four places. The same picture always gets the same score.
A task's score is the mean of its boxes' scores, 0 when no face was found.
"""
import logging
import math
import os
from urllib.parse import urlparse

import cv2
import numpy as np
from label_studio_ml.model import LabelStudioMLBase

try:  # label-studio-ml 2.x answers with a ModelResponse; 1.x (the one on PyPI) with a plain list.
    from label_studio_ml.response import ModelResponse
except ImportError:
    ModelResponse = None

logger = logging.getLogger(__name__)

MODEL_VERSION = "haar-frontalface-1"
CASCADE_FILE = os.path.join(cv2.data.haarcascades, "haarcascade_frontalface_default.xml")
# Fixed detection parameters: the same picture always gives the same boxes.
SCALE_FACTOR = 1.1
MIN_NEIGHBORS = 5
MIN_SIZE = (30, 30)
DEFAULT_LABEL = "face"


class HaarFaceDetector(LabelStudioMLBase):
    """Predicts one ``rectanglelabels`` region per frontal face found by the Haar cascade."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.model_version = MODEL_VERSION
        self.cascade = cv2.CascadeClassifier(CASCADE_FILE)
        if self.cascade.empty():
            raise RuntimeError(f"the Haar cascade file could not be read: {CASCADE_FILE}")

    def _control(self):
        """The label config's first RectangleLabels control: its name, its image's name and data key, the label."""
        for from_name, info in (self.parsed_label_config or {}).items():
            if info.get("type", "").lower() != "rectanglelabels":
                continue
            to_name = info["to_name"][0]
            inputs = info.get("inputs") or [{}]
            data_key = inputs[0].get("value") or "image"
            labels = info.get("labels") or [DEFAULT_LABEL]
            label = next((l for l in labels if l.lower() == DEFAULT_LABEL), labels[0])
            return from_name, to_name, data_key, label
        return "label", "image", "image", DEFAULT_LABEL

    def _absolute(self, url):
        """A path on the lab (``/media/...``) becomes a URL on /setup's hostname, so the token goes with it.

        The SDK resolves only Label Studio's own ``/data/upload/...`` and ``/data/local-files`` paths
        against the hostname; any other absolute URL on the same host and port gets the token as well.
        """
        if url.startswith("/") and not url.startswith("/data/") and self.hostname:
            return self.hostname.rstrip("/") + url
        return url

    def _read(self, task, data_key):
        url = self._absolute(task["data"][data_key])
        path = self.get_local_path(url)
        picture = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_COLOR)
        if picture is None:
            raise ValueError(f"not a picture OpenCV can read: {urlparse(url).path}")
        return picture

    def detect(self, picture):
        """Boxes ``(x, y, w, h)`` in pixels with their scores, largest score first."""
        gray = cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY)
        rects, _levels, weights = self.cascade.detectMultiScale3(
            gray, scaleFactor=SCALE_FACTOR, minNeighbors=MIN_NEIGHBORS, minSize=MIN_SIZE,
            outputRejectLevels=True)
        found = []
        for rect, weight in zip(np.asarray(rects).reshape(-1, 4), np.asarray(weights).ravel()):
            score = round(1.0 / (1.0 + math.exp(-float(weight))), 4)
            found.append(([int(v) for v in rect], score))
        return sorted(found, key=lambda item: (-item[1], item[0]))

    def predict(self, tasks, context=None, **kwargs):
        from_name, to_name, data_key, label = self._control()
        predictions = []
        for task in tasks:
            picture = self._read(task, data_key)
            height, width = picture.shape[:2]
            results = []
            for index, ((x, y, w, h), score) in enumerate(self.detect(picture)):
                results.append({
                    "id": f"{task.get('id', 't')}-face-{index}",
                    "from_name": from_name,
                    "to_name": to_name,
                    "type": "rectanglelabels",
                    "original_width": width,
                    "original_height": height,
                    "image_rotation": 0,
                    "value": {
                        "x": x / width * 100.0,
                        "y": y / height * 100.0,
                        "width": w / width * 100.0,
                        "height": h / height * 100.0,
                        "rotation": 0,
                        "rectanglelabels": [label],
                    },
                    "score": score,
                })
            task_score = round(sum(r["score"] for r in results) / len(results), 4) if results else 0.0
            predictions.append({"result": results, "score": task_score, "model_version": MODEL_VERSION})
        if ModelResponse is not None:
            return ModelResponse(predictions=predictions, model_version=MODEL_VERSION)
        return predictions
