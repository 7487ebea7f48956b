"""One interface over every golden model: outputs, exact reference and arithmetic value.

Inputs and outputs are dictionaries keyed by the configuration's port names (see
:mod:`sim.vectors` for the array forms), so one testbench and one characteriser serve every unit.
"""

import numpy as np

from ..hwgen.config import AdderConfig, FullAdderConfig, MultiplierConfig, PopcountConfig

from . import adder, fulladder, multiplier, popcount
from .vectors import as_bits

__all__ = ["evaluate", "exact_value", "output_value"]


def _sign_magnitude(value):
    return np.where(value >> 7, -(value & 127), value & 127)


def evaluate(config, inputs):
    """The bit-exact outputs of the unit ``config`` for ``inputs``."""
    if isinstance(config, FullAdderConfig):
        s, co = fulladder.full_adder(inputs["x"], inputs["y"], inputs["c"],
                                     variant=config.variant)
        return {"s": s.astype(np.int64), "co": co.astype(np.int64)}
    if isinstance(config, PopcountConfig):
        a = as_bits(inputs["a"], config.width)
        if config.xnor:
            return {"count": popcount.xnor_popcount(a, as_bits(inputs["w"], config.width),
                                                    plan=config.plan)}
        return {"count": popcount.popcount(a, plan=config.plan)}
    if isinstance(config, MultiplierConfig):
        model = multiplier.sign_magnitude_multiply if config.signed else multiplier.multiply
        return {"p": model(inputs["a"], inputs["b"], blocks=config.blocks)}
    if isinstance(config, AdderConfig):
        return {"s": adder.add(inputs["a"], inputs["b"], width=config.width, kind=config.kind,
                               approx_bits=config.approx_bits)}
    raise TypeError(f"Configuration must be one of hwgen.config's, not {config!r}")


def exact_value(config, inputs):
    """What exact arithmetic gives for ``inputs``: the reference for error metrics."""
    if isinstance(config, FullAdderConfig):
        return inputs["x"] + inputs["y"] + inputs["c"]
    if isinstance(config, PopcountConfig):
        a = as_bits(inputs["a"], config.width).astype(np.int64)
        if config.xnor:
            a = 1 - (a ^ as_bits(inputs["w"], config.width))
        return a.sum(axis=-1)
    if isinstance(config, MultiplierConfig):
        a, b = np.asarray(inputs["a"]), np.asarray(inputs["b"])
        return _sign_magnitude(a) * _sign_magnitude(b) if config.signed else a * b
    if isinstance(config, AdderConfig):
        return np.asarray(inputs["a"]) + np.asarray(inputs["b"])
    raise TypeError(f"Configuration must be one of hwgen.config's, not {config!r}")


def output_value(config, outputs):
    """The number the outputs stand for (a full adder's ``s + 2*co``, otherwise the one port)."""
    if isinstance(config, FullAdderConfig):
        return outputs["s"] + 2 * outputs["co"]
    (value,) = outputs.values()
    return value
