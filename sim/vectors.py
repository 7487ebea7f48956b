"""Input vectors for any configuration: exhaustive, uniform random, and verification sets.

A port's values are an int64 array when it is at most :data:`NARROW_BITS` wide, else a
``(samples, width)`` uint8 array of bits (bit ``i`` in column ``i``), so a 1024-bit popcount input
never needs Python integers until a testbench drives it.
"""

import numpy as np

from ..hwgen.errors import InputError

__all__ = ["NARROW_BITS", "EXHAUSTIVE_BITS", "exhaustive_inputs", "uniform_inputs",
           "verification_inputs", "as_bits", "as_python_ints", "sample_count"]

NARROW_BITS = 62
EXHAUSTIVE_BITS = 20


def _is_wide(port):
    return port.width > NARROW_BITS


def sample_count(inputs):
    values = next(iter(inputs.values()))
    return len(values)


def exhaustive_inputs(config):
    """Every input combination (at most ``2**EXHAUSTIVE_BITS``), first port in the low bits."""
    if config.input_bits > EXHAUSTIVE_BITS:
        raise InputError(f"Exhaustive inputs need at most {EXHAUSTIVE_BITS} input bits, not "
                         f"{config.input_bits} ({config.name})")
    index, offset, inputs = np.arange(1 << config.input_bits, dtype=np.int64), 0, {}
    for name, port in config.inputs.items():
        inputs[name] = (index >> offset) & ((1 << port.width) - 1)
        offset += port.width
    return inputs


def _random_port(port, count, rng, density=None):
    if density is None:
        packed = rng.integers(0, 256, size=(count, -(-port.width // 8)), dtype=np.uint8)
        bits = np.unpackbits(packed, axis=1, count=port.width, bitorder="little")
    else:
        bits = (rng.random((count, port.width)) < density[:, None]).astype(np.uint8)
    return bits if _is_wide(port) else _bits_to_ints(bits)


def _bits_to_ints(bits):
    return (bits.astype(np.int64) << np.arange(bits.shape[1], dtype=np.int64)).sum(axis=1)


def uniform_inputs(config, count, rng):
    """``count`` vectors with every input bit independent and uniform: for error statistics."""
    return {name: _random_port(port, count, rng) for name, port in config.inputs.items()}


def verification_inputs(config, count, rng):
    """``count`` verification vectors: all-zero and all-one corners, then random vectors whose
    bit density is itself drawn uniformly, so that counts and sums span their whole range."""
    corners = min(count, 2)
    density = np.concatenate([[0.0, 1.0][:corners], rng.random(count - corners)])
    return {name: _random_port(port, count, rng, density) for name, port in config.inputs.items()}


def as_bits(values, width):
    """A port's values as a ``(samples, width)`` 0/1 array."""
    values = np.asarray(values)
    if values.ndim == 2:
        return values.astype(np.uint8)
    return ((values[:, None] >> np.arange(width, dtype=np.int64)) & 1).astype(np.uint8)


def as_python_ints(values, width):
    """A port's values as Python integers, for driving a simulator."""
    values = np.asarray(values)
    if values.ndim == 1:
        return [int(value) for value in values]
    packed = np.packbits(values.astype(bool), axis=1, bitorder="little")
    return [int.from_bytes(row.tobytes(), "little") for row in packed]
