"""Approximate chunk counts drawn from a popcount plan's error model instead of its tree.

A BNN layer's pre-activation is a sum of SIMD-wide chunk counts. Here each chunk's exact
XNOR-popcount comes from a matrix product of +-1 values, and the approximate count the plan
would give is drawn from row ``k`` of its conditional table ``P[k, c]``
(:func:`sim.error_model.count_pmf`). Accuracy prediction (:mod:`sim.bnn_predict`) and
approximation-aware training (:mod:`sim.bnn_train`) both draw their counts here.

Where approximate counts come from is one of :data:`COUNT_SOURCES`: ``table`` (drawn here, the
error model) or ``bit_exact`` (counted through the compressor tree's golden model,
:func:`sim.bnn_infer.layer_counts`).
"""

import numpy as np

__all__ = ["exact_chunk_counts", "sample_counts", "COUNT_SOURCES"]

COUNT_SOURCES = ("table", "bit_exact")


def exact_chunk_counts(signed_inputs, signed_weights, simd):
    """``(samples, n_out, chunks)`` XNOR-popcounts of each ``simd``-wide chunk of
    ``signed_inputs`` ``(samples, n_in)`` against ``signed_weights`` ``(n_out, n_in)``, both
    +-1: a match adds one to the agreement, a mismatch takes one away."""
    samples, (n_out, n_in) = signed_inputs.shape[0], signed_weights.shape
    agreement = np.einsum("scb,ocb->soc", signed_inputs.reshape(samples, n_in // simd, simd),
                          signed_weights.reshape(n_out, n_in // simd, simd), optimize=True)
    return np.rint((agreement + simd) / 2).astype(np.int64)


def sample_counts(table, exact, rng):
    """A draw from row ``exact`` of ``table`` for every entry of ``exact``."""
    # Offsetting row k's CDF by k makes all rows one ascending array: one search draws them all.
    cdf = np.cumsum(table, axis=1)
    cdf[:, -1] = 1.0
    offsets = (cdf + np.arange(table.shape[0])[:, None]).ravel()
    positions = np.searchsorted(offsets, exact + rng.random(exact.shape), side="right")
    return np.minimum(positions - exact * table.shape[1], table.shape[1] - 1)
