"""Golden model of one full adder of any variant."""

import numpy as np

from ..hwgen.fa_variants import full_adder_equations

__all__ = ["full_adder", "evaluate"]


def full_adder(x, y, c, *, variant="exact"):
    """``(sum, carry)`` of 0/1 arrays ``x``, ``y``, ``c`` through the full adder ``variant``."""
    operands = (np.asarray(operand).astype(bool) for operand in (x, y, c))
    s, carry = full_adder_equations(variant)(*operands)
    return s.astype(np.uint8), carry.astype(np.uint8)


def evaluate(config, inputs):
    """The outputs of the full adder ``config`` for port values ``inputs``."""
    s, co = full_adder(inputs["x"], inputs["y"], inputs["c"], variant=config.variant)
    return {"s": s.astype(np.int64), "co": co.astype(np.int64)}
