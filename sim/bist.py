"""The signature a built-in self-test must end with, predicted from the golden model."""

from itertools import islice

import numpy as np

from ..hwgen import bist_plan

from .bnn_infer import infer
from .units import evaluate
from .vectors import NARROW_BITS

__all__ = ["stimulus", "signature", "bnn_images", "bnn_signature"]


def _windows(width):
    """The ``width``-bit window the LFSR shifts into, before each shift (endless)."""
    lfsr, window = bist_plan.SEED, 0
    while True:
        yield window
        bit = bist_plan.feedback(lfsr)
        lfsr = bist_plan.step(lfsr)
        window = ((window << 1) | bit) & ((1 << width) - 1)


def _misr(values, width):
    """The MISR after absorbing ``values`` of ``width`` bits, one per step."""
    misr = 0
    for value in values:
        misr = bist_plan.step(misr) ^ bist_plan.fold(value, width)
    return misr


def stimulus(config, cycles):
    """The input vectors the unit sees, one per cycle, as a dict of port values."""
    windows = list(islice(_windows(config.input_bits), cycles))
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
    values = []
    for index in range(cycles):
        value, offset = 0, 0
        for name, port in config.outputs.items():
            value |= (int(outputs[name][index]) & ((1 << port.width) - 1)) << offset
            offset += port.width
        values.append(value)
    return _misr(values, width)


def bnn_images(config, images):
    """The ``(images, n_in)`` input bits :class:`hwgen.bnn_bist.BNNSelfTest` feeds the engine
    of ``config``: the window after every ``n_in`` shifts."""
    inputs = config.model.layers[0]
    windows = islice(_windows(inputs), inputs, (images + 1) * inputs, inputs)
    return np.array([[(window >> bit) & 1 for bit in range(inputs)] for window in windows],
                    dtype=np.uint8).reshape(images, inputs)


def bnn_signature(config, images):
    """The MISR value :class:`hwgen.bnn_bist.BNNSelfTest` must end with after ``images``
    results of the engine of ``config`` (label, then the scores from class 0 up)."""
    result = infer(config, bnn_images(config, images))
    label_width, score_width = config.label_width, config.score_width
    score_values = 1 << (label_width + score_width * np.arange(config.model.n_classes,
                                                               dtype=object))
    values = [int(label) | int(np.sum(scores.astype(object) * score_values))
              for label, scores in zip(result["labels"], result["scores"])]
    return _misr(values, label_width + score_width * config.model.n_classes)
