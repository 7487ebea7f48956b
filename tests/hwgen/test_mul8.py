# amaranth: UnusedElaboratable=no
"""The 8x8 multiplier components in Amaranth's simulator against the golden model and the plan."""

import numpy as np
import pytest

from amaranth_harness import assert_matches_model
from axbnn.hwgen.config import MultiplierConfig
from axbnn.hwgen.mul8 import ApproxMultiplier8, SignMagnitudeMultiplier8
from axbnn.hwgen.multiplier_plan import COMPOSITION, HALVES, SIGN_BIT
from axbnn.sim.vectors import uniform_inputs


def test_plan_composition():
    # Block i of "3330" multiplies AL*BL, AH*BL, AL*BH, AH*BH, weighted by its halves' places.
    assert HALVES == {"low": (0, 4), "high": (4, 8)}
    assert [(slot.a_half, slot.b_half, slot.shift) for slot in COMPOSITION] == [
        ("low", "low", 0), ("high", "low", 4), ("low", "high", 4), ("high", "high", 8)]
    assert SIGN_BIT == 7


@pytest.mark.parametrize("blocks", ["0000", "1111", "2222", "3333", "3330", "1230"])
@pytest.mark.parametrize("signed", [False, True])
def test_random_pairs(blocks, signed):
    config = MultiplierConfig(blocks, signed=signed)
    inputs = uniform_inputs(config, 1500, np.random.default_rng(int(blocks)))
    assert_matches_model(config, inputs)


def test_signed_corners():
    # +-0 and +-127 in every combination: the sign logic and the widest magnitude.
    values = np.array([0, 128, 127, 255])
    a, b = np.meshgrid(values, values)
    assert_matches_model(MultiplierConfig("3330", signed=True), {"a": a.ravel(), "b": b.ravel()})


def test_component_matches_configuration():
    with pytest.raises(ValueError, match=r"^Configuration signed must be True for this "
                                         r"component, not False$"):
        SignMagnitudeMultiplier8(MultiplierConfig("0000"))
    with pytest.raises(TypeError, match=r"^Configuration must be a MultiplierConfig"):
        ApproxMultiplier8("3330")
