"""A trained binary MLP as hardware needs it: weight bits, integer thresholds, layer sizes.

Conventions shared by the exporter, the golden inference and the generator: a bit 1 stands for
+1 and 0 for -1, so a neuron's pre-activation is ``2*p - n`` where ``p`` is the popcount of the
XNOR of its ``n`` input bits with its weight bits. A hidden neuron fires (outputs 1) when
``p >= threshold``; batch norm, and its sign, are folded into the threshold and the weight bits
at export. The last layer has no thresholds: its popcounts are the class scores, and the class
is their argmax (the lowest index wins a tie).

The input encoding belongs to the model: a thermometer code of ``input_thresholds`` (ascending)
turns ``f`` features into ``f * len(input_thresholds)`` bits, bit ``level * f + i`` being
``x[i] >= input_thresholds[level]``. More levels keep more of each feature for the first
layer while every input stays one bit.

Stored as ``.npz``: ``layers`` (sizes, inputs first), ``weights{k}`` (``np.packbits`` of the
``(n_out, n_in)`` bit matrix, little bit order, rows padded to bytes), ``thresholds{k}`` for
each hidden layer, ``input_thresholds`` (files of wave 1 hold one ``input_threshold``) and
``metadata`` (JSON text: data set, seed, accuracy).
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import ModelError
from .files import write_atomically

from .models import SHIPPED_MODELS

__all__ = ["BNNModel", "ModelError", "load_model", "read_npz", "thermometer"]


def thermometer(features, thresholds):
    """The bits of ``features`` ``(samples, f)`` in the thermometer code of ``thresholds``:
    ``(samples, f * len(thresholds))`` uint8, one block of ``f`` bits per threshold."""
    features = np.asarray(features)
    return np.concatenate([features >= threshold for threshold in thresholds],
                          axis=1).astype(np.uint8)


@dataclass(frozen=True, eq=False)
class BNNModel:
    """``weights[k]``: ``(n_out, n_in)`` uint8 0/1; ``thresholds[k]``: int64 per hidden neuron."""
    layers: tuple
    weights: tuple
    thresholds: tuple
    input_thresholds: tuple
    metadata: dict = field(default_factory=dict)

    def __post_init__(self):
        levels = self.input_thresholds
        if (not isinstance(levels, tuple) or not levels
                or not all(isinstance(t, float) and np.isfinite(t) for t in levels)
                or list(levels) != sorted(set(levels))):
            raise ModelError(f"Model input thresholds must be one or more finite, ascending "
                             f"numbers, not {levels!r}")
        layers = self.layers
        if (not isinstance(layers, tuple) or len(layers) < 2
                or not all(isinstance(size, int) and size >= 1 for size in layers)):
            raise ModelError(f"Model layers must be two or more positive sizes, not {layers!r}")
        if layers[0] % len(levels):
            raise ModelError(f"Model inputs ({layers[0]}) must be a multiple of its "
                             f"{len(levels)} input thresholds")
        if len(self.weights) != len(layers) - 1 or len(self.thresholds) != len(layers) - 2:
            raise ModelError(f"A model of layers {layers} must have {len(layers) - 1} weight "
                             f"matrices and {len(layers) - 2} threshold vectors, not "
                             f"{len(self.weights)} and {len(self.thresholds)}")
        for index, (n_in, n_out) in enumerate(zip(layers, layers[1:])):
            weights = self.weights[index]
            if weights.shape != (n_out, n_in) or weights.dtype != np.uint8 or weights.max() > 1:
                raise ModelError(f"Layer {index + 1} weights must be a ({n_out}, {n_in}) uint8 "
                                 f"array of bits, not {weights.dtype} of shape {weights.shape}")
            if index < len(self.thresholds):
                thresholds = self.thresholds[index]
                if (thresholds.shape != (n_out,) or thresholds.dtype != np.int64
                        or thresholds.min() < 0 or thresholds.max() > n_in + 1):
                    raise ModelError(f"Layer {index + 1} thresholds must be {n_out} integers "
                                     f"from 0 to {n_in + 1}")

    @property
    def depth(self):
        """The number of weight layers."""
        return len(self.layers) - 1

    @property
    def n_classes(self):
        return self.layers[-1]

    @property
    def n_features(self):
        """Raw features per sample, before the thermometer code."""
        return self.layers[0] // len(self.input_thresholds)

    def binarize(self, features):
        """Input bits (uint8, one row per sample) from raw features."""
        features = np.asarray(features)
        if features.ndim != 2 or features.shape[1] != self.n_features:
            raise ModelError(f"Features must be an array of shape (samples, {self.n_features}), "
                             f"not {features.shape}")
        return thermometer(features, self.input_thresholds)

    def arrays(self):
        """The ``.npz`` members."""
        arrays = {"layers": np.array(self.layers, dtype=np.int64),
                  "input_thresholds": np.array(self.input_thresholds, dtype=np.float64),
                  "metadata": np.array(json.dumps(self.metadata, sort_keys=True))}
        for index, weights in enumerate(self.weights):
            arrays[f"weights{index}"] = np.packbits(weights, axis=1, bitorder="little")
        for index, thresholds in enumerate(self.thresholds):
            arrays[f"thresholds{index}"] = thresholds
        return arrays

    @property
    def sha256(self):
        """A hash of what the hardware holds (sizes, bits, thresholds, binarisation)."""
        return hardware_sha256(self.arrays())

    def save(self, path):
        """Write the ``.npz`` file whole or not at all (an old file survives a failure)."""
        write_npz(path, self.arrays())


def hardware_sha256(arrays):
    """A hash of a model's ``.npz`` members but its metadata: what the hardware holds."""
    digest = hashlib.sha256()
    for name, array in sorted(arrays.items()):
        if name != "metadata":
            digest.update(name.encode() + np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def write_npz(path, arrays):
    """Write a model's ``.npz`` members whole or not at all."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    write_atomically(path, buffer.getvalue())


def read_npz(path, *, what, error):
    """Every array of the ``.npz`` file ``path``, or ``error`` naming the ``what`` file. Nothing
    is unpickled: an object array is an error like a file that is no zip archive."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise ValueError("an .npy array, not an .npz archive")
            return {name: data[name] for name in data.files}
    except OSError as reason:
        raise error(f"{what} file {path} cannot be read: {reason.strerror or reason}") from None
    except (ValueError, EOFError, zipfile.BadZipFile):
        raise error(f"{what} file {path} is not a valid .npz file") from None


def _member(arrays, name, path, *, kind, shape=None):
    """The array ``name`` of a model file, checked for its ``shape`` (any vector if None) and
    dtype ``kind``."""
    if name not in arrays:
        raise ModelError(f"Model file {path} lacks {name}")
    array = arrays[name]
    expected = (len(array),) if shape is None and array.ndim == 1 else shape
    if array.shape != expected or array.dtype.kind not in kind:
        wanted = {"iu": "an integer", "u": "a uint8", "f": "a float", "U": "a text"}[kind]
        raise ModelError(f"Model file {path}: {name} must be {wanted} "
                         f"{'vector' if shape is None else f'array of shape {shape}'}, "
                         f"not {array.dtype} of shape {array.shape}")
    return array


def load_model(path=SHIPPED_MODELS["digits"]):
    """Read a model written by :meth:`BNNModel.save`; the shipped digits model by default."""
    path = Path(path)
    arrays = read_npz(path, what="Model", error=ModelError)
    if "input_threshold" in arrays and "input_thresholds" not in arrays:  # written by wave 1
        arrays["input_thresholds"] = arrays.pop("input_threshold").reshape(-1)
    layers = tuple(int(size) for size in _member(arrays, "layers", path, kind="iu"))
    if len(layers) < 2 or min(layers) < 1:
        raise ModelError(f"Model file {path}: layers must be two or more positive sizes")
    weights = tuple(
        np.unpackbits(_member(arrays, f"weights{index}", path, shape=(n_out, -(-n_in // 8)),
                              kind="u"), axis=1, count=n_in, bitorder="little")
        for index, (n_in, n_out) in enumerate(zip(layers, layers[1:])))
    thresholds = tuple(_member(arrays, f"thresholds{index}", path, shape=(n_out,),
                               kind="iu").astype(np.int64)
                       for index, n_out in enumerate(layers[1:-1]))
    levels = _member(arrays, "input_thresholds", path, kind="f")
    try:
        metadata = json.loads(str(_member(arrays, "metadata", path, shape=(), kind="U")))
    except json.JSONDecodeError:
        metadata = None
    if not isinstance(metadata, dict):
        raise ModelError(f"Model file {path}: metadata must be a JSON object")
    return BNNModel(layers, weights, thresholds, tuple(float(t) for t in levels), metadata)
