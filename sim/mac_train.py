"""Train an MLP with multi-bit activations for the folded MAC engine.

The forward pass is the engine's integer arithmetic: weights are real latent weights clipped to
[-1, 1] and quantised by the engine's product unit (:meth:`ProductUnit.quantise
<hwgen.product_unit.ProductUnit.quantise>`: signs for binary weights, the nearest power of two,
rounded fixed point), biases are rounded, a hidden neuron outputs
``clip(floor(z / 2**shift), 0, 2**bits - 1)`` with one fixed shift per layer (chosen at the
start so that the initial pre-activations fill the activation range), and the last layer's
integer sums, times a learned positive scale, are the logits (normalised by the weights' and
activations' full scale, so that one learning rate suits every unit). Gradients pass the
quantiser, the rounding and the floor straight through (the clip passes them inside its
range). So the exported :class:`~hwgen.mac_model.MACModel` computes exactly what training evaluated.

Approximation-aware training: given the engine (a :class:`~hwgen.mac_config.MACConfig`), every
forward pass accumulates through its accumulator adders in the engine's order
(:func:`sim.mac_infer.layer_sums`), so biases and weights adapt to the sums the engine gives.
"""

import time
from dataclasses import dataclass, replace

import numpy as np
from threadpoolctl import threadpool_limits

from ..hwgen.errors import InputError
from ..hwgen.mac_model import MAX_ACTIVATION_BITS, MACModel, count_levels
from ..hwgen.product_unit import PRODUCTS, SignMagnitudeProduct

from .adam import Adam
from .checks import check_positive_int, is_positive_int
from .mac_infer import layer_sums, requantise
from .q8_model import train_q8_for

__all__ = ["MACTrainOptions", "train_mac", "train_mac_for", "DEFAULT_HIDDEN"]

DEFAULT_HIDDEN = (64,)


@dataclass(frozen=True)
class MACTrainOptions:
    hidden: tuple = DEFAULT_HIDDEN
    activation_bits: int = 4
    epochs: int = 60
    seed: int = 0
    batch: int = 64
    learning_rate: float = 0.03  # the start of a cosine decay to zero
    shift: bool = False  # augment: move each training image up to a pixel every epoch
    product: str = "binary"  # the product unit whose weights are trained

    def __post_init__(self):
        if not isinstance(self.hidden, tuple) or not all(map(is_positive_int, self.hidden)):
            raise InputError(f"Hidden sizes must be positive integers, not {self.hidden!r}")
        for name in ("activation_bits", "epochs", "batch"):
            check_positive_int(f"Training {name.replace('_', ' ')}", getattr(self, name))
        if self.activation_bits > MAX_ACTIVATION_BITS:
            raise InputError(f"Training activation bits must be from 1 to {MAX_ACTIVATION_BITS}"
                             f", not {self.activation_bits!r}")
        if self.product not in PRODUCTS:
            raise InputError(f"Training product must be one of {', '.join(PRODUCTS)}, "
                             f"not {self.product!r}")


class _Network:
    def __init__(self, layers, rng, unit, bits):
        self.weights = [rng.uniform(-1, 1, (n_out, n_in)) for n_in, n_out in zip(layers, layers[1:])]
        self.unit = unit
        # The last layer's sums grow with the largest weight and activation: scaled to what
        # binary weights and 4-bit activations give (1.0 there), one scale and rate suit all.
        self.full_scale = float(np.abs(unit.quantise(np.array([-1.0, 1.0]))).max()
                                * (1 << bits) / 16)
        self.biases = [np.zeros(n_out) for n_out in layers[1:]]  # in units of self.units
        self.units = [1.0] * (len(layers) - 2) + [8.0 * self.full_scale]
        self.scale = np.array(0.05)
        self.shifts = []

    def parameters(self):
        return [*self.weights, *self.biases, self.scale]

    def forward(self, a, bits, sums):
        """Logits and the cache of the backward pass; ``sums(k, a, wb, bias)`` gives a layer's
        integer pre-activations."""
        cache, top = [], (1 << bits) - 1
        for k, (weights, biases) in enumerate(zip(self.weights, self.biases)):
            wb = self.unit.quantise(weights)
            bias = np.rint(biases * self.units[k]).astype(np.int64)
            z = sums(k, a, wb, bias)
            if k == len(self.weights) - 1:
                cache.append((a, wb, None))
                return z * (self.scale / self.full_scale), cache, z
            if len(self.shifts) <= k:  # the initial sums fill the activation range
                self.shifts.append(max(0, int(np.rint(np.log2(4 * z.std() / top + 1e-9)))))
                self.units[k] = float(1 << self.shifts[k])
                self.biases[k] -= (np.mean(z, axis=0) - (top << self.shifts[k]) / 4) / self.units[k]
                bias = np.rint(self.biases[k] * self.units[k]).astype(np.int64)
                z = sums(k, a, wb, bias)
            scaled = z / (1 << self.shifts[k])
            cache.append((a, wb, ((scaled >= 0) & (scaled < top + 1)) / (1 << self.shifts[k])))
            a = requantise(z, self.shifts[k], bits)

    def backward(self, dlogits, cache, z):
        gradients, biases = [None] * len(self.weights), [None] * len(self.weights)
        scale = np.sum(dlogits * z) / self.full_scale
        dz = dlogits * (self.scale / self.full_scale)
        for k in reversed(range(len(self.weights))):
            a, wb, gate = cache[k]
            if gate is not None:
                dz = dz * gate
            gradients[k] = (dz.T @ a) * (np.abs(self.weights[k]) <= 1)
            biases[k] = dz.sum(axis=0) * self.units[k]
            dz = dz @ wb
        return [*gradients, *biases, scale]


def _exact_sums(k, a, wb, bias):
    return a @ wb.T + bias


class _EngineSums:
    """Pre-activations accumulated through the engine's adders in its order."""

    def __init__(self, engine):
        self.engine = engine

    def __call__(self, k, a, wb, bias):
        unit = self.engine.product_unit
        return layer_sums(a, wb, bias + unit.correction(wb), simd=self.engine.simd[k],
                          adder=self.engine.adders[k], unit=unit)


@threadpool_limits.wrap(limits=1)
def train_mac(dataset, options=MACTrainOptions(), *, engine=None, progress=None):
    """Train on ``dataset``; return the :class:`MACModel` (``test_accuracy`` in its metadata,
    and with ``engine`` ``engine_test_accuracy``, bit-exact on that engine)."""
    bits = options.activation_bits
    levels = (1 << bits) - 1
    input_thresholds = dataset.input_thresholds(levels)
    layers = (dataset.n_features, *options.hidden, dataset.n_classes)
    if options.shift and dataset.image_shape is None:
        raise InputError(f"Shift needs images, and the features of {dataset.name} are not")
    if engine is not None and engine.model.layers != layers:
        raise InputError(f"Layers must be the engine's {engine.model.layers!r} to train for "
                         f"{engine.name}, not {layers!r}")
    rng = np.random.default_rng(options.seed)
    unit = PRODUCTS[options.product]()
    try:
        unit.check(bits)
    except ValueError as error:
        raise InputError(f"Training: {error}") from None
    network = _Network(layers, rng, unit, bits)
    sums = _EngineSums(engine) if engine is not None else _exact_sums

    def activations(x):
        return count_levels(x, input_thresholds)

    x_train, x_test = activations(dataset.x_train), activations(dataset.x_test)
    y_train = dataset.y_train
    network.forward(x_train, bits, sums)  # fixes the shifts on the whole training split
    optimiser = Adam(network.parameters(), options.learning_rate)
    steps = options.epochs * -(-len(y_train) // options.batch)
    onehot = np.eye(layers[-1])[y_train]
    start = time.perf_counter()
    for epoch in range(1, options.epochs + 1):
        order = rng.permutation(len(y_train))
        inputs = activations(dataset.shifted(dataset.x_train, rng)) if options.shift else x_train
        for begin in range(0, len(order), options.batch):
            batch = order[begin:begin + options.batch]
            optimiser.rate = options.learning_rate * (1 + np.cos(np.pi * optimiser.step / steps)) / 2
            logits, cache, z = network.forward(inputs[batch], bits, sums)
            logits = logits - logits.max(axis=1, keepdims=True)
            probabilities = np.exp(logits)
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            gradients = network.backward((probabilities - onehot[batch]) / len(batch), cache, z)
            optimiser.update(network.parameters(), gradients)
            for weights in network.weights:
                np.clip(weights, -1, 1, out=weights)
            network.scale = np.maximum(network.scale, 1e-4)
        if progress:
            logits, _, _ = network.forward(x_test, bits, sums)
            test = float(np.mean(np.argmax(logits, axis=1) == dataset.y_test))
            progress(epoch, options.epochs, f"epoch {epoch}/{options.epochs}: test {test:.2%}")
    metadata = {"dataset": dataset.name, "seed": options.seed, "epochs": options.epochs,
                "hidden": list(options.hidden), "learning_rate": options.learning_rate,
                "shift": options.shift,
                "train_seconds": round(time.perf_counter() - start, 2),
                "test_samples": len(dataset.y_test)}
    model = MACModel(options.product, bits, layers, tuple(map(unit.quantise, network.weights)),
                     tuple(np.rint(b * unit).astype(np.int64)
                           for b, unit in zip(network.biases, network.units)),
                     tuple(network.shifts), input_thresholds, metadata)
    logits, _, _ = network.forward(x_test, bits, _exact_sums)
    model.metadata["test_accuracy"] = float(np.mean(np.argmax(logits, axis=1) == dataset.y_test))
    if engine is not None:  # the engine's arithmetic, as trained through
        logits, _, _ = network.forward(x_test, bits, sums)
        model.metadata.update(engine=engine.name, engine_test_accuracy=float(
            np.mean(np.argmax(logits, axis=1) == dataset.y_test)))
    return model


def train_mac_for(engine, dataset, options=MACTrainOptions(), progress=None):
    """A model for ``engine``: trained exactly with ``options`` if its adder is exact, else
    through its adder with the layers and activation bits of its model; for a q8 engine, an
    8-bit MLP trained and converted by :func:`sim.q8_model.train_q8_for`."""
    if engine.product == SignMagnitudeProduct.kind:
        return train_q8_for(engine, dataset, options, progress=progress)
    options = replace(options, product=engine.product)
    if engine.adder == "exact":
        return train_mac(dataset, options, progress=progress)
    model = engine.model
    options = replace(options, hidden=model.layers[1:-1], activation_bits=model.activation_bits)
    return train_mac(dataset, options, engine=engine, progress=progress)
