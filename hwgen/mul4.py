"""The 4x4 base blocks of the approximate 8x8 multipliers (Ullah et al., DAC 2018), in Amaranth.

Each block maps two 4-bit values to an 8-bit product; type 0 is exact, types 1-3 approximate.
Errors fall in bits 3-7 and are almost always negative; types 1 and 2 are not commutative.
"""

from amaranth.hdl import Cat

__all__ = ["block_product"]


def _type0(a, b):
    return a * b


def _type1(a, b):
    # Two exact 4x2 products added with every carry dropped but two cheap approximate ones.
    low, high = a * b[0:2], a * b[2:4]
    carry3 = a[0] & b[2] & a[1] & b[1]
    carry4 = a[1] & b[2] & a[2] & b[1]
    return Cat(low[0], low[1], low[2] ^ high[0], low[3] ^ high[1] ^ carry3,
               low[4] ^ high[2] ^ carry4, low[5] ^ high[3], high[4], high[5])


def _type2(a, b):
    p3 = (a[1:4] * b[0:3])[2] ^ (a[0] & b[3])
    p4 = (a[1:4] * b[1:4])[2]
    return Cat((a * b)[0:3], p3, p4, (a[2:4] * b[2:4])[1:4])


def _type3(a, b):
    # Bits 3 and 4 are the parities of their partial-product columns: carries into them dropped.
    p3 = (a[3] & b[0]) ^ (a[2] & b[1]) ^ (a[1] & b[2]) ^ (a[0] & b[3])
    p4 = (a[3] & b[1]) ^ (a[2] & b[2]) ^ (a[1] & b[3])
    return Cat((a * b)[0:3], p3, p4, (a[2:4] * b[2:4])[1:4])


_BLOCKS = {"0": _type0, "1": _type1, "2": _type2, "3": _type3}


def block_product(block_type, a, b):
    """The 8-bit product of 4-bit values ``a`` and ``b`` through a block of ``block_type``."""
    return _BLOCKS[block_type](a, b)
