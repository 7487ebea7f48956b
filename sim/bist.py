"""The signature a built-in self-test must end with, predicted from the golden model."""

import numpy as np

from hwgen import bist_plan

from .units import evaluate
from .vectors import NARROW_BITS

__all__ = ["stimulus", "signature"]


def stimulus(config, cycles):
    """The input vectors the unit sees, one per cycle, as a dict of port values."""
    width = config.input_bits
    lfsr, window, windows = bist_plan.SEED, 0, []
    for _ in range(cycles):
        windows.append(window)
        bit = bist_plan.feedback(lfsr)
        lfsr = bist_plan.step(lfsr)
        window = ((window << 1) | bit) & ((1 << width) - 1)
    inputs, offset = {}, 0
    for name, port in config.inputs.items():
        values = [(window >> offset) & ((1 << port.width) - 1) for window in windows]
        if port.width > NARROW_BITS:
            bits = [[(value >> index) & 1 for index in range(port.width)] for value in values]
            inputs[name] = np.array(bits, dtype=np.uint8)
        else:
            inputs[name] = np.array(values, dtype=np.int64)
        offset += port.width
    return inputs


def signature(config, cycles):
    """The MISR value after ``cycles`` cycles of :class:`hwgen.bist.SelfTest` on ``config``."""
    outputs = evaluate(config, stimulus(config, cycles))
    width = sum(port.width for port in config.outputs.values())
    misr = 0
    for index in range(cycles):
        value, offset = 0, 0
        for name, port in config.outputs.items():
            value |= (int(outputs[name][index]) & ((1 << port.width) - 1)) << offset
            offset += port.width
        misr = bist_plan.step(misr) ^ bist_plan.fold(value, width)
    return misr
