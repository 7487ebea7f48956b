"""Train a :class:`~sim.quant_mlp.QuantMLP` in float, then retrain it for an approximate multiplier.

``train_float`` fits a ReLU MLP in float (Adam, softmax cross-entropy) and quantises it after
training: weight scales from each layer's largest weight, the input scale from the largest
input, activation scales from the 99.9th percentile of each hidden layer's output.

``retrain`` fine-tunes the quantised network with its scales fixed, through any accumulator
function of :func:`sim.quant_mlp.forward`: the bit-exact product table
(:func:`~sim.quant_mlp.table_products`) or the injected error model
(:func:`~sim.layer_error_model.noisy_products`). Rounding and clipping pass gradients straight
through; the injected error passes them with its gain ``1 + sigma * rho / std_y`` (its ``S1``
term grows with the exact accumulator), the product table with gain 1.
"""

import time
from dataclasses import dataclass

import numpy as np

from ..hwgen.errors import InputError

from .adam import Adam
from .checks import check_positive_int, is_positive_int
from .quant_mlp import MAGNITUDE, QuantMLP, forward

__all__ = ["MLPOptions", "train_float", "retrain", "DEFAULT_HIDDEN", "RETRAIN_EPOCHS"]

DEFAULT_HIDDEN = (256, 256)
RETRAIN_EPOCHS = 5  # and a learning rate of 1e-4, as De la Parra et al. retrain
_ACTIVATION_PERCENTILE = 99.9


@dataclass(frozen=True)
class MLPOptions:
    hidden: tuple = DEFAULT_HIDDEN
    epochs: int = 30
    batch: int = 64
    learning_rate: float = 0.003
    seed: int = 0

    def __post_init__(self):
        if not isinstance(self.hidden, tuple) or not all(map(is_positive_int, self.hidden)):
            raise InputError(f"MLP hidden sizes must be positive integers, not {self.hidden!r}")
        for name in ("epochs", "batch"):
            check_positive_int(f"MLP {name}", getattr(self, name))


def _softmax_gradient(scores, labels):
    """The cross-entropy gradient with respect to ``scores``, averaged over the batch."""
    scores = scores - scores.max(axis=1, keepdims=True)
    probabilities = np.exp(scores)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    probabilities[np.arange(len(labels)), labels] -= 1
    return probabilities / len(labels)


def _batches(rng, samples, size):
    order = rng.permutation(samples)
    return [order[begin:begin + size] for begin in range(0, samples, size)]


def train_float(dataset, options=MLPOptions()):
    """A :class:`QuantMLP` trained in float on ``dataset`` and quantised after training."""
    rng = np.random.default_rng(options.seed)
    sizes = (dataset.n_features, *options.hidden, dataset.n_classes)
    input_scale = float(dataset.x_train.max()) / MAGNITUDE
    weights = [rng.normal(0, np.sqrt(2 / n_in), (n_out, n_in))
               for n_in, n_out in zip(sizes, sizes[1:])]
    biases = [np.zeros(n_out) for n_out in sizes[1:]]
    parameters = [*weights, *biases]
    optimiser = Adam(parameters, options.learning_rate)
    x = dataset.x_train / (input_scale * MAGNITUDE)  # inputs in [0, 1] while in float

    def hidden_outputs(inputs):
        outputs = [inputs]
        for w, b in zip(weights[:-1], biases[:-1]):
            outputs.append(np.maximum(outputs[-1] @ w.T + b, 0))
        return outputs

    for _ in range(options.epochs):
        for batch in _batches(rng, len(x), options.batch):
            outputs = hidden_outputs(x[batch])
            gradient = _softmax_gradient(outputs[-1] @ weights[-1].T + biases[-1],
                                         dataset.y_train[batch])
            weight_gradients, bias_gradients = [], []
            for k in reversed(range(len(weights))):
                weight_gradients.insert(0, gradient.T @ outputs[k])
                bias_gradients.insert(0, gradient.sum(axis=0))
                gradient = (gradient @ weights[k]) * (outputs[k] > 0)
            optimiser.update(parameters, [*weight_gradients, *bias_gradients])
    # Real inputs are the data's own units: fold the [0, 1] input scaling into the first layer.
    weights[0] /= input_scale * MAGNITUDE
    calibration = hidden_outputs(dataset.x_train)[1:]
    return QuantMLP(
        weights, biases, input_scale,
        [float(np.abs(w).max()) / MAGNITUDE for w in weights],
        [max(float(np.percentile(y, _ACTIVATION_PERCENTILE)), 1e-9) / MAGNITUDE
         for y in calibration],
        {"dataset": dataset.name, "seed": options.seed, "epochs": options.epochs})


def _gains(errors, layers):
    """Per layer, ``d(accumulator)/d(exact accumulator)`` per neuron."""
    if errors is None:
        return [1.0] * layers
    return [1 + e.sigma * e.rho / np.where(e.y_std > 0, e.y_std, 1) for e in errors]


def retrain(model, dataset, products, *, errors=None, epochs=RETRAIN_EPOCHS, batch=64,
            learning_rate=1e-4, seed=0, progress=None):
    """``(retrained model, seconds per epoch)``: ``model`` fine-tuned for ``epochs`` through
    accumulator function ``products``; ``errors`` (the measured :class:`NeuronErrors`) when
    ``products`` injects them, for the gradient gain. ``progress(epoch, epochs)`` after each."""
    model = model.copy()
    rng = np.random.default_rng(seed)
    parameters = [*model.weights, *model.biases]
    optimiser = Adam(parameters, learning_rate)
    gains = _gains(errors, len(model.weights))
    in_scales = model.in_scales()
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        for indices in _batches(rng, len(dataset.y_train), batch):
            scores, layers = forward(model, dataset.x_train[indices], products)
            gradient = _softmax_gradient(scores, dataset.y_train[indices])
            quantised = model.quantised_weights()
            weight_gradients, bias_gradients = [], []
            for k in reversed(range(len(model.weights))):
                activations, _, _ = layers[k]
                limit = MAGNITUDE * model.weight_scales[k]
                through = gradient * gains[k]
                weight_gradients.insert(0, (through.T @ (activations * in_scales[k]))
                                        * (np.abs(model.weights[k]) <= limit))
                bias_gradients.insert(0, gradient.sum(axis=0))
                if k:
                    y = layers[k - 1][2]
                    gradient = (through @ (quantised[k] * model.weight_scales[k])) * (
                        (y > 0) & (y < MAGNITUDE * model.activation_scales[k - 1]))
            optimiser.update(parameters, [*weight_gradients, *bias_gradients])
        if progress:
            progress(epoch, epochs)
    return model, (time.perf_counter() - start) / epochs
