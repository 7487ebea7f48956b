"""The golden models of exact units against plain arithmetic, which characterisation trusts."""

import numpy as np
import pytest

from axbnn.hwgen.designs import PRESETS, parse_design
from axbnn.hwgen.families import family_of
from axbnn.sim.units import evaluate, exact_value, output_value
from axbnn.sim.vectors import as_bits, uniform_inputs


def _sign_magnitude(value):
    return np.where(value >> 7, -(value & 127), value & 127)


def _plain(config, inputs):
    """Each unit family's exact function, written without its plan or equations."""
    name = family_of(config).name
    if name == "fa":
        return inputs["x"] + inputs["y"] + inputs["c"]
    if name == "popcount":
        a = as_bits(inputs["a"], config.width).astype(np.int64)
        if config.xnor:
            a = 1 - (a ^ as_bits(inputs["w"], config.width))
        return a.sum(axis=-1)
    if name in ("mul8", "umul8"):
        a, b = inputs["a"], inputs["b"]
        return _sign_magnitude(a) * _sign_magnitude(b) if config.signed else a * b
    return inputs["a"] + inputs["b"]


UNITS = sorted({parse_design(name).exact() for name in PRESETS
                if family_of(parse_design(name)).interface == "ports"}, key=str)
UNITS += [parse_design("xnorpop-64-exact")]


@pytest.mark.parametrize("config", UNITS, ids=lambda config: config.name)
def test_exact_models_are_plain_arithmetic(config):
    inputs = uniform_inputs(config, 4000, np.random.default_rng(1))
    expected = _plain(config, inputs)
    assert np.array_equal(output_value(config, evaluate(config, inputs)), expected)
    assert np.array_equal(exact_value(config, inputs), expected)


def test_exact_value_ignores_the_approximation():
    config = parse_design("popcount-64-maj_not")
    inputs = uniform_inputs(config, 2000, np.random.default_rng(2))
    assert np.array_equal(exact_value(config, inputs), as_bits(inputs["a"], 64).sum(axis=-1))
    assert not np.array_equal(output_value(config, evaluate(config, inputs)),
                              exact_value(config, inputs))
