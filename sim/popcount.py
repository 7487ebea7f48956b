"""Golden model of a compressor-tree popcount: walks the same plan as the generator.

An exact plan counts every input, so its model is ``numpy.bitwise_count`` over packed rows
(:mod:`sim.bitpack`). An approximate plan is walked adder by adder over packed lanes: each adder
is a handful of bitwise operations on words of 64 samples, and a lane may carry a batch of trees
(every neuron's chunk of a layer) at once. Chunks bound the memory of wide inputs.
"""

import numpy as np

from ..hwgen.errors import InputError
from ..hwgen.fa_variants import node_equations
from .bitpack import lanes_to_ints, pack_lanes, pack_rows
from .vectors import as_bits

__all__ = ["popcount", "xnor_popcount", "evaluate", "is_exact", "count_rows", "walk_lanes"]

_CHUNK = 1 << 16  # samples per pass: 1024 words per lane


def is_exact(plan):
    """Whether ``plan`` counts exactly: exact adders only, no compensating constants."""
    return not plan.constants and all(adder.variant == "exact" for adder in plan.adders)


def count_rows(rows):
    """Set bits of each packed row, ``(..., words)`` uint64 to ``(...)`` int64."""
    counts = np.bitwise_count(rows)
    total = counts[..., 0].astype(np.int64)
    for word in range(1, counts.shape[-1]):  # a loop over few words beats a short-axis sum
        total += counts[..., word]
    return total


def walk_lanes(lanes, plan):
    """The plan's output lanes, ``(plan.out_width, *batch, words)``, for input lanes
    ``(plan.n_inputs, *batch, words)``: bit-exact with the hardware, wrap included."""
    wires = np.empty((plan.n_wires,) + lanes.shape[1:], dtype=np.uint64)
    wires[:plan.n_inputs] = lanes
    for wire, value in plan.constants:
        wires[wire] = ~np.uint64(0) if value else np.uint64(0)
    for adder in plan.adders:
        s, c = node_equations(adder.variant, len(adder.inputs))(
            *(wires[wire] for wire in adder.inputs))
        if adder.sum is not None:
            wires[adder.sum] = s
        wires[adder.carry] = c
    return wires[list(plan.outputs)]


def _popcount_chunk(bits, plan):
    if is_exact(plan):
        return count_rows(pack_rows(bits))
    return lanes_to_ints(walk_lanes(pack_lanes(bits), plan), bits.shape[0])


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
