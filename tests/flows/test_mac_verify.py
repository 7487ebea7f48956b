"""The MAC engine's RTL against its golden model in Verilator, through the BNN stream bench."""

import pytest

from axbnn.flows.bnn_verify import verify_bnn
from axbnn.hwgen.designs import parse_design


@pytest.mark.slow
@pytest.mark.tool("verilator")
def test_approximate_accumulator_engine_agrees_on_every_score(tmp_path):
    result = verify_bnn(parse_design("bwnn-digits-loa-4"), images=24, build_dir=tmp_path)
    assert result.ok and result.results == 24, result.mismatches


@pytest.mark.slow
@pytest.mark.tool("verilator")
def test_8_bit_engine_agrees_over_the_test_split_and_a_wrong_multiplier_is_caught(
        tmp_path, monkeypatch):
    """q8 on smul8-3330 (its retrained network) is bit-exact over every digits test image; the
    same build against a golden model that multiplies exactly disagrees."""
    import axbnn.sim.mac_infer as mac_infer

    config = parse_design("q8-digits_3330-3330")
    result = verify_bnn(config, build_dir=tmp_path)
    assert result.ok and result.results == 360, result.mismatches
    exact_table = mac_infer.product_table(parse_design("smul8-0000"))
    monkeypatch.setattr(mac_infer, "NUMPY_OPS", mac_infer.NUMPY_OPS._replace(
        multiply=lambda multiplier, a, b: exact_table[a, b]))
    wrong = verify_bnn(config, images=60, build_dir=tmp_path)
    assert not wrong.ok and wrong.wrong_scores > 0
