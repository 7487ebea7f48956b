"""Golden models of the multi-bit accumulator adders: exact, lower-part OR, approximate FAs."""

import numpy as np

from ..hwgen.fa_variants import full_adder_equations

__all__ = ["add", "evaluate"]


def add(a, b, *, width, kind="ripple", approx_bits=0):
    """``width + 1``-bit sums of unsigned ``width``-bit arrays through the adder ``kind``.

    The ``approx_bits`` low bits are approximate, the upper part is an exact adder fed by the
    carry out of the low part.
    """
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    if kind == "ripple":
        return a + b
    k = approx_bits
    if kind == "loa":
        low = (a | b) & ((1 << k) - 1)
        carry = (a >> (k - 1)) & (b >> (k - 1)) & 1
    else:
        equations = full_adder_equations(kind)
        low, carry = np.zeros_like(a), np.zeros(a.shape, dtype=bool)
        for index in range(k):
            s, carry = equations(((a >> index) & 1).astype(bool),
                                 ((b >> index) & 1).astype(bool), carry)
            low |= s.astype(np.int64) << index
        carry = carry.astype(np.int64)
    return (((a >> k) + (b >> k) + carry) << k) | low


def evaluate(config, inputs):
    """The outputs of the adder ``config`` for port values ``inputs``."""
    return {"s": add(inputs["a"], inputs["b"], width=config.width, kind=config.kind,
                     approx_bits=config.approx_bits)}
