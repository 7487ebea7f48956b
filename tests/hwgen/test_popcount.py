# amaranth: UnusedElaboratable=no
"""Popcount and XNOR-popcount components in Amaranth's simulator against the plan's model."""

import numpy as np
import pytest

from amaranth_harness import assert_matches_model
from axbnn.hwgen.config import PopcountConfig
from axbnn.hwgen.popcount import Popcount, XNORPopcount
from axbnn.sim.vectors import exhaustive_inputs, verification_inputs

CONFIGS = [
    PopcountConfig(64),
    PopcountConfig(33, tree="dadda"),
    PopcountConfig(100, tree="chain"),
    PopcountConfig(70, fa="maj_not", approx_columns=2, tree="chain"),
    PopcountConfig(64, fa="maj_not"),
    PopcountConfig(100, fa="axa3", approx_columns=3),
    PopcountConfig(256, fa="inxa2", approx_levels=2),
    PopcountConfig(48, fa="maj_only", xnor=True),
    PopcountConfig(256, pipeline=2),
    PopcountConfig(64, fa="maj_not", approx_columns=3, pipeline=1, xnor=True),
    PopcountConfig(64, counter="sat4"),
    PopcountConfig(33, counter="maj4"),
    PopcountConfig(64, counter="maj4", pipeline=2, xnor=True),
]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda config: config.name)
def test_random_and_corner_vectors(config):
    assert_matches_model(config, verification_inputs(config, 150, np.random.default_rng(7)))


@pytest.mark.parametrize("config", [PopcountConfig(10, fa="maj_not", approx_columns=1),
                                    PopcountConfig(14, tree="chain"),
                                    *(PopcountConfig(width, counter=counter, pipeline=1)
                                      for width, counter in [(14, "sat4"), (13, "maj4"),
                                                             (8, "maj4"), (11, "sat4")])],
                         ids=lambda c: c.name)
def test_small_tree_exhaustively(config):
    assert_matches_model(config, exhaustive_inputs(config))


def test_component_matches_configuration():
    with pytest.raises(ValueError, match=r"^Configuration xnor must be False for this component, "
                                         r"not True$"):
        Popcount(PopcountConfig(8, xnor=True))
    with pytest.raises(TypeError, match=r"^Configuration must be a PopcountConfig, not 8$"):
        XNORPopcount(8)
