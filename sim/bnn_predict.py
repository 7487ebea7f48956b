"""Predict a BNN engine's accuracy from its popcount error model, without bit-exact simulation.

Every chunk count of the engine is the exact XNOR-popcount of a SIMD-wide chunk (a matrix
product) passed through the plan's conditional distribution ``P[k, c]``
(:func:`sim.error_model.count_pmf`) instead of through the compressor tree. Hidden layers are
sampled: each chunk count is drawn from ``P[k]``, summed, and compared with the threshold.
The last layer is not sampled: each class score's distribution is the convolution of its
chunks' ``P[k]``, and the probability that the true class wins the argmax (the lowest index
winning ties, as in hardware) is computed from those distributions. The accuracy is the mean
of that probability over images and ``draws`` samplings of the hidden layers.
"""

import numpy as np

from .checks import check_count
from .count_noise import exact_chunk_counts, sample_counts
from .error_model import count_pmf

__all__ = ["predict_accuracy", "count_tables", "label_probability", "flip_probabilities",
           "DEFAULT_DRAWS", "MAX_DRAWS"]

DEFAULT_DRAWS = 4
MAX_DRAWS = 256  # under a minute for the digits engine; the estimate has long settled


def count_tables(config, *, method=None, seed=0):
    """One conditional count table per layer of the engine of ``config`` (shared when layers
    use the same chunk popcount)."""
    tables = {}
    return [tables.setdefault(chunk, count_pmf(chunk, method=method, seed=seed))
            for chunk in config.chunks]


def _score_distributions(table, exact):
    """``(samples, classes, values)``: the distribution of each accumulated score."""
    rows = table[exact]  # (samples, classes, chunks, values)
    size = rows.shape[-2] * (rows.shape[-1] - 1) + 1
    padded = 1 << (size - 1).bit_length()  # pocketfft is slow at odd and prime lengths
    spectrum = np.prod(np.fft.rfft(rows, n=padded, axis=-1), axis=-2)
    return np.clip(np.fft.irfft(spectrum, n=padded, axis=-1)[..., :size], 0.0, None)


def flip_probabilities(config, bits, *, tables=None):
    """Per hidden layer, each neuron's probability ``(n_out,)`` that the approximate popcount
    flips its output, averaged over input ``bits``: for every image the exact chunk counts
    (each layer fed the exact network's bits) give the distribution of the approximate sum,
    and the neuron flips when that sum falls on the other side of its threshold."""
    model = config.model
    tables = tables if tables is not None else count_tables(config)
    layer_bits, flips = np.asarray(bits, dtype=np.uint8), []
    for weights, thresholds, simd, table in zip(model.weights, model.thresholds, config.simd,
                                                tables):
        exact = exact_chunk_counts(2.0 * layer_bits - 1, 2.0 * weights - 1, simd)
        fires = exact.sum(axis=-1) >= thresholds
        distributions = _score_distributions(table, exact)
        values = np.arange(distributions.shape[-1])
        below = np.sum(distributions * (values < thresholds[:, None]), axis=-1)
        flips.append(np.clip(np.where(fires, below, 1 - below), 0, 1).mean(axis=0))
        layer_bits = fires.astype(np.uint8)
    return flips


def label_probability(distributions, labels):
    """P(argmax of independent scores == label), ties going to the lowest index."""
    below = np.cumsum(distributions, axis=-1) - distributions  # P(score < v)
    at_most = below + distributions  # P(score <= v)
    samples, classes, _ = distributions.shape
    index = np.arange(classes)
    probability = np.empty(samples)
    for label in np.unique(labels):
        rows = labels == label
        # Lower classes must stay strictly below v, higher ones at most v.
        others = np.where((index < label)[None, :, None], below[rows], at_most[rows])
        others[:, label] = 1.0
        probability[rows] = np.sum(distributions[rows, label] * np.prod(others, axis=1),
                                   axis=-1)
    return probability


def predict_accuracy(config, bits, labels, *, draws=DEFAULT_DRAWS, seed=0, tables=None):
    """The expected accuracy of the engine of ``config`` on input ``bits`` with ``labels``,
    from the error model (``tables`` from :func:`count_tables`, built when not given)."""
    check_count("Draw count", draws, MAX_DRAWS)
    model = config.model
    tables = tables if tables is not None else count_tables(config, seed=seed)
    rng = np.random.default_rng(seed)
    labels = np.asarray(labels)
    bits = np.asarray(bits, dtype=np.uint8)
    total = 0.0
    for _ in range(draws):
        layer_bits = bits
        for weights, thresholds, simd, table in zip(model.weights, model.thresholds,
                                                    config.simd, tables):
            exact = exact_chunk_counts(2.0 * layer_bits - 1, 2.0 * weights - 1, simd)
            counts = sample_counts(table, exact, rng)
            layer_bits = (counts.sum(axis=-1) >= thresholds).astype(np.uint8)
        exact = exact_chunk_counts(2.0 * layer_bits - 1, 2.0 * model.weights[-1] - 1,
                                   config.simd[-1])
        scores = _score_distributions(tables[-1], exact)
        total += float(np.mean(label_probability(scores, labels)))
    return total / draws
