"""Board integration: the self-test in real simulators, bitstreams through the YoWASP tools."""

import pytest

from axbnn.flows.bitstream import build_bitstream
from axbnn.boards.catalog import BOARDS
from axbnn.flows.board_sim import simulate_selftest
from faults import StuckAt
from axbnn.flows.cli import main
from axbnn.hwgen.errors import FlowError
from axbnn.hwgen.designs import parse_design


@pytest.mark.slow
def test_selftest_in_simulator(simulator, tmp_path):
    config = parse_design("popcount-64-maj_not-c2")
    good = simulate_selftest(config, cycles=600, simulator=simulator, work=tmp_path / "good")
    assert good == {"cycles": 600, "passed": 1, "failed": 0}
    faulty = simulate_selftest(config, cycles=600, simulator=simulator, work=tmp_path / "bad",
                               unit=StuckAt(config, bit=2, value=0))
    assert faulty == {"cycles": 600, "passed": 0, "failed": 1}


@pytest.mark.slow
@pytest.mark.tool("yosys", "nextpnr-ice40", "icepack", "nextpnr-ecp5", "ecppack")
@pytest.mark.parametrize("board, suffix", [("icebreaker", ".bin"), ("orangecrab-25f", ".bit")])
def test_bitstream(board, suffix, tmp_path):
    build = build_bitstream(parse_design("mul8-3330"), board, tmp_path, cycles=1000)
    assert build.bitstream == tmp_path / f"top{suffix}" and build.bitstream.stat().st_size > 10_000
    used, available = next(iter(build.utilization.values()))
    assert 0 < used <= available and build.fmax_mhz > 0
    assert build.clock_mhz == {"icebreaker": 12, "orangecrab-25f": 48}[board]
    assert build.summary().endswith(f"board clock {build.clock_mhz:g} MHz: "
                                    f"{'PASS' if build.timing_met else 'FAIL'}")


@pytest.mark.slow
@pytest.mark.tool("yosys", "nextpnr-ice40", "icepack")
# One board: the serial top is the same on the ULX3S (42 s more), whose ECP5 flow the
# orangecrab build above covers.
@pytest.mark.parametrize("board, suffix", [("icebreaker", ".bin")])
def test_bnn_bitstream(board, suffix, tmp_path):
    # The small model: the digits engine takes 4,403 of the UP5K's 5,280 cells, and with the
    # UART and self-test around it nextpnr routed for over 12 minutes.
    build = build_bitstream(parse_design("bnn-digits-small"), board, tmp_path)
    assert build.bitstream == tmp_path / f"top{suffix}" and build.bitstream.stat().st_size > 10_000
    assert build.timing_met


def test_bnn_needs_a_uart(tmp_path):
    with pytest.raises(FlowError, match=r"^BNN engines answer over a UART, which the "
                                        r"orangecrab-25f lacks; board must be one of "
                                        r"icebreaker, icestick, ulx3s-85f$"):
        build_bitstream(parse_design("bnn-digits"), "orangecrab-25f", tmp_path)


@pytest.mark.slow
@pytest.mark.tool("yosys", "nextpnr-ice40", "icepack")
def test_too_large_design_names_the_numbers(tmp_path):
    with pytest.raises(FlowError, match=r"^popcount-1024-exact could not be built for the "
                                        r"icestick \(iCE40HX1K-TQ144\): does not fit: it needs "
                                        r"ICESTORM_LC \d+ of 1280$"):
        build_bitstream(parse_design("popcount-1024-exact"), "icestick", tmp_path)


def test_unknown_board(tmp_path):
    with pytest.raises(FlowError, match=r"^Board must be one of icebreaker, icestick, "
                                        r"ulx3s-85f, orangecrab-25f, not 'tinyfpga'$"):
        build_bitstream(parse_design("fa-exact"), "tinyfpga", tmp_path)


def test_missing_programmer(tmp_path, monkeypatch):
    monkeypatch.setenv("ICEPROG", "no-such-iceprog")
    with pytest.raises(FlowError, match=r"^Programming the icebreaker needs no-such-iceprog, "
                                        r"which is not on PATH"):
        build_bitstream(parse_design("fa-exact"), "icebreaker", tmp_path, program=True)


def test_cli_lists_boards(capsys):
    assert main(["boards"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(BOARDS)
