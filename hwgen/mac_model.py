"""A trained multi-bit network as a folded integer MAC engine holds it.

Layer ``k`` of a :class:`MACModel` computes, for every neuron ``j``, the integer

    acc_j = bias_j + sum_i  w_ji * a_i

over its ``n_in`` unsigned ``activation_bits``-bit inputs ``a_i``. A hidden neuron outputs
``clip(acc_j >> shift_k, 0, 2**activation_bits - 1)`` (an arithmetic shift: requantisation
and ReLU in one), or, for a model with integer ``scales``, the multiply-shift with rounding
``clip((acc_j * scale_k + 2**(shift_k - 1)) >> shift_k, 0, 2**activation_bits - 1)`` (no
rounding term for a shift of 0); the last layer's ``acc`` are the class scores, and the class
is their argmax (the lowest index wins a tie). ``product`` names what the weights may be and so
which product unit the engine builds (:data:`~hwgen.product_unit.PRODUCTS`): ``binary``
weights are -1 or +1, ``power_of_two`` 0 or +-2**k, ``fixed8`` 8-bit two's complement,
``sign_magnitude`` integers from -127 to 127.

Inputs are coded like :func:`~hwgen.bnn_model.thermometer`'s, but counted: a feature's
activation is how many of the ``2**activation_bits - 1`` ascending ``input_thresholds`` it
reaches (on digits, features 0-16 and 4 bits: ``min(x, 15)``).

Stored as ``.npz``: ``product`` (text), ``activation_bits``, ``layers``, ``weights{k}``
(int8, or int16 where a weight needs it), ``biases{k}`` (int64), ``shifts`` (one per hidden
layer), ``scales`` (as many; only in a model that has them), ``input_thresholds`` and
``metadata`` (JSON text). A file without ``product`` (a BNN model, an MLP) is refused.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .bnn_model import hardware_sha256, read_npz, write_npz
from .errors import ModelError
from .product_unit import PRODUCTS

__all__ = ["MACModel", "load_mac_model", "count_levels", "MAX_ACTIVATION_BITS"]

#: 16-bit activations are what the widest fixed-point engine takes.
MAX_ACTIVATION_BITS = 16
#: Requantisation scales are below this: each is a constant multiplier in every PE.
SCALE_LIMIT = 1 << 16


def count_levels(features, thresholds):
    """How many of the ascending ``thresholds`` each feature reaches (int64, shaped as
    ``features``): the thermometer code counted, without its ``2**bits - 1`` planes."""
    return np.searchsorted(np.asarray(thresholds), features, side="right").astype(np.int64)


@dataclass(frozen=True, eq=False)
class MACModel:
    product: str
    activation_bits: int
    layers: tuple
    weights: tuple
    biases: tuple
    shifts: tuple
    input_thresholds: tuple
    metadata: dict = field(default_factory=dict)
    scales: tuple = None

    def __post_init__(self):
        if self.product not in PRODUCTS:
            raise ModelError(f"Model product must be one of {', '.join(PRODUCTS)}, "
                             f"not {self.product!r}")
        bits = self.activation_bits
        if isinstance(bits, bool) or not isinstance(bits, int) \
                or not 1 <= bits <= MAX_ACTIVATION_BITS:
            raise ModelError(f"Model activation bits must be an integer from 1 to "
                             f"{MAX_ACTIVATION_BITS}, not {bits!r}")
        levels = self.input_thresholds
        if (not isinstance(levels, tuple) or len(levels) != (1 << bits) - 1
                or not all(isinstance(t, float) and np.isfinite(t) for t in levels)
                or list(levels) != sorted(set(levels))):
            raise ModelError(f"Model input thresholds must be {(1 << bits) - 1} finite, "
                             f"ascending numbers for {bits}-bit activations, not {levels!r}")
        layers = self.layers
        if (not isinstance(layers, tuple) or len(layers) < 2
                or not all(isinstance(size, int) and size >= 1 for size in layers)):
            raise ModelError(f"Model layers must be two or more positive sizes, not {layers!r}")
        depth = len(layers) - 1
        if (len(self.weights), len(self.biases), len(self.shifts)) != (depth, depth, depth - 1):
            raise ModelError(f"A model of layers {layers} must have {depth} weight matrices and "
                             f"bias vectors and {depth - 1} shifts")
        unit = PRODUCTS[self.product]
        for index, (n_in, n_out) in enumerate(zip(layers, layers[1:])):
            weights, biases = self.weights[index], self.biases[index]
            if (weights.shape != (n_out, n_in) or weights.dtype != np.int64
                    or not unit.accepts(weights)):
                raise ModelError(f"Layer {index + 1} weights of a {self.product} model must be "
                                 f"a ({n_out}, {n_in}) array of {unit.allowed}")
            if biases.shape != (n_out,) or biases.dtype != np.int64:
                raise ModelError(f"Layer {index + 1} biases must be {n_out} integers")
        if not all(isinstance(s, int) and 0 <= s < 32 for s in self.shifts):
            raise ModelError(f"Model shifts must be integers from 0 to 31, not {self.shifts!r}")
        if self.scales is not None and (
                len(self.scales) != depth - 1
                or not all(isinstance(s, int) and 1 <= s < SCALE_LIMIT for s in self.scales)):
            raise ModelError(f"Model scales must be {depth - 1} integers from 1 to "
                             f"{SCALE_LIMIT - 1}, not {self.scales!r}")

    def scale(self, layer):
        """Hidden layer ``layer``'s requantisation multiplier, or None (a plain shift)."""
        return None if self.scales is None else self.scales[layer]

    @property
    def depth(self):
        return len(self.layers) - 1

    @property
    def n_classes(self):
        return self.layers[-1]

    @property
    def n_features(self):
        return self.layers[0]

    def binarize(self, features):
        """Input activations ``(samples, features)`` (int64) from raw features; named as
        :meth:`BNNModel.binarize` so that flows read inputs of either engine alike."""
        features = np.asarray(features)
        if features.ndim != 2 or features.shape[1] != self.n_features:
            raise ModelError(f"Features must be an array of shape (samples, {self.n_features}), "
                             f"not {features.shape}")
        return count_levels(features, self.input_thresholds)

    def arrays(self):
        """The ``.npz`` members."""
        arrays = {"product": np.array(self.product),
                  "activation_bits": np.array(self.activation_bits, dtype=np.int64),
                  "layers": np.array(self.layers, dtype=np.int64),
                  "shifts": np.array(self.shifts, dtype=np.int64),
                  "input_thresholds": np.array(self.input_thresholds, dtype=np.float64),
                  "metadata": np.array(json.dumps(self.metadata, sort_keys=True))}
        for index, (weights, biases) in enumerate(zip(self.weights, self.biases)):
            narrow = weights.min(initial=0) >= -128 and weights.max(initial=0) <= 127
            arrays[f"weights{index}"] = weights.astype(np.int8 if narrow else np.int16)
            arrays[f"biases{index}"] = biases
        if self.scales is not None:
            arrays["scales"] = np.array(self.scales, dtype=np.int64)
        return arrays

    @property
    def sha256(self):
        """A hash of what the hardware holds (everything but the metadata)."""
        return hardware_sha256(self.arrays())

    def save(self, path):
        """Write the ``.npz`` file whole or not at all."""
        write_npz(path, self.arrays())


def _member(arrays, name, path, kind, ndim):
    if name not in arrays:
        raise ModelError(f"Model file {path} lacks {name}")
    array = arrays[name]
    if array.dtype.kind not in kind or array.ndim != ndim:
        raise ModelError(f"Model file {path}: {name} must be a {ndim}-axis "
                         f"{'integer' if 'i' in kind else 'float' if kind == 'f' else 'text'} "
                         f"array, not {array.dtype} of shape {array.shape}")
    return array


def load_mac_model(path, *, product=None):
    """Read a model written by :meth:`MACModel.save`; with ``product``, refuse another kind."""
    path = Path(path)
    arrays = read_npz(path, what="Model", error=ModelError)
    if "product" not in arrays:
        raise ModelError(f"Model file {path} is not a MAC engine's model (it has no product: "
                         f"a BNN or MLP file?)")
    found = str(_member(arrays, "product", path, "U", 0))
    if product is not None and found != product:
        raise ModelError(f"Model file {path} holds {found} weights, not the {product} weights "
                         f"this engine takes")
    layers = tuple(int(n) for n in _member(arrays, "layers", path, "iu", 1))
    depth = len(layers) - 1
    weights = tuple(_member(arrays, f"weights{k}", path, "iu", 2).astype(np.int64)
                    for k in range(depth))
    biases = tuple(_member(arrays, f"biases{k}", path, "iu", 1).astype(np.int64)
                   for k in range(depth))
    try:
        metadata = json.loads(str(_member(arrays, "metadata", path, "U", 0)))
    except json.JSONDecodeError:
        metadata = None
    if not isinstance(metadata, dict):
        raise ModelError(f"Model file {path}: metadata must be a JSON object")
    scales = (tuple(int(s) for s in _member(arrays, "scales", path, "iu", 1))
              if "scales" in arrays else None)
    return MACModel(found, int(_member(arrays, "activation_bits", path, "iu", 0)), layers,
                    weights, biases,
                    tuple(int(s) for s in _member(arrays, "shifts", path, "iu", 1)),
                    tuple(float(t) for t in _member(arrays, "input_thresholds", path, "f", 1)),
                    metadata, scales)
