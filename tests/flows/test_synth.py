"""Synthesis through the real YoWASP tools on small designs: figures present and sane."""

import json

import pytest

from axbnn.hwgen.errors import FlowError, PlacementError
from axbnn.flows.synth import synthesize
from axbnn.hwgen.designs import parse_design

FPGA_CASES = [("ice40-up5k", "popcount-16-exact"), ("ice40-up5k", "popcount-16-maj_not"),
              ("ice40-up5k", "mul8-3330"), ("ecp5-25k", "popcount-16-exact"),
              ("ecp5-25k", "mul8-3330")]


@pytest.fixture(scope="module")
def fpga_reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    return {(target, design): synthesize(parse_design(design), target, root / f"{design}-{target}")
            for target, design in FPGA_CASES}


@pytest.mark.slow
@pytest.mark.tool("yosys", "nextpnr-ice40", "nextpnr-ecp5")
@pytest.mark.parametrize("target, design", FPGA_CASES)
def test_fpga_figures(fpga_reports, target, design):
    report = fpga_reports[target, design]
    assert report["lut4"] > 0 and report["ff"] == 0  # a combinational unit: FFs are the wrapper's
    assert 5 < report["fmax_mhz"] < 1000
    assert report["critical_path"]["delay_ns"] > 0
    assert "MULT18X18D" not in report["other_cells"] and "SB_MAC16" not in report["other_cells"]


@pytest.mark.slow
@pytest.mark.tool("yosys", "nextpnr-ice40", "nextpnr-ecp5")
def test_approximate_popcount_is_smaller(fpga_reports):
    exact = fpga_reports["ice40-up5k", "popcount-16-exact"]
    approximate = fpga_reports["ice40-up5k", "popcount-16-maj_not"]
    assert approximate["lc"] < exact["lc"]


@pytest.mark.slow
@pytest.mark.tool("yosys", "nextpnr-ice40")
def test_files_are_kept(tmp_path):
    synthesize(parse_design("fa-maj_not"), "ice40-up5k", tmp_path)
    for suffix in (".v", ".ys", ".rpt", ".json", ".stat.json", ".tim", ".report.json", ".asc"):
        assert (tmp_path / f"fa_maj_not{suffix}").exists(), suffix
    assert json.loads((tmp_path / "synth.json").read_text())["design"] == "fa-maj_not"


@pytest.mark.slow
@pytest.mark.tool("yosys")
def test_asic(tmp_path):
    exact = synthesize(parse_design("popcount-16-exact"), "asic", tmp_path / "exact")
    approximate = synthesize(parse_design("popcount-16-maj_not"), "asic", tmp_path / "approx")
    for report in (exact, approximate):
        assert report["area_nand2"] > 0 and report["depth"] > 0
        assert report["cells"] == sum(report["cells_by_type"].values())
    assert approximate["area_nand2"] < exact["area_nand2"]
    full_adder = synthesize(parse_design("fa-exact"), "asic", tmp_path / "fa")
    assert full_adder["depth"] >= 2  # a sum needs two levels of 2-input XOR
    pipelined = synthesize(parse_design("popcount-16-exact-p1"), "asic", tmp_path / "p1")
    assert pipelined["cells_by_type"]["DFF"] > 0
    assert pipelined["depth"] < exact["depth"]  # register to register


# Faults are injected into nextpnr: Amaranth also reads YOSYS, for its own Verilog output.
@pytest.mark.slow
@pytest.mark.tool("yosys")
def test_failing_tool_leaves_no_report(tmp_path, monkeypatch):
    monkeypatch.setenv("NEXTPNR_ICE40", "false")  # exits 1 and writes nothing
    with pytest.raises(PlacementError, match=r"^nextpnr-ice40 exited with 1; last lines of "):
        synthesize(parse_design("fa-exact"), "ice40-up5k", tmp_path)
    assert not (tmp_path / "synth.json").exists()


@pytest.mark.slow
@pytest.mark.tool("yosys")
def test_silent_tool_is_caught(tmp_path, monkeypatch):
    monkeypatch.setenv("NEXTPNR_ICE40", "true")  # exits 0 but writes nothing, like a stalled run
    with pytest.raises(FlowError, match=r"^nextpnr-ice40 left no fa_exact\.asc, "
                                        r"fa_exact\.report\.json"):
        synthesize(parse_design("fa-exact"), "ice40-up5k", tmp_path)
    assert not (tmp_path / "synth.json").exists()


@pytest.mark.slow
@pytest.mark.tool("yosys")
def test_missing_tool(tmp_path, monkeypatch):
    monkeypatch.setenv("NEXTPNR_ICE40", "no-such-nextpnr")
    with pytest.raises(FlowError, match=r"^nextpnr-ice40: NEXTPNR_ICE40='no-such-nextpnr' is not "
                                        r"an executable on PATH$") as raised:
        synthesize(parse_design("fa-exact"), "ice40-up5k", tmp_path)
    assert not isinstance(raised.value, PlacementError)  # a missing tool is not a misfit


def test_unknown_target(tmp_path):
    with pytest.raises(FlowError, match=r"^Target must be one of ice40-up5k, ice40-hx8k, "
                                        r"ecp5-25k, ecp5-85k, asic, not 'gowin'$"):
        synthesize(parse_design("fa-exact"), "gowin", tmp_path)


def test_an_unrolled_engine_too_large_for_the_target_is_refused(tmp_path, capsys):
    """digits-small unrolled holds 25,216 constant weights: at least 18,912 cells, more than
    an UP5K has; refused before any tool runs or any directory is made."""
    from axbnn.flows.cli import main

    assert parse_design("bnn-digits-small-unrolled").least_cells == 18912
    assert parse_design("bnn-digits-small").least_cells == 0
    assert main(["synth", "bnn-digits-small-unrolled", "--target", "ice40-up5k",
                 "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        "axbnn: error: bnn-digits-small-unrolled needs at least 18912 logic cells for its "
        "unrolled layers, more than ice40-up5k's 5280; fold a layer or choose a larger "
        "target\n")
    assert not (tmp_path / "out").exists()
