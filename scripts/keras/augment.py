"""Runs Keras 3's image transform and augmentation layers on given images, for the augmentation tests.

Usage: KERAS_BACKEND=jax python augment.py < job.json > answers.json

The job: {"affine": [{"images", "transform", "interpolation", "fill_mode", "fill_value"}],
"layers": [{"class_name", "config", "images"}]} where images and transform are tensors
{"shape", "dtype", "values"} (values flat, row-major). The answer: {"affine": [tensor], "layers": [tensor]},
each layer called with training=True (the tests give ranges of one value, so that the draw is fixed).
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402

from generate import tensor_json  # noqa: E402


def array(t):
    return np.asarray(t["values"], dtype=t["dtype"]).reshape(t["shape"])


def affine(case):
    y = keras.ops.image.affine_transform(
        array(case["images"]),
        array(case["transform"]),
        interpolation=case["interpolation"],
        fill_mode=case["fill_mode"],
        fill_value=case["fill_value"],
    )
    return tensor_json(keras.ops.convert_to_numpy(y))


def layer(case):
    cls = getattr(keras.layers, case["class_name"])
    y = cls(**case["config"])(array(case["images"]), training=True)
    return tensor_json(keras.ops.convert_to_numpy(y))


job = json.load(sys.stdin)
json.dump({"affine": [affine(c) for c in job.get("affine", [])], "layers": [layer(c) for c in job.get("layers", [])]}, sys.stdout)
