"""Inference throughput of the lesson's CNN (images/s at batch 256) in PyTorch or Keras 3, the way bench/cnn-predict.ts
measures Strata: untrained weights (glorot-uniform, zero bias: throughput does not depend on their values), the first
`--images` test images of Fashion-MNIST as float32 pixels / 255, one warm-up batch, then `--passes` timed passes over all
of them; prints one JSON line (images/s of each pass, their median, the process's peak RSS).

Usage: /usr/bin/python3 bench/peers/cnn_predict.py --framework torch [--threads 2] [--images 4096] [--passes 3]
       KERAS_BACKEND=jax .venv-peers/bin/python bench/peers/cnn_predict.py --framework keras
  torch: model.eval() under torch.no_grad(), batches of 256 sliced from one tensor, torch.set_num_threads(--threads).
  keras: model.predict(x, batch_size=256) over all the images at once (what a Keras user calls), jit-compiled by its
  backend in the warm-up call.
"""
import argparse, gzip, json, os, resource, statistics, sys, time
import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--framework", required=True, choices=["torch", "keras"])
p.add_argument("--threads", type=int, default=2)
p.add_argument("--images", type=int, default=4096)
p.add_argument("--passes", type=int, default=3)
p.add_argument("--batch", type=int, default=256)
a = p.parse_args()
DIR = os.environ.get("FMNIST_DIR", "/usr/share/datasets/fashion-mnist")

with gzip.open(os.path.join(DIR, "t10k-images-idx3-ubyte.gz")) as f:
    raw = f.read()
X = (np.frombuffer(raw, np.uint8, offset=16)[: a.images * 784].astype(np.float32) / 255.0).reshape(-1, 28, 28, 1)


def torch_runner():
    import torch
    from torch import nn
    torch.set_num_threads(a.threads)
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 100), nn.ReLU(), nn.Dropout(0.4), nn.Linear(100, 10), nn.Softmax(1))
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    model.eval()
    x = torch.from_numpy(X.transpose(0, 3, 1, 2).copy())

    def predict(images):
        with torch.no_grad():
            return [model(images[i:i + a.batch]) for i in range(0, len(images), a.batch)]
    return predict, x, f"torch@{torch.__version__}, {torch.get_num_threads()} threads"


def keras_runner():
    import keras
    model = keras.Sequential([keras.Input((28, 28, 1)),
                              keras.layers.Conv2D(32, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D(),
                              keras.layers.Conv2D(64, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D(),
                              keras.layers.Flatten(), keras.layers.Dense(100, activation="relu"), keras.layers.Dropout(0.4),
                              keras.layers.Dense(10, activation="softmax")])
    return (lambda images: model.predict(images, batch_size=a.batch, verbose=0)), X, \
        f"keras {keras.__version__} / {keras.backend.backend()}"


predict, x, name = torch_runner() if a.framework == "torch" else keras_runner()
predict(x[: a.batch])  # warm-up: first-call allocation, and Keras's jit compilation for batch 256
rates = []
for i in range(a.passes):
    t0 = time.perf_counter()
    predict(x)
    rates.append(len(x) / (time.perf_counter() - t0))
    print(f"pass {i + 1}: {rates[-1]:.0f} images/s", file=sys.stderr)
print(json.dumps({"framework": name, "batch": a.batch, "images": len(x), "images_per_sec": [round(r, 1) for r in rates],
                  "median_images_per_sec": round(statistics.median(rates), 1),
                  "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
