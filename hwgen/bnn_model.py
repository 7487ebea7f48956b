"""A trained binary MLP as hardware needs it: weight bits, integer thresholds, layer sizes.

Conventions shared by the exporter, the golden inference and the generator: a bit 1 stands for
+1 and 0 for -1, so a neuron's pre-activation is ``2*p - n`` where ``p`` is the popcount of the
XNOR of its ``n`` input bits with its weight bits. A hidden neuron fires (outputs 1) when
``p >= threshold``; batch norm, and its sign, are folded into the threshold and the weight bits
at export. The last layer has no thresholds: its popcounts are the class scores, and the class
is their argmax (the lowest index wins a tie). Input features become bits as
``x >= input_threshold``.

Stored as ``.npz``: ``layers`` (sizes, inputs first), ``weights{k}`` (``np.packbits`` of the
``(n_out, n_in)`` bit matrix, little bit order, rows padded to bytes), ``thresholds{k}`` for
each hidden layer, ``input_threshold`` and ``metadata`` (JSON text: data set, seed, accuracy).
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import ModelError

__all__ = ["BNNModel", "ModelError", "load_model", "read_npz", "DIGITS_MODEL"]

DIGITS_MODEL = Path(__file__).parent / "models" / "digits.npz"


@dataclass(frozen=True, eq=False)
class BNNModel:
    """``weights[k]``: ``(n_out, n_in)`` uint8 0/1; ``thresholds[k]``: int64 per hidden neuron."""
    layers: tuple
    weights: tuple
    thresholds: tuple
    input_threshold: float
    metadata: dict = field(default_factory=dict)

    def __post_init__(self):
        layers = self.layers
        if (not isinstance(layers, tuple) or len(layers) < 2
                or not all(isinstance(size, int) and size >= 1 for size in layers)):
            raise ModelError(f"Model layers must be two or more positive sizes, not {layers!r}")
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

    def binarize(self, features):
        """Input bits (uint8, one row per sample) from raw features."""
        features = np.asarray(features)
        if features.ndim != 2 or features.shape[1] != self.layers[0]:
            raise ModelError(f"Features must be an array of shape (samples, {self.layers[0]}), "
                             f"not {features.shape}")
        return (features >= self.input_threshold).astype(np.uint8)

    def arrays(self):
        """The ``.npz`` members."""
        arrays = {"layers": np.array(self.layers, dtype=np.int64),
                  "input_threshold": np.array(self.input_threshold, dtype=np.float64),
                  "metadata": np.array(json.dumps(self.metadata, sort_keys=True))}
        for index, weights in enumerate(self.weights):
            arrays[f"weights{index}"] = np.packbits(weights, axis=1, bitorder="little")
        for index, thresholds in enumerate(self.thresholds):
            arrays[f"thresholds{index}"] = thresholds
        return arrays

    @property
    def sha256(self):
        """A hash of what the hardware holds (sizes, bits, thresholds, binarisation)."""
        digest = hashlib.sha256()
        for name, array in sorted(self.arrays().items()):
            if name != "metadata":
                digest.update(name.encode() + np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()

    def save(self, path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            np.savez_compressed(file, **self.arrays())


def read_npz(path, *, what, error):
    """Every array of the ``.npz`` file ``path``, or ``error`` naming the ``what`` file."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (OSError, ValueError) as reason:
        raise error(f"{what} file {path} cannot be read: {reason}") from None


def load_model(path=DIGITS_MODEL):
    """Read a model written by :meth:`BNNModel.save`; the shipped digits model by default."""
    path = Path(path)
    arrays = read_npz(path, what="Model", error=ModelError)
    missing = {"layers", "input_threshold", "metadata"} - set(arrays)
    if missing:
        raise ModelError(f"Model file {path} lacks {', '.join(sorted(missing))}")
    layers = tuple(int(size) for size in arrays["layers"])
    try:
        weights = tuple(
            np.unpackbits(arrays[f"weights{index}"], axis=1, count=n_in, bitorder="little")
            for index, n_in in enumerate(layers[:-1]))
        thresholds = tuple(arrays[f"thresholds{index}"].astype(np.int64)
                           for index in range(len(layers) - 2))
    except KeyError as error:
        raise ModelError(f"Model file {path} lacks {error.args[0]}") from None
    return BNNModel(layers, weights, thresholds, float(arrays["input_threshold"]),
                    json.loads(str(arrays["metadata"])))
