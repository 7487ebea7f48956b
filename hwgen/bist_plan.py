"""The built-in self-test's shift registers as plain data, shared by hardware and model.

Stimulus: a 32-bit Fibonacci LFSR (taps 32, 22, 2, 1: maximal length) shifts one new bit per
cycle into a window register as wide as the unit's inputs; the unit sees the window. Response:
a 32-bit multiple-input signature register (MISR) with the same feedback absorbs the unit's
outputs, XOR-folded to 32 bits, every cycle. :mod:`hwgen.bist` builds it, :mod:`sim.bist`
predicts its signature. This module imports no Amaranth.
"""

__all__ = ["WIDTH", "TAPS", "SEED", "MASK", "DEFAULT_CYCLES", "DEFAULT_IMAGES", "step", "fold"]

WIDTH = 32
TAPS = (31, 21, 1, 0)  # bit indices of x^32 + x^22 + x^2 + x + 1
SEED = 1
MASK = (1 << WIDTH) - 1
DEFAULT_CYCLES = 4096  # a third of a millisecond at 12 MHz
DEFAULT_IMAGES = 256  # a BNN engine's self-test (hwgen.bnn_bist): 3 ms for bnn-digits at 12 MHz


def feedback(state):
    """The bit shifted in at the next step: the XOR of the tapped bits."""
    bit = 0
    for tap in TAPS:
        bit ^= (state >> tap) & 1
    return bit


def step(state):
    """The register one clock later, shifting towards the MSB."""
    return ((state << 1) | feedback(state)) & MASK


def fold(value, width):
    """``value`` (``width`` bits) XOR-folded into :data:`WIDTH` bits."""
    folded = 0
    for offset in range(0, width, WIDTH):
        folded ^= (value >> offset) & MASK
    return folded
