"""Golden model of a compressor-tree popcount: walks the same plan as the generator.

Samples are packed 64 to a machine word, so each adder of the plan is a handful of bitwise
operations over all samples at once; chunks bound the memory of wide trees.
"""

import numpy as np

from ..hwgen.errors import InputError
from ..hwgen.fa_variants import node_equations
from .vectors import as_bits

__all__ = ["popcount", "xnor_popcount", "evaluate"]

_CHUNK = 1 << 16  # samples per pass: 1024 words per wire


def _pack_samples(bits):
    """(samples, n) 0/1 array to (n, words) uint64, sample ``s`` in bit ``s % 64`` of a word."""
    packed = np.packbits(bits.T.astype(bool), axis=1, bitorder="little")
    padding = -packed.shape[1] % 8
    return np.ascontiguousarray(np.pad(packed, ((0, 0), (0, padding)))).view("<u8")


def _unpack_samples(words, n_samples):
    return np.unpackbits(words.view(np.uint8), bitorder="little")[:n_samples]


def _popcount_chunk(bits, plan):
    wires = np.empty((plan.n_wires, -(-bits.shape[0] // 64)), dtype=np.uint64)
    wires[:plan.n_inputs] = _pack_samples(bits)
    for wire, value in plan.constants:
        wires[wire] = ~np.uint64(0) if value else np.uint64(0)
    for adder in plan.adders:
        operands = [wires[wire] for wire in adder.inputs]
        s, c = node_equations(adder.variant, len(operands))(*operands)
        if adder.sum is not None:
            wires[adder.sum] = s
        wires[adder.carry] = c
    count = np.zeros(bits.shape[0], dtype=np.int64)
    for weight, wire in enumerate(plan.outputs):
        count |= _unpack_samples(wires[wire], bits.shape[0]).astype(np.int64) << weight
    return count


def popcount(bits, *, plan):
    """Counts of the last axis of the 0/1 array ``bits`` through the tree ``plan``.

    Bit-exact with the generated hardware, including the approximate adders and the wrap of the
    result to ``plan.out_width`` bits. Returns int64 of shape ``bits.shape[:-1]``.
    """
    bits = np.asarray(bits)
    if bits.ndim < 1 or bits.shape[-1] != plan.n_inputs:
        raise InputError(f"Popcount input must have {plan.n_inputs} bits in its last axis, "
                         f"not shape {bits.shape}")
    flat = bits.reshape(-1, plan.n_inputs)
    counts = [_popcount_chunk(flat[start:start + _CHUNK], plan)
              for start in range(0, flat.shape[0], _CHUNK)]
    counts = np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64)
    return counts.reshape(bits.shape[:-1])


def xnor_popcount(a, w, *, plan):
    """Matching bits of activations ``a`` and weights ``w`` (0/1 arrays), counted by ``plan``."""
    return popcount(1 - (np.asarray(a) ^ np.asarray(w)), plan=plan)


def evaluate(config, inputs):
    """The outputs of the popcount ``config`` for port values ``inputs``."""
    a = as_bits(inputs["a"], config.width)
    if config.xnor:
        return {"count": xnor_popcount(a, as_bits(inputs["w"], config.width), plan=config.plan)}
    return {"count": popcount(a, plan=config.plan)}
