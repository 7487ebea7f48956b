"""The MAC engine's RTL against its golden model in Verilator, through the BNN stream bench."""

import pytest

from axbnn.flows.bnn_verify import verify_bnn
from axbnn.hwgen.designs import parse_design


@pytest.mark.slow
@pytest.mark.tool("verilator")
def test_approximate_accumulator_engine_agrees_on_every_score(tmp_path):
    result = verify_bnn(parse_design("bwnn-digits-loa-4"), images=24, build_dir=tmp_path)
    assert result.ok and result.results == 24, result.mismatches
