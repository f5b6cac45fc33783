"""Lists every group and dataset of the HDF5 inside `.keras` files (or of `.h5` files), with h5py alone.

Usage: /usr/bin/python3 h5_tree.py FILE... > tree.json

Meant for Debian's python3-h5py, which knows nothing of Keras or Strata: it tells what any HDF5
reader sees in a file. The answer maps each file to {"groups": [path, ...], "attributes": {path:
{name: value}}, "datasets": {path: {"shape", "dtype", "values"}}}, paths sorted (attributes of
the groups and datasets that have some, strings as text); for a `.keras` zip it is its
`model.weights.h5`.
"""
import io
import json
import sys
import zipfile

import h5py
import numpy as np


def open_hdf5(path):
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
    return h5py.File(path, "r")


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return [text(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    return value


def tree(path):
    groups, attributes, datasets = [], {}, {}

    def visit(name, obj):
        if len(obj.attrs) > 0:
            attributes[name] = {key: text(obj.attrs[key]) for key in sorted(obj.attrs.keys())}
        if isinstance(obj, h5py.Dataset):
            values = np.asarray(obj[()])
            datasets[name] = {
                "shape": list(values.shape),
                "dtype": str(values.dtype),
                "values": values.astype("float64").ravel().tolist(),
            }
        else:
            groups.append(name)

    with open_hdf5(path) as f:
        f.visititems(visit)
    return {"groups": sorted(groups), "attributes": dict(sorted(attributes.items())), "datasets": dict(sorted(datasets.items()))}


def main():
    json.dump({path: tree(path) for path in sys.argv[1:]}, sys.stdout)


if __name__ == "__main__":
    main()
