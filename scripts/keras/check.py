"""Has the real Keras 3 load the `.keras` files Strata wrote, predict, and train one step, for the peer tests.

Usage: KERAS_BACKEND=jax python check.py < job.json > answers.json

The job: {"predict": [{"id", "path", "inputs": [tensor]}], "fit": [{"id", "path", "x": [tensor], "y": [tensor]}]}
where a tensor is {"shape", "dtype", "values"} (values flat, row-major). The answer maps each id to
{"outputs": [tensor]} (predictions) or {"weights": {layer name: [tensor, ...]}} (every layer's
weights after one step of `model.fit` on the batch, with the optimizer and its state as loaded),
or {"error": text}. Anything Keras warns about while loading (a weight or optimizer variable it
skipped, say) is an error too: Keras goes on after such a warning, the test must not. The one
exception is for predictions: Keras itself warns that it skips the state of an optimizer that has
not taken a step yet (its own files of a compiled, untrained model give that warning).
"""
import json
import os
import sys
import traceback
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402
import keras  # noqa: E402

from generate import as_list, layer_weights, tensor_json  # noqa: E402


def array(t):
    return np.asarray(t["values"], dtype=t["dtype"]).reshape(t["shape"])


def one_or_list(tensors):
    arrays = [array(t) for t in tensors]
    return arrays[0] if len(arrays) == 1 else arrays


OPTIMIZER_SKIPPED = "Skipping variable loading for optimizer"


def load(path, optimizer_state_needed):
    """The model at path, with the warnings Keras gives while loading it raised as errors."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = keras.saving.load_model(path)
    messages = [str(w.message) for w in caught]
    if not optimizer_state_needed:
        messages = [m for m in messages if not m.startswith(OPTIMIZER_SKIPPED)]
    if messages:
        raise RuntimeError("; ".join(messages))
    return model


def predict(item):
    model = load(item["path"], optimizer_state_needed=False)
    outputs = as_list(model(one_or_list(item["inputs"]), training=False))
    return {"outputs": [tensor_json(keras.ops.convert_to_numpy(y)) for y in outputs]}


def fit(item):
    model = load(item["path"], optimizer_state_needed=True)
    x, y = one_or_list(item["x"]), one_or_list(item["y"])
    model.fit(x, y, batch_size=item["x"][0]["shape"][0], epochs=1, shuffle=False, verbose=0)
    return {"weights": layer_weights(model)}


def answer(run, item):
    keras.backend.clear_session()
    try:
        return run(item)
    except Exception:  # noqa: BLE001 - every failure goes back to the test, which names the file
        return {"error": traceback.format_exc(limit=4)}


def main():
    job = json.load(sys.stdin)
    answers = {}
    for kind, run in (("predict", predict), ("fit", fit)):
        for item in job.get(kind, []):
            answers[item["id"]] = answer(run, item)
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
