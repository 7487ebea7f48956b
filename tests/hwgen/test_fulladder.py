# amaranth: UnusedElaboratable=no
"""The FullAdder component in Amaranth's simulator, every variant, every input."""

import pytest

from amaranth_harness import assert_matches_model
from axbnn.hwgen.config import FullAdderConfig, PopcountConfig
from axbnn.hwgen.fa_variants import FA_VARIANTS
from axbnn.hwgen.fulladder import FullAdder
from axbnn.sim.vectors import exhaustive_inputs


@pytest.mark.parametrize("variant", FA_VARIANTS)
def test_exhaustive(variant):
    config = FullAdderConfig(variant)
    assert_matches_model(config, exhaustive_inputs(config))


def test_wrong_configuration():
    with pytest.raises(TypeError, match=r"^Configuration must be a FullAdderConfig, not "):
        FullAdder(PopcountConfig(3))
