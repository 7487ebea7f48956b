"""Golden model of the partial-product multipliers (``umul8-*``, ``smmul8-*``).

The terms of :attr:`hwgen.product_plan.ProductPlan.terms` are computed from the operand bits
and counted, each of its own column's weight, through the same compressor plan the generator
walks (:func:`sim.popcount.popcount` evaluates a plan's wires whatever their columns: result bit
``k`` is output wire ``k``). Sign-magnitude operands go through
:mod:`hwgen.multiplier_plan`'s sign handling, as for ``smul8``.
"""

import numpy as np

from ..hwgen.multiplier_plan import apply_sign, split_sign
from ..hwgen.product_plan import term_value
from .multiplier import _NUMPY_OPS
from .metrics import mre_sign_magnitude
from .popcount import popcount

__all__ = ["multiply", "sign_magnitude_multiply", "product_table", "evaluate", "extra_metrics"]


def multiply(a, b, *, plan):
    """16-bit unsigned products of 8-bit arrays ``a`` and ``b`` through ``plan``."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    a, b = np.broadcast_arrays(a, b)
    bits = np.stack([term_value(term, lambda i: (a >> i) & 1, lambda j: (b >> j) & 1)
                     for term in plan.terms], axis=-1).astype(np.uint8)
    return popcount(bits, plan=plan.tree)


def sign_magnitude_multiply(a, b, *, plan):
    """Signed products of 8-bit sign-magnitude arrays (bit 7 the sign) as plain integers: the
    7-bit magnitudes through ``plan``, the sign the XOR of the signs."""
    sign_a, magnitude_a = split_sign(np.asarray(a, dtype=np.int64), _NUMPY_OPS)
    sign_b, magnitude_b = split_sign(np.asarray(b, dtype=np.int64), _NUMPY_OPS)
    return apply_sign(sign_a ^ sign_b, multiply(magnitude_a, magnitude_b, plan=plan),
                      _NUMPY_OPS)


def product_table(config):
    """All 256x256 products of the multiplier ``config``, ``table[a, b]``, for table-lookup
    inference (signed products for a sign-magnitude ``config``)."""
    a, b = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    return evaluate(config, {"a": a, "b": b})["p"]


def evaluate(config, inputs):
    """The outputs of the multiplier ``config`` for port values ``inputs``."""
    model = sign_magnitude_multiply if config.signed else multiply
    return {"p": model(inputs["a"], inputs["b"], plan=config.plan)}


def extra_metrics(config):
    """The relative error over 7-bit magnitudes, as for ``smul8``."""
    return {"mre_sm": mre_sign_magnitude(lambda i, j: multiply(i, j, plan=config.plan))}
