# amaranth: UnusedElaboratable=no
"""The behavioural baseline computes each design's exact function, so the costs quoted against
it compare like with like."""

import numpy as np
import pytest

from amaranth_harness import simulate
from axbnn.hwgen.behavioural import Behavioural, behavioural_name
from axbnn.hwgen.designs import parse_design
from axbnn.sim.units import evaluate
from axbnn.sim.vectors import exhaustive_inputs, verification_inputs


@pytest.mark.parametrize("design", ["fa-axa3", "popcount-37-maj_not-c2-p1",
                                    "xnorpop-20-maj_not", "mul8-3330", "smul8-2220",
                                    "add-8-loa-3"])
def test_matches_the_exact_model(design):
    config = parse_design(design)
    exact = config.exact()
    inputs = (exhaustive_inputs(exact) if exact.input_bits <= 8 else
              verification_inputs(exact, 3000, np.random.default_rng(5)))
    simulated, expected = simulate(exact, inputs, dut=Behavioural(config)), evaluate(exact, inputs)
    for name in exact.outputs:
        np.testing.assert_array_equal(simulated[name], expected[name])


def test_name():
    assert behavioural_name(parse_design("mul8-3330")) == "mul8-0000-behavioural"
    assert behavioural_name(parse_design("popcount-64-maj_not-p1")) == \
        "popcount-64-exact-behavioural"
