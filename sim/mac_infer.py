"""Bit-exact inference of a multi-bit network on the folded MAC engine of a :class:`MACConfig`.

Follows the hardware's order of operations (:mod:`hwgen.mac_engine`): each PE forms the
products of a SIMD-wide chunk as its product unit does (:mod:`hwgen.product_unit`, walked here
with NumPy's operations; a binary weight's -1 makes the ones' complement ``~a = -a - 1``, the
missing ones preloaded into the accumulator), sums the
chunk exactly, and adds the sum to its ``width``-bit two's-complement accumulator through the
layer's accumulator adder (:func:`sim.adder.add`, wrap included), starting from the neuron's
initial value. Every approximate addition happens in the hardware's order, so every score,
not just every class, agrees with the RTL.
"""

import functools

import numpy as np

from ..hwgen.errors import InputError
from ..hwgen.product_unit import ProductOps

from .adder import add
from .units import product_table

__all__ = ["accumulate", "chunk_sums", "layer_sums", "requantise", "infer", "accuracy",
           "to_signed", "NUMPY_OPS"]



@functools.lru_cache(maxsize=8)
def _product_table(multiplier):
    return product_table(multiplier)


#: The product units' operations on integer arrays (see :class:`ProductOps`); a multiplier's
#: products are looked up in its 256x256 table, its golden model's every output.
NUMPY_OPS = ProductOps(select=lambda condition, if_true, if_false:
                       np.where(condition != 0, if_true, if_false),
                       invert=np.invert, signed=lambda code, width: to_signed(code, width),
                       multiply=lambda multiplier, a, b: _product_table(multiplier)[a, b])


def to_signed(values, width):
    """``width``-bit two's-complement words as signed integers."""
    values = np.asarray(values, dtype=np.int64) & ((1 << width) - 1)
    return values - (((values >> (width - 1)) & 1) << width)


def accumulate(total, value, adder):
    """``total + value`` through ``adder`` (an :class:`~hwgen.config.AdderConfig`), both
    signed integers within its width, the sum wrapped to the width as hardware wraps it."""
    mask = (1 << adder.width) - 1
    return to_signed(add(total & mask, value & mask, width=adder.width, kind=adder.kind,
                         approx_bits=adder.approx_bits), adder.width)


def chunk_sums(activations, weights, simd, unit):
    """``(samples, n_out, synapse folds)``: each PE's exact sum of a chunk's products, formed
    by product ``unit`` from the weights' codes."""
    products = unit.form(NUMPY_OPS, activations[:, None, :], unit.codes(weights)[None])
    samples, (n_out, n_in) = activations.shape[0], weights.shape
    return products.reshape(samples, n_out, n_in // simd, simd).sum(axis=-1)


def layer_sums(activations, weights, initial, *, simd, adder, unit):
    """Accumulators ``(samples, n_out)`` of one layer: ``initial`` then every chunk sum (of
    products by ``unit``) added in order through ``adder``."""
    sums = chunk_sums(np.asarray(activations, dtype=np.int64), weights, simd, unit)
    total = np.broadcast_to(initial, sums.shape[:2])
    if adder.kind == "ripple":  # exact: the order does not matter
        return to_signed(total + sums.sum(axis=-1), adder.width)
    for fold in range(sums.shape[-1]):
        total = accumulate(total, sums[..., fold], adder)
    return total


def requantise(total, shift, bits, scale=None):
    """A hidden neuron's output: ``clip(total >> shift, 0, 2**bits - 1)``, or with an integer
    ``scale`` the multiply-shift rounded half up, ``(total * scale + 2**(shift - 1)) >> shift``,
    clipped alike."""
    if scale is not None:
        total = total * scale + ((1 << shift) >> 1)
    return np.clip(total >> shift, 0, (1 << bits) - 1)


def infer(config, activations):
    """``{"scores": (samples, classes), "labels": (samples,), "layers": [activations per
    hidden layer]}`` for input ``activations`` on the engine of ``config``; scores are offset
    binary (``acc + 2**(width - 1)``), as the engine's argmax compares them."""
    model = config.model
    activations = np.asarray(activations, dtype=np.int64)
    if activations.ndim != 2 or activations.shape[1] != model.layers[0]:
        raise InputError(f"Input activations must have shape (samples, {model.layers[0]}), "
                         f"not {activations.shape}")
    hidden = []
    for index, (weights, initial, simd, adder) in enumerate(
            zip(model.weights, config.initial_values, config.simd, config.adders)):
        total = layer_sums(activations, weights, initial, simd=simd, adder=adder,
                           unit=config.product_unit)
        if index == model.depth - 1:
            scores = total + (1 << (adder.width - 1))
            return {"scores": scores, "labels": np.argmax(scores, axis=1), "layers": hidden}
        activations = requantise(total, model.shifts[index], model.activation_bits,
                                 model.scale(index))
        hidden.append(activations)


def accuracy(config, activations, labels):
    """The fraction of samples the engine of ``config`` classifies as ``labels``."""
    return float(np.mean(infer(config, activations)["labels"] == np.asarray(labels)))
