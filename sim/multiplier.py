"""Golden models of the SMApprox-style 8x8 approximate multipliers (Ullah et al., DAC 2018).

An unsigned product is built from four 4x4 blocks summed exactly,
``P = m0(AL,BL) + (m1(AH,BL) << 4) + (m2(AL,BH) << 4) + (m3(AH,BH) << 8)``, each block of
type 0 (exact) to 3. The block equations are written here from the paper, independently of the
Amaranth generator, so that RTL simulation cross-checks two implementations.
"""

import numpy as np

__all__ = ["block_product", "multiply", "sign_magnitude_multiply", "product_table"]


def _bit(value, index):
    return (value >> index) & 1


def _type0(a, b):
    return a * b


def _type1(a, b):
    # Two exact 4x2 products added with carries dropped, except two approximate carries.
    low, high = a * (b & 3), a * (b >> 2)
    carry3 = _bit(a, 0) & _bit(b, 2) & _bit(a, 1) & _bit(b, 1)
    carry4 = _bit(a, 1) & _bit(b, 2) & _bit(a, 2) & _bit(b, 1)
    bits = (
        _bit(low, 0),
        _bit(low, 1),
        _bit(low, 2) ^ _bit(high, 0),
        _bit(low, 3) ^ _bit(high, 1) ^ carry3,
        _bit(low, 4) ^ _bit(high, 2) ^ carry4,
        _bit(low, 5) ^ _bit(high, 3),
        _bit(high, 4),
        _bit(high, 5),
    )
    return sum(bit << index for index, bit in enumerate(bits))


def _high_window(a, b):
    """Bits 7..5 shared by types 2 and 3: the exact 2x2 product of the top bits, halved."""
    return ((a >> 2) * (b >> 2)) >> 1 << 5


def _type2(a, b):
    p3 = _bit((a >> 1) * (b & 7), 2) ^ (_bit(a, 0) & _bit(b, 3))
    p4 = _bit((a >> 1) * (b >> 1), 2)
    return (a * b & 7) | p3 << 3 | p4 << 4 | _high_window(a, b)


def _type3(a, b):
    p3 = ((_bit(a, 3) & _bit(b, 0)) ^ (_bit(a, 2) & _bit(b, 1))
          ^ (_bit(a, 1) & _bit(b, 2)) ^ (_bit(a, 0) & _bit(b, 3)))
    p4 = (_bit(a, 3) & _bit(b, 1)) ^ (_bit(a, 2) & _bit(b, 2)) ^ (_bit(a, 1) & _bit(b, 3))
    return (a * b & 7) | p3 << 3 | p4 << 4 | _high_window(a, b)


_BLOCKS = {"0": _type0, "1": _type1, "2": _type2, "3": _type3}


def block_product(a, b, *, block_type):
    """8-bit product of 4-bit arrays ``a`` and ``b`` through a block of type ``"0"`` to ``"3"``."""
    return _BLOCKS[str(block_type)](np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))


def multiply(a, b, *, blocks):
    """16-bit unsigned product of 8-bit arrays through the blocks named like ``"3330"``."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    al, ah, bl, bh = a & 15, a >> 4, b & 15, b >> 4
    return (block_product(al, bl, block_type=blocks[0])
            + (block_product(ah, bl, block_type=blocks[1]) << 4)
            + (block_product(al, bh, block_type=blocks[2]) << 4)
            + (block_product(ah, bh, block_type=blocks[3]) << 8))


def sign_magnitude_multiply(a, b, *, blocks):
    """Signed product of 8-bit sign-magnitude arrays (bit 7 the sign), as plain integers.

    The 7-bit magnitudes go through the unsigned core; the sign is the XOR of the signs.
    """
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    magnitude = multiply(a & 127, b & 127, blocks=blocks)
    return np.where(((a ^ b) >> 7) & 1, -magnitude, magnitude)


def product_table(blocks, *, signed=False):
    """All 256x256 products, ``table[a, b]``, for table-lookup inference."""
    a, b = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    model = sign_magnitude_multiply if signed else multiply
    return model(a, b, blocks=blocks)
