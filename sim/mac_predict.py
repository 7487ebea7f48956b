"""Predict a MAC engine's accuracy from its accumulator adder's error statistics, without
emulating a single approximate addition.

An approximate accumulator adder (:func:`sim.adder.add`) errs only in its ``k`` approximate low
bits: adding a chunk sum ``v`` to an accumulator whose low bits are ``s`` adds the error
``g[s, v]`` to the exact sum and leaves the low bits ``f[s, v]``, both functions of the two
operands' low bits alone (:func:`adder_tables`). The low bits thus form a Markov chain driven by
the chunk sums. The model keeps what is cheap to know exactly, every chunk sum (from the exact
activations, by a matrix product), and replaces what costs a bit-exact run, the accumulator's
low bits, by their distribution: the chain's stationary one under the layer's chunk sums
(:func:`state_distribution`), carried through the ``history`` addends before each addition
(:func:`history_tables`). A neuron's expected error is the sum over its additions of the
expected ``g`` given the addend and its predecessors; the first ``history + 1`` additions start
from the known initial value and are followed exactly.

Only the expected error is injected. The per-addition variances would add up to about twice the
residual variance measured against bit-exact runs on digits (the low bits remember the error
they carry, so consecutive errors partly cancel), and that much noise moved the prediction
further from bit-exact than none. So the prediction is one deterministic pass: each layer's
accumulators are the exact ones plus their expected error, requantised into the next layer
(no wrap: the accumulators hold every exact sum with a bit to spare).
"""

import numpy as np

from ..hwgen.errors import InputError

from .adder import add
from .mac_infer import requantise

__all__ = ["adder_tables", "chunk_patterns", "state_distribution", "history_tables",
           "history_for", "layer_errors", "predict_scores", "predict_accuracy",
           "MAX_WINDOW_PATTERNS", "MAX_PREDICT_SIMD"]

#: Sign patterns a neuron's window of addends may take, ``2**(simd * (history + 1))``: each is
#: a column per fold of the layer's matrix product, so this bounds the model's cost (history 3
#: at SIMD 1, 1 at SIMD 2, none from SIMD 3 on).
MAX_WINDOW_PATTERNS = 16
#: On digits, 3 preceding addends brought every front adder within 0.6 pt of bit-exact, where
#: 0, 1 or 2 left maj_not-3 up to 15 pt off.
MAX_HISTORY = 3
#: A chunk's sums are formed for all ``2**simd`` sign patterns of its weights.
MAX_PREDICT_SIMD = 8
_STATIONARY_STEPS = 256  # power iterations; chains of 16 states or fewer settle long before


def adder_tables(adder):
    """``(g, f)``, each ``(2**k, 2**k)`` indexed by the accumulator's and the addend's low
    ``k`` bits: the error the adder (an :class:`~hwgen.config.AdderConfig`) adds to the exact
    sum and the low bits it leaves."""
    k = adder.approx_bits
    s, v = np.meshgrid(np.arange(1 << k), np.arange(1 << k), indexing="ij")
    total = add(s, v, width=k + 1, kind=adder.kind, approx_bits=k)
    return total - (s + v), total & ((1 << k) - 1)


def history_for(simd):
    """How many preceding addends each addition is conditioned on at ``simd``."""
    return max(min(MAX_HISTORY, (MAX_WINDOW_PATTERNS.bit_length() - 1) // simd - 1), 0)


def chunk_patterns(weights, simd):
    """``(n_out, folds)``: each neuron's chunk sign pattern, bit ``i`` set for a negative
    ``i``-th weight of the chunk (what decides which products its unit forms)."""
    n_out, n_in = weights.shape
    negative = (weights < 0).reshape(n_out, n_in // simd, simd)
    return (negative.astype(np.int64) << np.arange(simd)).sum(axis=-1)


def _one_hot(patterns, width):
    """``(folds * 2**width, n_out)``: which of its fold's ``2**width`` columns each neuron
    reads, per fold."""
    n_out, folds = patterns.shape
    matrix = np.zeros((folds << width, n_out))
    matrix[(np.arange(folds) << width)[None, :] + patterns, np.arange(n_out)[:, None]] = 1.0
    return matrix


def _pattern_sums(activations, simd):
    """``(samples, folds, 2**simd)``: every chunk's exact sum under every sign pattern (a -1
    weight's product is the ones' complement, as the engine forms it)."""
    samples, n_in = activations.shape
    chunks = activations.reshape(samples, n_in // simd, 1, simd)
    negative = ((np.arange(1 << simd)[:, None] >> np.arange(simd)) & 1).astype(bool)
    return np.where(negative, ~chunks, chunks).sum(axis=-1)


def state_distribution(tables, addend_frequencies):
    """The stationary distribution of the accumulator's low bits when addends with low bits
    distributed as ``addend_frequencies`` (``(2**k,)``) are added one after another."""
    _, f = tables
    states = len(f)
    transition = np.zeros((states, states))
    np.add.at(transition, (np.arange(states)[:, None].repeat(states, 1), f), addend_frequencies)
    distribution = np.full(states, 1.0 / states)
    for _ in range(_STATIONARY_STEPS):
        distribution = distribution @ transition
    return distribution


def history_tables(tables, prior, history):
    """The expected error of adding ``v`` after the addends ``u_1 .. u_h`` (``h = history``,
    oldest first), indexed by ``((u_1 * S + u_2) * S + ...) * S + v`` over ``S`` states: the
    accumulator's low bits drawn from ``prior`` and carried through those addends."""
    g, f = tables
    states = len(g)
    distributions = prior[None, :]
    for _ in range(history):
        carried = np.zeros((len(distributions) * states, states))
        rows = np.arange(len(distributions) * states).reshape(-1, states)
        for s in range(states):
            np.add.at(carried, (rows, f[s][None, :]), distributions[:, s:s + 1])
        distributions = carried
    return (distributions @ g).ravel()


def _window_keys(low, states, history):
    """``(samples, (folds - history) * P**(history + 1))``: for every fold from ``history`` on
    and every window of sign patterns (oldest most significant), the table key of its addend
    after the ``history`` addends before it."""
    samples, folds, patterns = low.shape
    low = low.astype(np.int32)  # keys stay below 2**16: narrow words, a quarter of the traffic
    keys = low[:, :folds - history]
    for age in range(1, history + 1):
        newer = low[:, age:folds - history + age]
        keys = (keys[..., None] * states + newer[:, :, None, :]).reshape(
            samples, folds - history, patterns ** (age + 1))
    return keys.reshape(samples, -1)


def _window_matrix(patterns, simd, history):
    """The one-hot of each neuron's window of sign patterns, as :func:`_window_keys` orders
    them."""
    folds = patterns.shape[1]
    windows = np.zeros((len(patterns), folds - history), dtype=np.int64)
    for age in range(history + 1):
        windows = (windows << simd) + patterns[:, age:folds - history + age]
    return _one_hot(windows, simd * (history + 1))


def layer_errors(activations, weights, initial, *, simd, adder):
    """``(exact, error)``, each ``(samples, n_out)``: one layer's exact accumulators and their
    expected accumulation error under ``adder``."""
    sums = _pattern_sums(np.asarray(activations, dtype=np.int64), simd)
    samples, folds, _ = sums.shape
    patterns = chunk_patterns(weights, simd)
    exact = sums.reshape(samples, -1) @ _one_hot(patterns, simd) + initial
    if adder.kind == "ripple":
        return exact, np.zeros_like(exact)
    g, f = tables = adder_tables(adder)
    low = sums & (len(g) - 1)
    history = min(history_for(simd), folds - 1)
    state = np.broadcast_to(initial & (len(g) - 1), exact.shape)
    known = np.zeros(exact.shape)
    for fold in range(history + 1):
        addend = low[:, fold, patterns[:, fold]]
        known += g[state, addend]
        state = f[state, addend]
    # The prior: addends' low bits as often as the layer adds them (each pattern's chunk sums
    # weighted by how many neurons read that pattern).
    readers = np.stack([np.bincount(column, minlength=1 << simd) for column in patterns.T])
    frequencies = np.bincount(low.ravel(), weights=np.broadcast_to(readers, low.shape).ravel(),
                              minlength=len(g))
    prior = state_distribution(tables, frequencies / frequencies.sum())
    expected = history_tables(tables, prior, history)
    later = _window_keys(low[:, 1:], len(g), history)
    return exact, known + expected[later] @ _window_matrix(patterns[:, 1:], simd, history)


def predict_scores(config, activations):
    """``(samples, classes)`` expected class scores of the engine of ``config``."""
    model = config.model
    if max(config.simd) > MAX_PREDICT_SIMD:
        raise InputError(f"{config.name}: predict takes SIMD up to {MAX_PREDICT_SIMD}, "
                         f"not {max(config.simd)}")
    layer_input = np.asarray(activations, dtype=np.int64)
    for index, (weights, initial, simd, adder) in enumerate(
            zip(model.weights, config.initial_values, config.simd, config.adders)):
        exact, error = layer_errors(layer_input, weights, initial, simd=simd, adder=adder)
        total = exact + error
        if index < model.depth - 1:
            layer_input = requantise(np.rint(total).astype(np.int64), model.shifts[index],
                                     model.activation_bits)
    return total


def predict_accuracy(config, activations, labels):
    """The accuracy of the engine of ``config`` on input ``activations`` (from
    :meth:`MACModel.binarize`) with ``labels``, predicted from the error model."""
    return float(np.mean(np.argmax(predict_scores(config, activations), axis=1)
                         == np.asarray(labels)))
