"""An 8-bit sign-magnitude MLP whose every product goes through an approximate multiplier.

Weights and activations are 8-bit sign-magnitude codes (bit 7 the sign, magnitudes 0-127, as
the ``smul8-*`` multipliers take them). Layer ``k`` of a :class:`QuantMLP` computes

    acc = sum_i  product(a_i, w_ji)          (integers; the multiplier under test)
    y   = acc * input_scale_k * weight_scale_k + bias_j

and the next layer's activations are ``clip(round(relu(y) / activation_scale_k), 0, 127)``;
the last layer's ``y`` are the class scores. The bias is added exactly after the products (it
is not what the multipliers approximate). Inputs are quantised by ``input_scale`` the same way.

Saved as ``.npz`` (:meth:`QuantMLP.save`, :func:`load_mlp`): ``weights{k}``, ``biases{k}``
(float), ``input_scale``, ``weight_scales``, ``activation_scales`` and ``metadata`` (JSON).

``forward(model, x, products)`` runs the network with any accumulator function, so the exact
network (:func:`exact_products`), the bit-exact approximate one (:func:`table_products`, a
256x256 product-table lookup per product) and the error-model-injected one of
:mod:`sim.layer_error_model` share every other step.
"""

import io
import json
from dataclasses import dataclass, field

import numpy as np

from ..hwgen.bnn_model import read_npz
from ..hwgen.errors import MLPError
from ..hwgen.files import write_atomically

__all__ = ["QuantMLP", "MLPError", "load_mlp", "MAGNITUDE", "encode", "forward",
           "exact_products", "table_products", "accuracy"]

MAGNITUDE = 127
_TABLE_BATCH = 128  # samples per product-table gather, to bound its memory


def encode(values):
    """Sign-magnitude codes of integers in ``[-127, 127]``."""
    values = np.asarray(values, dtype=np.int64)
    return np.abs(values) | (values < 0).astype(np.int64) << 7


def _quantise(values, scale, low):
    return np.clip(np.rint(values / scale), low, MAGNITUDE).astype(np.int64)


@dataclass
class QuantMLP:
    """Float weights and biases with the fixed scales that quantise them and the activations."""
    weights: list
    biases: list
    input_scale: float
    weight_scales: list
    activation_scales: list  # one per hidden layer
    metadata: dict = field(default_factory=dict)

    def __post_init__(self):
        matrices = all(np.ndim(w) == 2 for w in self.weights)
        sizes = [w.shape[1] for w in self.weights[:1]] + [w.shape[0] for w in self.weights] \
            if matrices else []
        shapes_chain = matrices and all(w.shape == (n_out, n_in) for w, n_in, n_out
                                        in zip(self.weights, sizes, sizes[1:]))
        if (not self.weights or not shapes_chain or len(self.biases) != len(self.weights)
                or [np.shape(b) for b in self.biases] != [(n,) for n in sizes[1:]]
                or min(sizes) < 1):
            raise MLPError("MLP weights must be (n_out, n_in) matrices that chain, each with "
                           "a bias of n_out values")
        if not all(np.all(np.isfinite(array)) for array in (*self.weights, *self.biases)):
            raise MLPError("MLP weights and biases must be finite numbers (no NaN or inf)")
        scales = [self.input_scale, *self.weight_scales, *self.activation_scales]
        if (len(self.weight_scales) != len(self.weights)
                or len(self.activation_scales) != len(self.weights) - 1
                or not all(np.isfinite(scale) and scale > 0 for scale in scales)):
            raise MLPError(f"An MLP of {len(self.weights)} layers needs one input scale, "
                           f"{len(self.weights)} weight scales and {len(self.weights) - 1} "
                           "activation scales, all positive")

    @property
    def layers(self):
        return (self.weights[0].shape[1], *(w.shape[0] for w in self.weights))

    def quantised_weights(self):
        """Per layer, the integer weights in ``[-127, 127]``."""
        return [_quantise(w, s, -MAGNITUDE) for w, s in zip(self.weights, self.weight_scales)]

    def quantise_inputs(self, x):
        return _quantise(np.maximum(x, 0), self.input_scale, 0)

    def in_scales(self):
        """Per layer, the real value of one step of its input codes."""
        return [self.input_scale, *self.activation_scales]

    def copy(self):
        return QuantMLP([w.copy() for w in self.weights], [b.copy() for b in self.biases],
                        self.input_scale, list(self.weight_scales), list(self.activation_scales),
                        dict(self.metadata))

    def save(self, path):
        """Write the ``.npz`` file whole or not at all (an old file survives a failure)."""
        arrays = {f"weights{k}": w for k, w in enumerate(self.weights)}
        arrays.update({f"biases{k}": b for k, b in enumerate(self.biases)})
        buffer = io.BytesIO()
        np.savez_compressed(buffer, **arrays, input_scale=self.input_scale,
                            weight_scales=self.weight_scales,
                            activation_scales=self.activation_scales,
                            metadata=json.dumps(self.metadata, sort_keys=True))
        write_atomically(path, buffer.getvalue())


def _numbers(arrays, name, path, ndim):
    """The real array ``name`` of an MLP file with ``ndim`` dimensions, as float64."""
    if name not in arrays:
        raise MLPError(f"MLP file {path} lacks {name}")
    array = arrays[name]
    if array.ndim != ndim or array.dtype.kind not in "iuf":
        wanted = ("a number", "a vector of numbers", "a matrix of numbers")[ndim]
        raise MLPError(f"MLP file {path}: {name} must be {wanted}, not {array.dtype} of "
                       f"shape {array.shape}")
    return array.astype(np.float64)


def load_mlp(path):
    """Read an MLP written by :meth:`QuantMLP.save`; :class:`MLPError` names the file and what
    is wrong with it (members, shapes, dtypes, non-finite numbers, metadata)."""
    arrays = read_npz(path, what="MLP", error=MLPError)
    depth = sum(name.startswith("weights") for name in arrays)
    weights = [_numbers(arrays, f"weights{k}", path, 2) for k in range(depth)]
    biases = [_numbers(arrays, f"biases{k}", path, 1) for k in range(depth)]
    input_scale = _numbers(arrays, "input_scale", path, 0)
    weight_scales = _numbers(arrays, "weight_scales", path, 1)
    activation_scales = _numbers(arrays, "activation_scales", path, 1)
    if "metadata" not in arrays:
        raise MLPError(f"MLP file {path} lacks metadata")
    try:
        metadata = json.loads(str(arrays["metadata"])) if arrays["metadata"].ndim == 0 else None
    except json.JSONDecodeError:
        metadata = None
    if not isinstance(metadata, dict):
        raise MLPError(f"MLP file {path}: metadata must be a JSON object")
    try:
        return QuantMLP(weights, biases, float(input_scale), list(map(float, weight_scales)),
                        list(map(float, activation_scales)), metadata)
    except MLPError as error:
        raise MLPError(f"MLP file {path}: {error}") from None


def exact_products(layer, activations, weights):
    """Exact accumulators ``(samples, n_out)`` of integer ``activations`` and ``weights``."""
    return activations.astype(np.float64) @ weights.T.astype(np.float64)


def table_products(table):
    """Accumulators through a multiplier's 256x256 signed product ``table``
    (:func:`sim.multiplier.product_table` with ``signed=True``), bit-exact."""
    def products(layer, activations, weights):
        codes = encode(weights)[None]
        inputs = encode(activations)
        return np.concatenate([table[inputs[begin:begin + _TABLE_BATCH, None, :], codes]
                               .sum(axis=-1) for begin in range(0, len(inputs), _TABLE_BATCH)]
                              ).astype(np.float64)
    return products


def forward(model, x, products):
    """``(scores, layers)``: class scores and, per layer, ``(integer inputs, accumulators,
    real pre-activations)`` for real inputs ``x`` ``(samples, features)``."""
    activations = model.quantise_inputs(x)
    layers = []
    for k, (weights, bias, in_scale, weight_scale) in enumerate(zip(
            model.quantised_weights(), model.biases, model.in_scales(), model.weight_scales)):
        accumulators = products(k, activations, weights)
        y = accumulators * (in_scale * weight_scale) + bias
        layers.append((activations, accumulators, y))
        if k < len(model.weights) - 1:
            activations = _quantise(np.maximum(y, 0), model.activation_scales[k], 0)
    return y, layers


def accuracy(model, x, labels, products):
    return float(np.mean(np.argmax(forward(model, x, products)[0], axis=1) == labels))
