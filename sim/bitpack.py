"""Bit vectors packed 64 to a machine word, in the two layouts the golden models count in.

*Rows* keep each vector's own bits together: vector ``s``, bit ``i`` is bit ``i % 64`` of word
``i // 64`` of row ``s``. An exact count is then ``numpy.bitwise_count`` over a row, 64 bits per
instruction. *Lanes* slice the bits across vectors: bit ``i`` of vector ``s`` is bit ``s % 64``
of word ``s // 64`` of lane ``i``, so one bitwise operation on a lane evaluates a gate for 64
vectors at once, which is how an approximate compressor tree is walked. Padding bits are zero.
"""

import numpy as np

__all__ = ["WORD", "words_for", "pack_rows", "pack_lanes", "unpack_lanes", "lanes_to_ints"]

WORD = 64


def words_for(bits):
    """Words that hold ``bits`` bits."""
    return -(-bits // WORD)


def _pack_last_axis(bits):
    packed = np.packbits(np.asarray(bits, dtype=bool), axis=-1, bitorder="little")
    padding = -packed.shape[-1] % 8
    if padding:
        packed = np.pad(packed, [(0, 0)] * (packed.ndim - 1) + [(0, padding)])
    return np.ascontiguousarray(packed).view("<u8")


def pack_rows(bits):
    """``(..., n)`` 0/1 array to ``(..., words_for(n))`` uint64 rows."""
    return _pack_last_axis(bits)


def pack_lanes(bits):
    """``(samples, n)`` 0/1 array to ``(n, words_for(samples))`` uint64 lanes."""
    return _pack_last_axis(np.asarray(bits).T)


def unpack_lanes(lanes, samples):
    """``(..., words)`` lanes to ``(..., samples)`` uint8 bits."""
    bits = np.unpackbits(np.ascontiguousarray(lanes).view(np.uint8), axis=-1, bitorder="little")
    return bits[..., :samples]


def lanes_to_ints(lanes, samples):
    """``(width, ..., words)`` lanes holding a ``width``-bit word per sample, least significant
    first, to ``(..., samples)`` int64 values."""
    values = np.zeros(lanes.shape[1:-1] + (samples,), dtype=np.int64)
    for weight, lane in enumerate(lanes):
        values |= unpack_lanes(lane, samples).astype(np.int64) << weight
    return values
