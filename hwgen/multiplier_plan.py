"""The 8x8 approximate multipliers as plain data, shared by the generator and the golden model.

A 4x4 block (Ullah et al., DAC 2018) maps two 4-bit values to an 8-bit product; type 0 is exact,
types 1-3 approximate, with errors in bits 3-7 that are almost always negative (types 1 and 2
are not commutative). An unsigned 8x8 product is four blocks summed exactly,
``P = m0(AL,BL) + (m1(AH,BL) << 4) + (m2(AL,BH) << 4) + (m3(AH,BH) << 8)``, block ``i`` of the
type named by digit ``i`` of ``blocks="3330"`` (:data:`COMPOSITION`). Sign-magnitude operands
carry their sign in bit 7; the 7-bit magnitudes go through the unsigned core and the product is
negated when the signs differ.

The equations are written once over a :class:`BitOps`, so the same function builds Amaranth
logic (:mod:`hwgen.mul8`) and evaluates NumPy arrays (:mod:`sim.multiplier`); ``*``, ``+``,
``<<``, ``-``, ``^`` and ``&`` mean the same for both. The block products they must give are
pinned, independently, by hand in ``tests/sim/test_multiplier.py``.

This module imports no Amaranth.
"""

import functools
import operator
from dataclasses import dataclass
from typing import Callable, NamedTuple

__all__ = ["BitOps", "BlockSlot", "BLOCK_TYPES", "HALVES", "COMPOSITION", "SIGN_BIT",
           "block_product", "unsigned_product", "split_sign", "apply_sign"]


class BitOps(NamedTuple):
    """How one reader reaches bits: Amaranth slices and ``Cat``, or NumPy shifts and masks."""
    bit: Callable       # bit(value, index) -> 1-bit value
    field: Callable     # field(value, low, high) -> bits low..high-1, unsigned
    concat: Callable    # concat(bits, least significant first) -> unsigned value
    select: Callable    # select(condition, if_true, if_false)


def _type0(a, b, ops):
    return a * b


def _type1(a, b, ops):
    # Two exact 4x2 products added with every carry dropped but two cheap approximate ones.
    bit = ops.bit
    low, high = a * ops.field(b, 0, 2), a * ops.field(b, 2, 4)
    carry3 = bit(a, 0) & bit(b, 2) & bit(a, 1) & bit(b, 1)
    carry4 = bit(a, 1) & bit(b, 2) & bit(a, 2) & bit(b, 1)
    return ops.concat([bit(low, 0), bit(low, 1), bit(low, 2) ^ bit(high, 0),
                       bit(low, 3) ^ bit(high, 1) ^ carry3, bit(low, 4) ^ bit(high, 2) ^ carry4,
                       bit(low, 5) ^ bit(high, 3), bit(high, 4), bit(high, 5)])


def _low_and_high_window(a, b, p3, p4, ops):
    """Types 2 and 3 share bits 0-2 (exact) and 7-5 (the 2x2 product of the top bits, halved)."""
    exact, top = a * b, ops.field(a, 2, 4) * ops.field(b, 2, 4)
    return ops.concat([ops.bit(exact, 0), ops.bit(exact, 1), ops.bit(exact, 2), p3, p4,
                       ops.bit(top, 1), ops.bit(top, 2), ops.bit(top, 3)])


def _type2(a, b, ops):
    bit, field = ops.bit, ops.field
    p3 = bit(field(a, 1, 4) * field(b, 0, 3), 2) ^ (bit(a, 0) & bit(b, 3))
    p4 = bit(field(a, 1, 4) * field(b, 1, 4), 2)
    return _low_and_high_window(a, b, p3, p4, ops)


def _type3(a, b, ops):
    # Bits 3 and 4 are the parities of their partial-product columns: carries into them dropped.
    bit = ops.bit
    p3 = (bit(a, 3) & bit(b, 0)) ^ (bit(a, 2) & bit(b, 1)) ^ (bit(a, 1) & bit(b, 2)) \
        ^ (bit(a, 0) & bit(b, 3))
    p4 = (bit(a, 3) & bit(b, 1)) ^ (bit(a, 2) & bit(b, 2)) ^ (bit(a, 1) & bit(b, 3))
    return _low_and_high_window(a, b, p3, p4, ops)


_EQUATIONS = {"0": _type0, "1": _type1, "2": _type2, "3": _type3}
BLOCK_TYPES = "".join(_EQUATIONS)


def block_product(block_type, a, b, ops):
    """The 8-bit product of 4-bit ``a`` and ``b`` through a block of type ``"0"`` to ``"3"``."""
    return _EQUATIONS[block_type](a, b, ops)


HALVES = {"low": (0, 4), "high": (4, 8)}  # bit ranges of an 8-bit operand's halves


@dataclass(frozen=True)
class BlockSlot:
    """One block of the 8x8 product: which operand halves it multiplies, and its weight."""
    a_half: str
    b_half: str
    shift: int


COMPOSITION = (BlockSlot("low", "low", 0), BlockSlot("high", "low", 4),
               BlockSlot("low", "high", 4), BlockSlot("high", "high", 8))


def unsigned_product(blocks, a, b, ops):
    """The 16-bit product of 8-bit ``a`` and ``b`` through the blocks named like ``"3330"``."""
    terms = [block_product(block_type, ops.field(a, *HALVES[slot.a_half]),
                           ops.field(b, *HALVES[slot.b_half]), ops) << slot.shift
             for block_type, slot in zip(blocks, COMPOSITION, strict=True)]
    return functools.reduce(operator.add, terms)


SIGN_BIT = 7  # of a sign-magnitude operand; bits 0-6 are its magnitude


def split_sign(value, ops):
    """The sign bit and the 7-bit magnitude of a sign-magnitude operand."""
    return ops.bit(value, SIGN_BIT), ops.field(value, 0, SIGN_BIT)


def apply_sign(negative, magnitude, ops):
    """The signed product from the unsigned product of the magnitudes and the XOR of the signs.

    Every approximate magnitude of 7-bit operands fits 15 bits, so 16 bits cannot overflow.
    """
    return ops.select(negative, -magnitude, magnitude)
