"""Golden models of the SMApprox-style 8x8 approximate multipliers (Ullah et al., DAC 2018).

The block equations, the composition of four blocks and the sign handling are the plain-data
plan of :mod:`hwgen.multiplier_plan`, which the Amaranth generator walks too; this module
evaluates it on NumPy ``int64`` arrays. Hand-worked block products in
``tests/sim/test_multiplier.py`` check the equations themselves.
"""

import numpy as np

from ..hwgen.multiplier_plan import BitOps, apply_sign, split_sign, unsigned_product
from ..hwgen.multiplier_plan import block_product as _block_product

from .metrics import mre_sign_magnitude

__all__ = ["block_product", "multiply", "sign_magnitude_multiply", "product_table", "evaluate",
           "extra_metrics"]

_NUMPY_OPS = BitOps(bit=lambda value, index: (value >> index) & 1,
                    field=lambda value, low, high: (value >> low) & ((1 << (high - low)) - 1),
                    concat=lambda bits: sum(bit << index for index, bit in enumerate(bits)),
                    select=np.where)


def _ints(values):
    return np.asarray(values, dtype=np.int64)


def block_product(block_type, a, b):
    """8-bit product of 4-bit arrays ``a`` and ``b`` through a block of type ``"0"`` to ``"3"``."""
    return _block_product(block_type, _ints(a), _ints(b), _NUMPY_OPS)


def multiply(a, b, *, blocks):
    """16-bit unsigned product of 8-bit arrays through the blocks named like ``"3330"``."""
    return unsigned_product(blocks, _ints(a), _ints(b), _NUMPY_OPS)


def sign_magnitude_multiply(a, b, *, blocks):
    """Signed product of 8-bit sign-magnitude arrays (bit 7 the sign), as plain integers.

    The 7-bit magnitudes go through the unsigned core; the sign is the XOR of the signs.
    """
    sign_a, magnitude_a = split_sign(_ints(a), _NUMPY_OPS)
    sign_b, magnitude_b = split_sign(_ints(b), _NUMPY_OPS)
    return apply_sign(sign_a ^ sign_b, multiply(magnitude_a, magnitude_b, blocks=blocks),
                      _NUMPY_OPS)


def product_table(blocks, *, signed=False):
    """All 256x256 products, ``table[a, b]``, for table-lookup inference."""
    a, b = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    model = sign_magnitude_multiply if signed else multiply
    return model(a, b, blocks=blocks)


def evaluate(config, inputs):
    """The outputs of the multiplier ``config`` for port values ``inputs``."""
    model = sign_magnitude_multiply if config.signed else multiply
    return {"p": model(inputs["a"], inputs["b"], blocks=config.blocks)}


def extra_metrics(config):
    """The paper's figure beside the common metrics: relative error over 7-bit magnitudes."""
    return {"mre_sm": mre_sign_magnitude(lambda i, j: multiply(i, j, blocks=config.blocks))}
