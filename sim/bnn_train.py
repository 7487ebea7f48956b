"""Train a binary MLP with a straight-through estimator and Adam, then export it for hardware.

Training keeps real-valued latent weights clipped to [-1, 1]; the forward pass uses their signs,
binary (+-1) activations from batch-normalised pre-activations, and a learned positive scale on
the last layer's integer scores. Gradients pass the sign functions where their input lies in
[-1, 1] (the straight-through estimator). Export folds each hidden neuron's batch norm into one
popcount threshold (negating the neuron's weight bits when its scale is negative), so that
``p >= threshold`` in hardware is exactly ``batchnorm(2p - n) >= 0`` in training. Vectorised
NumPy throughout; a 64-128-128-10 network on digits trains in seconds.

Approximation-aware training: given the engine (a :class:`~hwgen.bnn_config.BNNConfig`) the
network will run on, every forward pass counts through the engine's popcount error model
instead, so batch norm, thresholds and weights adapt to the counts the approximate engine
gives. Two injections: ``table`` draws each SIMD-wide chunk's count from the plan's conditional
distribution (:mod:`sim.count_noise`), the error model alone; ``bit_exact`` counts every chunk
through the compressor tree's golden model (:mod:`sim.bnn_infer`), which a BNN can afford.
Gradients pass either unchanged (straight through). The noise has its own random stream, so a
zero-error plan reproduces exact training bit for bit.
"""

import time
from dataclasses import dataclass, field, replace

import numpy as np
from threadpoolctl import threadpool_limits

from ..hwgen.bnn_model import BNNModel, thermometer
from ..hwgen.errors import InputError

from .adam import Adam
from .bnn_infer import infer_model, layer_counts
from .bnn_predict import count_tables
from .checks import check_positive_int, is_positive_int
from .count_noise import COUNT_SOURCES, exact_chunk_counts, sample_counts

__all__ = ["TrainOptions", "train", "export", "DEFAULT_HIDDEN", "train_for"]

DEFAULT_HIDDEN = (256, 256)
_EPS = 1e-5


@dataclass(frozen=True)
class TrainOptions:
    layers: tuple = None  # inputs first; by default the data's, DEFAULT_HIDDEN, its classes
    epochs: int = 60
    seed: int = 0
    batch: int = 64
    learning_rate: float = 0.01  # the start of a cosine decay to zero over all epochs
    momentum: float = 0.9  # of the batch-norm running statistics
    input_levels: int = 1  # thresholds of the input thermometer code
    shift: bool = False  # augment: move each training image up to a pixel every epoch

    def like(self, model):
        """These options for a network of ``model``'s layers and input code."""
        return replace(self, layers=model.layers, input_levels=len(model.input_thresholds))

    def __post_init__(self):
        if self.layers is not None and (not isinstance(self.layers, tuple) or len(self.layers) < 2
                or not all(map(is_positive_int, self.layers))):
            raise InputError(f"Layers must be two or more positive sizes, not {self.layers!r}")
        for name in ("epochs", "batch", "input_levels"):
            check_positive_int(f"Training {name}", getattr(self, name))
        rate = self.learning_rate
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate < 1e3:
            raise InputError(f"Training learning rate must be a positive number below 1000, "
                             f"not {rate!r}")


def _sign(x):
    return np.where(x >= 0, 1.0, -1.0)


@dataclass
class _Network:
    """Latent weights, batch-norm parameters and statistics, and the output scale."""
    weights: list
    gamma: list
    beta: list
    mean: list
    var: list
    scale: np.ndarray = field(default_factory=lambda: np.array(0.1))

    @classmethod
    def initial(cls, layers, rng):
        weights = [rng.uniform(-1, 1, (n_out, n_in)) for n_in, n_out in zip(layers, layers[1:])]
        hidden = layers[1:-1]
        return cls(weights, [np.ones(n) for n in hidden], [np.zeros(n) for n in hidden],
                   [np.zeros(n) for n in hidden], [np.ones(n) for n in hidden])

    def parameters(self):
        return [*self.weights, *self.gamma, *self.beta, self.scale]

    def forward(self, a, *, training, momentum=0.9, counts=None):
        """Logits, and what the backward pass needs when ``training``. ``counts(layer, a, wb)``
        replaces the exact pre-activations ``a @ wb.T`` when given."""
        counts = counts or (lambda layer, a, wb: a @ wb.T)
        cache = []
        for k, weights in enumerate(self.weights[:-1]):
            wb = _sign(weights)
            z = counts(k, a, wb)
            if training:
                mean, var = z.mean(axis=0), z.var(axis=0)
                self.mean[k] = momentum * self.mean[k] + (1 - momentum) * mean
                self.var[k] = momentum * self.var[k] + (1 - momentum) * var
            else:
                mean, var = self.mean[k], self.var[k]
            inv_std = 1 / np.sqrt(var + _EPS)
            normalised = (z - mean) * inv_std
            y = self.gamma[k] * normalised + self.beta[k]
            cache.append((a, wb, normalised, inv_std, y))
            a = _sign(y)
        wb = _sign(self.weights[-1])
        z = counts(len(self.weights) - 1, a, wb)
        cache.append((a, wb, z))
        return z * self.scale, cache

    def backward(self, dlogits, cache):
        gradients = {}
        a, wb, z = cache[-1]
        gradients["scale"] = np.sum(dlogits * z)
        dz = dlogits * self.scale
        gradients[len(self.weights) - 1] = dz.T @ a
        da = dz @ wb
        for k in reversed(range(len(self.weights) - 1)):
            a, wb, normalised, inv_std, y = cache[k]
            dy = da * (np.abs(y) <= 1)
            gradients["gamma", k] = np.sum(dy * normalised, axis=0)
            gradients["beta", k] = np.sum(dy, axis=0)
            dn = dy * self.gamma[k]
            n = dn.shape[0]
            dz = inv_std / n * (n * dn - dn.sum(axis=0) - normalised * (dn * normalised).sum(0))
            gradients[k] = dz.T @ a
            if k:
                da = dz @ wb
        depth = len(self.weights)
        weight_gradients = [gradients[k] * (np.abs(self.weights[k]) <= 1) for k in range(depth)]
        return [*weight_gradients, *(gradients["gamma", k] for k in range(depth - 1)),
                *(gradients["beta", k] for k in range(depth - 1)), gradients["scale"]]

    def predict(self, bits, counts=None):
        logits, _ = self.forward(2.0 * bits - 1, training=False, counts=counts)
        return np.argmax(logits, axis=1)


class _TableCounts:
    """Pre-activations ``2p - n`` with every chunk count ``p`` drawn through the engine's plan."""

    def __init__(self, engine, seed):
        self.simd, self.tables = engine.simd, count_tables(engine, seed=seed)
        self.rng = np.random.default_rng([seed, 1])

    def __call__(self, layer, a, wb):
        exact = exact_chunk_counts(a, wb, self.simd[layer])
        p = sample_counts(self.tables[layer], exact, self.rng).sum(axis=-1)
        return 2.0 * p - a.shape[1]


class _BitExactCounts:
    """Pre-activations ``2p - n`` with ``p`` counted as the engine counts it."""

    def __init__(self, engine, seed):
        self.chunks = engine.chunks

    def __call__(self, layer, a, wb):
        p = layer_counts((a > 0).astype(np.uint8), (wb > 0).astype(np.uint8),
                         chunk=self.chunks[layer])
        return 2.0 * p - a.shape[1]


_COUNTS = dict(zip(COUNT_SOURCES, (_TableCounts, _BitExactCounts)))


def export(network, input_thresholds, metadata):
    """The :class:`BNNModel` of ``network``: weight bits and folded integer thresholds."""
    weights, thresholds = [], []
    for k, latent in enumerate(network.weights):
        bits = (latent >= 0).astype(np.uint8)
        if k < len(network.weights) - 1:
            n_in = latent.shape[1]
            gamma, beta = network.gamma[k], network.beta[k]
            std = np.sqrt(network.var[k] + _EPS)
            safe = np.where(gamma == 0, 1, gamma)
            # gamma * (z - mean) / std + beta >= 0  <=>  z >= c (gamma > 0) or z <= c (< 0)
            c = network.mean[k] - beta * std / safe
            positive = np.ceil((n_in + c) / 2)
            negative = np.ceil((n_in - c) / 2)  # on the negated weights: p' = n - p
            threshold = np.where(gamma > 0, positive, negative)
            threshold = np.where(gamma == 0, np.where(beta >= 0, 0, n_in + 1), threshold)
            bits = np.where((gamma < 0)[:, None], 1 - bits, bits).astype(np.uint8)
            thresholds.append(np.clip(threshold, 0, n_in + 1).astype(np.int64))
        weights.append(bits)
    return BNNModel(tuple(int(n) for n in [network.weights[0].shape[1],
                                            *(w.shape[0] for w in network.weights)]),
                    tuple(weights), tuple(thresholds), input_thresholds, metadata)


def _exact_labels(model, bits):
    """Classes of the exported integer network in plain arithmetic (no chunks, no plans)."""
    for weights, thresholds in zip(model.weights, model.thresholds):
        bits = ((bits[:, None, :] == weights[None]).sum(axis=2) >= thresholds).astype(np.uint8)
    return np.argmax((bits[:, None, :] == model.weights[-1][None]).sum(axis=2), axis=1)


@threadpool_limits.wrap(limits=1)  # small matrices: one BLAS thread is fastest
def train(dataset, options=TrainOptions(), *, engine=None, injection="table", progress=None):
    """Train on ``dataset`` (:class:`sim.bnn_data.Dataset`); return ``(model, history)``.

    With ``engine`` (a :class:`~hwgen.bnn_config.BNNConfig` of the same layers), train through
    its popcount by ``injection`` (one of :data:`~sim.count_noise.COUNT_SOURCES`) and record
    the exported network's bit-exact accuracy on that engine as ``engine_test_accuracy``.
    ``progress(epoch, epochs, line)`` is called after every epoch with a summary line.
    """
    if injection not in COUNT_SOURCES:
        raise InputError(f"Injection must be one of {', '.join(COUNT_SOURCES)}, "
                         f"not {injection!r}")
    levels = options.input_levels
    input_thresholds, inputs = dataset.input_thresholds(levels), dataset.n_features * levels
    layers = options.layers or (inputs, *DEFAULT_HIDDEN, dataset.n_classes)
    if layers[0] != inputs or layers[-1] != dataset.n_classes:
        raise InputError(f"Layers must start with the data set's {inputs} input bits "
                         f"({dataset.n_features} features x {levels} levels) and end with its "
                         f"{dataset.n_classes} classes, not {layers!r}")
    if options.shift and dataset.image_shape is None:
        raise InputError(f"Shift needs images, and the features of {dataset.name} are not")
    if engine is not None and engine.model.layers != layers:
        raise InputError(f"Layers must be the engine's {engine.model.layers!r} to train for "
                         f"{engine.name}, not {layers!r}")
    if engine is not None and engine.model.input_thresholds != input_thresholds:
        raise InputError(f"Input thresholds must be the engine's "
                         f"{engine.model.input_thresholds} to train for {engine.name}, not "
                         f"{input_thresholds} ({levels} levels of {dataset.name})")
    counts = _COUNTS[injection](engine, options.seed) if engine is not None else None
    rng = np.random.default_rng(options.seed)
    network = _Network.initial(layers, rng)
    optimiser = Adam(network.parameters(), options.learning_rate)
    x_train, x_test = (thermometer(x, input_thresholds) for x in (dataset.x_train, dataset.x_test))
    y_train = dataset.y_train
    steps = options.epochs * -(-len(y_train) // options.batch)
    onehot = np.eye(layers[-1])[y_train]
    history, start = [], time.perf_counter()
    for epoch in range(1, options.epochs + 1):
        order = rng.permutation(len(y_train))
        inputs = (thermometer(dataset.shifted(dataset.x_train, rng), input_thresholds)
                  if options.shift else x_train)
        loss = 0.0
        for begin in range(0, len(order), options.batch):
            batch = order[begin:begin + options.batch]
            decay = (1 + np.cos(np.pi * optimiser.step / steps)) / 2
            optimiser.rate = options.learning_rate * decay
            if len(batch) < 2:  # batch statistics need two samples
                continue
            logits, cache = network.forward(2.0 * inputs[batch] - 1, training=True,
                                            momentum=options.momentum, counts=counts)
            logits -= logits.max(axis=1, keepdims=True)
            probabilities = np.exp(logits)
            probabilities /= probabilities.sum(axis=1, keepdims=True)
            loss -= np.sum(np.log(probabilities[np.arange(len(batch)), y_train[batch]] + 1e-12))
            gradients = network.backward((probabilities - onehot[batch]) / len(batch), cache)
            optimiser.update(network.parameters(), gradients)
            for weights in network.weights:
                np.clip(weights, -1, 1, out=weights)
            network.scale = np.maximum(network.scale, 1e-3)
        record = {"epoch": epoch, "loss": loss / len(y_train),
                  "train_accuracy": float(np.mean(network.predict(x_train, counts) == y_train)),
                  "test_accuracy": float(np.mean(network.predict(x_test, counts)
                                                 == dataset.y_test))}
        history.append(record)
        if progress:
            progress(epoch, options.epochs,
                     f"epoch {epoch}/{options.epochs}: loss {record['loss']:.4f}, train "
                     f"{record['train_accuracy']:.2%}, test {record['test_accuracy']:.2%}")
    seconds = time.perf_counter() - start
    metadata = {"dataset": dataset.name, "seed": options.seed, "epochs": options.epochs,
                "layers": list(layers), "input_levels": levels, "shift": options.shift,
                "learning_rate": options.learning_rate, "train_seconds": round(seconds, 2),
                "test_samples": len(dataset.y_test),
                "float_test_accuracy": history[-1]["test_accuracy"]}
    model = export(network, input_thresholds, metadata)
    model.metadata["test_accuracy"] = float(np.mean(_exact_labels(model, x_test) ==
                                                    dataset.y_test))
    if engine is not None:
        labels = infer_model(model, engine.chunks, x_test)["labels"]
        model.metadata.update(engine=engine.name, injection=injection,
                              engine_test_accuracy=float(np.mean(labels == dataset.y_test)))
    return model, history


def train_for(engine, dataset, options=TrainOptions(), *, injection="table", progress=None):
    """A model for ``engine``: trained exactly with ``options`` if all its popcounts are exact,
    else through its approximate popcounts (the engine's own layers and input code); see
    :func:`train`."""
    aware = engine.popcount != ("exact",) * len(engine.popcount)
    if aware:
        options = options.like(engine.model)
    model, _ = train(dataset, options, engine=engine if aware else None, injection=injection,
                     progress=progress)
    return model
