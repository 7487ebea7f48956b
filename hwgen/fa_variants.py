"""Full-adder variants as plain equations, shared by the generator and the golden model.

Each equation maps ``(x, y, c)`` to ``(sum, carry)`` using only ``^ & | ~``, so the same function
builds Amaranth logic from 1-bit values and evaluates NumPy boolean arrays or packed bit words.
The truth tables they must produce are pinned, independently, in
``tests/hwgen/test_fa_variants.py``.
Errors (approximate minus exact) over the eight input combinations:

========  ===========================  ==========================  ==========  ==========
variant   equations                    wrong on (xyc)              error rate  mean error
========  ===========================  ==========================  ==========  ==========
exact     S = x^y^c, C = MAJ           -                           0           0
maj_not   C = MAJ, S = ~C              000 (+1), 111 (-1)          2/8         0
maj_only  C = MAJ, S = 0               001, 010, 100, 111 (-1)     4/8         -0.5
inxa2     S = (x^y) | c, C = MAJ       011, 101 (+1)               2/8         +0.25
axa3      S = ~(x^y) & c, C = MAJ      010, 100 (-1)               2/8         -0.25
========  ===========================  ==========================  ==========  ==========

``maj_not`` (InXA3, Almurib et al. 2016) needs one 3-input majority gate; its errors cancel on
average. This module imports no Amaranth.
"""

__all__ = ["FA_VARIANTS", "APPROXIMATE_FA_VARIANTS", "full_adder_equations"]


def _majority(x, y, c):
    return (x & y) | (x & c) | (y & c)


def _exact(x, y, c):
    return x ^ y ^ c, _majority(x, y, c)


def _maj_not(x, y, c):
    carry = _majority(x, y, c)
    return ~carry, carry


def _maj_only(x, y, c):
    # `x & ~x` is a zero of the operands' own type: a 1-bit Amaranth value, a bool array or words.
    return x & ~x, _majority(x, y, c)


def _inxa2(x, y, c):
    return (x ^ y) | c, _majority(x, y, c)


def _axa3(x, y, c):
    return ~(x ^ y) & c, _majority(x, y, c)


_EQUATIONS = {
    "exact": _exact,
    "maj_not": _maj_not,
    "maj_only": _maj_only,
    "inxa2": _inxa2,
    "axa3": _axa3,
}

FA_VARIANTS = tuple(_EQUATIONS)
APPROXIMATE_FA_VARIANTS = FA_VARIANTS[1:]


def full_adder_equations(variant):
    """The ``(x, y, c) -> (sum, carry)`` function of a variant named in :data:`FA_VARIANTS`."""
    return _EQUATIONS[variant]
