"""Layer-level error models of a :class:`~sim.quant_mlp.QuantMLP` on an approximate multiplier.

Two models of the error ``eps = acc_approx - acc_exact`` of every neuron's accumulator, both
measured on ``p`` training samples run bit-exactly (each layer compared on the inputs the
approximate network gives it):

- ``correlated`` (De la Parra, Guntoro, Kumar, ASP-DAC 2021): per output neuron the error's mean
  ``mu`` and deviation ``sigma``, and its Pearson correlation ``rho`` with the exact accumulator
  ``y``. Injected as ``sigma * (rho * S1 + sqrt(1 - rho^2) * S2) + mu`` with ``S1 = (y - mean_y)
  / std_y`` and ``S2`` fresh standard normal noise: mean ``mu``, deviation ``sigma``,
  correlation ``rho`` with ``y``.
- ``moments``: one per-product error of mean ``m`` and variance ``s^2`` (the multiplier's
  exhaustive error table weighted by the activation and weight codes the layer sees, taken as
  independent), so a ``K``-input neuron errs by ``K*m`` on average with variance ``K*s^2``,
  uncorrelated with ``y``.

Either model becomes an accumulator function for :func:`sim.quant_mlp.forward`
(:func:`noisy_products`): exact products plus injected error, no multiplier in the loop.
"""

from dataclasses import dataclass

import numpy as np

from ..hwgen.errors import InputError

from .checks import check_count
from .multiplier import product_table
from .quant_mlp import encode, exact_products, forward, table_products

__all__ = ["NeuronErrors", "LAYER_MODELS", "LAYER_MODEL_SAMPLES", "measure", "noisy_products",
           "predict_accuracy"]

LAYER_MODELS = ("correlated", "moments")
LAYER_MODEL_SAMPLES = 256  # training samples to measure on, De la Parra et al.'s p
MAX_LAYER_MODEL_SAMPLES = 1 << 16  # each runs every product bit-exactly: minutes at the most


@dataclass(frozen=True)
class NeuronErrors:
    """One layer's error model: per output neuron, arrays of ``mu``, ``sigma`` and ``rho`` of
    the accumulator error, and ``y_mean``, ``y_std`` of the exact accumulator."""
    mu: np.ndarray
    sigma: np.ndarray
    rho: np.ndarray
    y_mean: np.ndarray
    y_std: np.ndarray

    def to_dict(self):
        return {name: getattr(self, name).tolist()
                for name in ("mu", "sigma", "rho", "y_mean", "y_std")}


def _correlated(exact, approximate):
    error = approximate - exact
    y_mean, y_std = exact.mean(axis=0), exact.std(axis=0)
    mu, sigma = error.mean(axis=0), error.std(axis=0)
    covariance = ((exact - y_mean) * (error - mu)).mean(axis=0)
    defined = (y_std > 0) & (sigma > 0)
    rho = np.where(defined, covariance / np.where(defined, y_std * sigma, 1), 0.0)
    return NeuronErrors(mu, sigma, np.clip(rho, -1, 1), y_mean, y_std)


def _moments(table, activations, weights, n_out):
    """Per-product error moments over the codes seen, times the fan-in ``K``."""
    error = (table - product_table("0000", signed=True)).astype(np.float64)
    seen_inputs = np.bincount(encode(activations).ravel(), minlength=256) / activations.size
    seen_weights = np.bincount(encode(weights).ravel(), minlength=256) / weights.size
    mean = seen_inputs @ error @ seen_weights
    variance = seen_inputs @ error ** 2 @ seen_weights - mean ** 2
    fan_in = weights.shape[1]
    ones, zeros = np.ones(n_out), np.zeros(n_out)
    return NeuronErrors(fan_in * mean * ones, np.sqrt(fan_in * variance) * ones, zeros, zeros,
                        ones)


def measure(model, x, table, *, kind="correlated"):
    """Per layer, the :class:`NeuronErrors` of ``model`` on multiplier ``table`` (see
    :func:`sim.multiplier.product_table`), measured on samples ``x``."""
    if kind not in LAYER_MODELS:
        raise InputError(f"Layer error model must be one of {', '.join(LAYER_MODELS)}, "
                         f"not {kind!r}")
    approximate = table_products(table)
    errors = []

    def products(layer, activations, weights):
        accumulators = approximate(layer, activations, weights)
        errors.append(_correlated(exact_products(layer, activations, weights), accumulators)
                      if kind == "correlated" else
                      _moments(table, activations, weights, len(weights)))
        return accumulators

    forward(model, x, products)
    return errors


def noisy_products(errors, rng):
    """Exact accumulators plus each layer's injected error (an accumulator function for
    :func:`sim.quant_mlp.forward`); ``rng`` draws ``S2``."""
    def products(layer, activations, weights):
        e = errors[layer]
        y = exact_products(layer, activations, weights)
        standardised = (y - e.y_mean) / np.where(e.y_std > 0, e.y_std, 1)
        noise = rng.standard_normal(y.shape)
        return y + e.sigma * (e.rho * standardised + np.sqrt(1 - e.rho ** 2) * noise) + e.mu
    return products


def predict_accuracy(model, x, labels, errors, *, draws=4, seed=0):
    """The mean accuracy of ``model`` on ``x`` over ``draws`` injections of ``errors``."""
    from .bnn_predict import MAX_DRAWS

    check_count("Draw count", draws, MAX_DRAWS)
    rng = np.random.default_rng(seed)
    products = noisy_products(errors, rng)
    return float(np.mean([np.mean(np.argmax(forward(model, x, products)[0], axis=1) == labels)
                          for _ in range(draws)]))
