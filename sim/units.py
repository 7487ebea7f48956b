"""One interface over every unit's golden model: outputs, exact reference and arithmetic value.

Inputs and outputs are dictionaries keyed by the configuration's port names (see
:mod:`sim.vectors` for the array forms), so one testbench and one characteriser serve every unit.
Each family registers its model (:mod:`hwgen.families`); this module looks it up.
"""

import numpy as np

from ..hwgen.families import family_of, load

__all__ = ["evaluate", "exact_value", "output_value", "product_table"]


def evaluate(config, inputs):
    """The bit-exact outputs of the unit ``config`` for ``inputs``."""
    return load("sim", family_of(config).model)(config, inputs)


def output_value(config, outputs):
    """The number the outputs stand for (a full adder's ``s + 2*co``, otherwise the one port)."""
    return config.output_value(outputs)


def exact_value(config, inputs):
    """What exact arithmetic gives for ``inputs``: the reference for error metrics.

    The golden model of the exact counterpart; the tests check each of those against plain
    arithmetic (``a * b``, ``a + b``, a sum of bits), independently of the plans.
    """
    exact = config.exact()
    return exact.output_value(evaluate(exact, inputs))


def product_table(config):
    """All 256x256 outputs of the 8x8 multiplier ``config``, ``table[a, b]``, through its
    family's model: the table an 8-bit MLP multiplies through (``smul8``, ``smmul8``, ...)."""
    a, b = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")
    return output_value(config, evaluate(config, {"a": a, "b": b}))
