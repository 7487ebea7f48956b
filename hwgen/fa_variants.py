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
average.

Counters are approximate compressors sized for one LUT4 per output bit. They write a ``sum``
of the column they read (or none) and a ``carry`` of the next, and feed exact word adders:

========  ====================================  =====================================  ==========
counter   equations                             error (inputs set: error)              mean error
========  ====================================  =====================================  ==========
maj4      C = at least two of four, no sum      1: -1, 3: -1, 4: -2                    -5/8
sat4      S + 2C = min(a + b + c + d, 3)        4: -1                                  -1/16
========  ====================================  =====================================  ==========

``maj4`` removes three bits with one LUT4, where an exact full adder removes one with two
LUTs; ``sat4`` removes two bits with two LUT4s, as a carry chain would, but without its
carry-in and carry-out cells. Their mean errors are compensated by constants in the plan
(:mod:`hwgen.compressor_plan`). A majority of three (one LUT3 removing two bits) was measured
and dropped: at 64 inputs it took 13% more iCE40 cells than ``maj4`` for 2% less MED, at 32
more cells for more MED. This module imports no Amaranth.
"""

__all__ = ["FA_VARIANTS", "APPROXIMATE_FA_VARIANTS", "COUNTERS", "full_adder_equations",
           "node_equations", "counter_mean_error"]


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


def _half(x, y):
    return x ^ y, x & y


def _at_least_two(a, b, c, d):
    return (a & b) | (c & d) | ((a | b) & (c | d))


def _maj4(a, b, c, d):
    return None, _at_least_two(a, b, c, d)


def _sat4(a, b, c, d):
    # Odd counts set the low bit; so does four, which 3 (binary 11) stands for.
    return (a ^ b ^ c ^ d) | (a & b & c & d), _at_least_two(a, b, c, d)


_COUNTER_EQUATIONS = {"maj4": _maj4, "sat4": _sat4}

#: Counters by name: ``(inputs, writes a sum)``; every counter writes a carry.
COUNTERS = {"maj4": (4, False), "sat4": (4, True)}


def node_equations(variant, arity):
    """The ``inputs -> (sum, carry)`` function of a plan node: a half adder (two inputs), a
    full-adder ``variant`` or a counter of :data:`COUNTERS`; a counter's sum may be ``None``."""
    if arity == 2:
        return _half
    return _COUNTER_EQUATIONS.get(variant) or _EQUATIONS[variant]


def counter_mean_error(counter):
    """The mean of ``sum + 2 * carry - (inputs set)`` over a counter's uniform inputs."""
    arity = COUNTERS[counter][0]
    total = 0
    for value in range(1 << arity):
        bits = [(value >> index) & 1 for index in range(arity)]
        s, carry = _COUNTER_EQUATIONS[counter](*bits)
        total += (s or 0) + 2 * carry - sum(bits)
    return total / (1 << arity)
