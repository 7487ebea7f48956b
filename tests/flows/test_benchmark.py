"""The benchmark's model rows: both input forms counted, an engine scored."""

import pytest

from axbnn.flows.benchmark import _engine_inference, _mac_prediction, _popcount_throughput


def test_popcount_rows_give_both_input_forms():
    rows = _popcount_throughput("popcount-16-maj_not", samples=256)
    assert [row["benchmark"].split()[-2] for row in rows] == ["packed", "0/1-byte"]
    assert all(row["rate"] > 0 and row["unit"] == "input bits/s" for row in rows)


def test_engine_row_counts_test_images():
    (row,) = _engine_inference("bnn-digits-small")
    assert row["benchmark"] == "model: bnn-digits-small, 360 test images bit-exact"


def test_mac_prediction_row_times_both_models(tmp_path):
    row = _mac_prediction(tmp_path, "loa-2", hidden=32)
    assert row["simulate_seconds"] > 0 and row["speedup"] == pytest.approx(
        row["simulate_seconds"] / row["seconds"])
    assert 0.5 <= row["agreement"] <= 1
