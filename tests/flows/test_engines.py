import json

import pytest

from axbnn.flows import engines
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.errors import FlowError, PlacementError
from axbnn.hwgen.families import require


@pytest.fixture
def fake_synthesis(monkeypatch):
    """Synthesis as a table: figures for the UP5K, a router that gives up on the ECP5."""
    calls = []

    def synthesize_cached(config, target, cache, out_dir):
        calls.append((config.name, target))
        if target == "ecp5-85k":
            raise PlacementError("nextpnr-ecp5 exited with 255; last lines of x.tim:\n"
                                 "Info: routing\nERROR: Failed to expand region (0, 0) |_> "
                                 "(84, 95) of 1 LUT4s")
        return {"lc": 3643, "fmax_mhz": 35.83, "images_per_second": 139961}, False

    monkeypatch.setattr(engines, "synthesize_cached", synthesize_cached)
    return calls


def test_table_rows_and_misfits(tmp_path, fake_synthesis):
    rows = engines.make_table(["bwnn-digits", "bnn-digits-small-unrolled"],
                              ["ice40-up5k", "ecp5-85k"], tmp_path / "out", progress=print)
    bwnn, unrolled = rows
    assert bwnn["accuracy"] == pytest.approx(0.8583, abs=5e-5)  # the shipped model's figure
    assert bwnn["targets"]["ice40-up5k"] == {"fits": True, "lc": 3643, "fmax_mhz": 35.83,
                                             "images_per_second": 139961}
    assert bwnn["targets"]["ecp5-85k"] == {
        "fits": False, "error": "ERROR: Failed to expand region (0, 0) |_> (84, 95) of 1 LUT4s"}
    # Too big for the UP5K by its own estimate: no synthesis is started for it.
    assert unrolled["targets"]["ice40-up5k"]["fits"] is False
    assert ("bnn-digits-small-unrolled", "ice40-up5k") not in fake_synthesis
    assert json.loads((tmp_path / "out" / "engines.json").read_text()) == rows
    table = (tmp_path / "out" / "engines.md").read_text()
    assert "| bwnn-digits | 85.83% | 256 | 3,643 at 35.83 MHz, 139,961 img/s | does not fit |" \
        in table
    assert "- bwnn-digits on ecp5-85k: ERROR: Failed to expand region" in table


def test_a_failed_tool_is_not_a_misfit_and_spoils_no_other_cell(tmp_path, monkeypatch):
    def failing_on_asic(config, target, cache, out_dir):
        if target == "asic":
            raise FlowError("yosys exited with 1; last lines of x.rpt:\nERROR: out of memory")
        return {"lc": 2096}, False

    monkeypatch.setattr(engines, "synthesize_cached", failing_on_asic)
    with pytest.raises(FlowError, match=r"^synthesis failed for bwnn-digits on asic \(the "
                                        r"tool's line is in .*engines.md; the other") as raised:
        engines.make_table(["bwnn-digits"], ["ice40-up5k", "asic"], tmp_path / "out",
                           progress=print)
    assert not isinstance(raised.value, PlacementError)
    [row] = json.loads((tmp_path / "out" / "engines.json").read_text())
    assert row["targets"]["ice40-up5k"]["lc"] == 2096
    assert row["targets"]["asic"] == {"fits": None, "error": "ERROR: out of memory"}
    assert "| synthesis failed |" in (tmp_path / "out" / "engines.md").read_text()


@pytest.mark.parametrize("design", engines.DEFAULT_ENGINES)
def test_default_engines_are_engines_named_canonically(design):
    config = parse_design(design)
    require(config, "engines")
    assert config.name == design
