"""Bit-exact inference of an exported binary network on the engine a :class:`BNNConfig` builds.

Follows the hardware's order of operations: each neuron's XNORed inputs are cut into the
layer's SIMD-wide chunks, each chunk is counted through the layer's popcount plan (exact or
approximate, wrap included) and the chunk counts are added exactly. So every score, not just
every class, agrees with the RTL.
"""

import numpy as np

from ..hwgen.errors import InputError

from .popcount import popcount

__all__ = ["layer_counts", "infer", "infer_model", "accuracy"]


def layer_counts(bits, weights, *, chunk):
    """Accumulated XNOR-popcounts, ``(samples, n_out)``, of input ``bits`` ``(samples, n_in)``
    against ``weights`` ``(n_out, n_in)``, counted ``chunk.width`` bits at a time."""
    samples, (n_out, n_in) = bits.shape[0], weights.shape
    xnor = 1 - (bits[:, None, :] ^ weights[None, :, :])
    counts = popcount(xnor.reshape(samples, n_out, n_in // chunk.width, chunk.width),
                      plan=chunk.plan)
    return counts.sum(axis=-1)


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
