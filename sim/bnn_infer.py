"""Bit-exact inference of an exported binary network on the engine a :class:`BNNConfig` builds.

Follows the hardware's order of operations: each neuron's XNORed inputs are cut into the
layer's SIMD-wide chunks, each chunk is counted through the layer's popcount plan (exact or
approximate, wrap included) and the chunk counts are added exactly. So every score, not just
every class, agrees with the RTL.

Bits stay packed 64 to a word from a layer's input to its counts (:mod:`sim.bitpack`): an exact
plan's chunk counts add up to the layer's matches, which ``bitwise_count`` finds over rows; an
approximate plan is walked over lanes, every neuron's chunks as a batch of trees.
"""

import numpy as np

from ..hwgen.errors import InputError

from .bitpack import lanes_to_ints, pack_lanes, pack_rows
from .popcount import count_rows, is_exact, walk_lanes

__all__ = ["layer_counts", "infer", "infer_model", "accuracy"]


_SAMPLES = 1 << 12  # samples per pass of an approximate layer: bounds its lanes' memory


def layer_counts(bits, weights, *, chunk):
    """Accumulated XNOR-popcounts, ``(samples, n_out)``, of input ``bits`` ``(samples, n_in)``
    against ``weights`` ``(n_out, n_in)``, counted ``chunk.width`` bits at a time."""
    if is_exact(chunk.plan):
        return weights.shape[1] - _mismatches(pack_rows(bits), pack_rows(weights))
    return np.concatenate([_approximate_counts(bits[start:start + _SAMPLES], weights, chunk.plan)
                           for start in range(0, max(len(bits), 1), _SAMPLES)])


def _mismatches(inputs, weights):
    """Differing bits of every packed input row against every packed weight row."""
    total = np.zeros((inputs.shape[0], weights.shape[0]), dtype=np.int64)
    for word in range(inputs.shape[1]):
        total += count_rows(inputs[:, word, None, None] ^ weights[None, :, word, None])
    return total


def _approximate_counts(bits, weights, plan):
    (n_out, n_in), width = weights.shape, plan.n_inputs
    # XNOR with a constant weight passes the input lane (weight 1) or inverts it (weight 0).
    inversions = np.where(weights.astype(bool), np.uint64(0), ~np.uint64(0))
    lanes = pack_lanes(bits)[None] ^ inversions[:, :, None]
    trees = lanes.reshape(n_out, n_in // width, width, -1).transpose(2, 0, 1, 3)
    counts = lanes_to_ints(walk_lanes(trees, plan), len(bits))
    return counts.sum(axis=1).T


def infer(config, bits):
    """``{"scores": (samples, classes), "labels": (samples,), "layers": [bits per hidden
    layer]}`` for input ``bits`` (``(samples, n_in)`` of 0/1) on the engine of ``config``."""
    return infer_model(config.model, config.chunks, bits)


def infer_model(model, chunks, bits):
    """:func:`infer` for a :class:`~hwgen.bnn_model.BNNModel` counted through ``chunks`` (one
    :class:`~hwgen.config.PopcountConfig` per layer), as during training."""
    bits = np.asarray(bits, dtype=np.uint8)
    if bits.ndim != 2 or bits.shape[1] != model.layers[0]:
        raise InputError(f"Input bits must have shape (samples, {model.layers[0]}), "
                         f"not {bits.shape}")
    hidden = []
    for weights, thresholds, chunk in zip(model.weights, model.thresholds, chunks):
        bits = (layer_counts(bits, weights, chunk=chunk) >= thresholds).astype(np.uint8)
        hidden.append(bits)
    scores = layer_counts(bits, model.weights[-1], chunk=chunks[-1])
    return {"scores": scores, "labels": np.argmax(scores, axis=1), "layers": hidden}


def accuracy(config, bits, labels):
    """The fraction of samples the engine of ``config`` classifies as ``labels``."""
    return float(np.mean(infer(config, bits)["labels"] == np.asarray(labels)))
