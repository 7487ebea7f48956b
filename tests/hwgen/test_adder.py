# amaranth: UnusedElaboratable=no
"""The ApproxAdder component in Amaranth's simulator against the model."""

import numpy as np
import pytest

from amaranth_harness import assert_matches_model
from axbnn.hwgen.adder import ApproxAdder
from axbnn.hwgen.config import AdderConfig
from axbnn.sim.vectors import exhaustive_inputs, verification_inputs


@pytest.mark.parametrize("config", [AdderConfig(6), AdderConfig(6, "loa", 3),
                                    AdderConfig(6, "maj_not", 6), AdderConfig(5, "inxa2", 2)],
                         ids=lambda config: config.name)
def test_exhaustive(config):
    assert_matches_model(config, exhaustive_inputs(config))


@pytest.mark.parametrize("config", [AdderConfig(32, "loa", 8), AdderConfig(32, "axa3", 5),
                                    AdderConfig(32, "maj_only", 1)],
                         ids=lambda config: config.name)
def test_wide_random(config):
    assert_matches_model(config, verification_inputs(config, 500, np.random.default_rng(5)))


def test_wrong_configuration():
    with pytest.raises(TypeError, match=r"^Configuration must be an AdderConfig, not None$"):
        ApproxAdder(None)
