"""The axbnn command line: each verb in-process, the console script once."""

import json
import shutil
import subprocess
import sys

import pytest

from axbnn.flows.cli import main
from axbnn.flows.simulators import available_simulators
from axbnn.hwgen.designs import PRESETS


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_presets(capsys):
    code, out, _ = run(capsys, "presets")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == list(PRESETS)


def test_characterize_json(capsys):
    code, out, _ = run(capsys, "characterize", "mul8-3330", "--json")
    result = json.loads(out)
    assert code == 0
    assert {"error_rate", "mean_error", "med", "mred", "wce", "mre_sm"} <= set(result)
    assert result["method"] == "exhaustive" and result["wce"] > 0


def test_characterize_text_shows_progress(capsys):
    code, out, err = run(capsys, "characterize", "popcount-64-maj_not", "--samples", "20000")
    assert code == 0 and "monte_carlo" in out and "20000/20000 samples" in err


def test_generate(capsys, tmp_path):
    code, out, _ = run(capsys, "generate", "mul8-3330", "-o", str(tmp_path))
    assert code == 0 and "mul8_3330.v" in out
    assert (tmp_path / "manifest.json").exists()


@pytest.mark.parametrize("argv, message", [
    (["generate", "mul8-3340", "-o", "x"], "mul8-3340: Multiplier blocks must be four digits"),
    (["characterize", "popcount-9000-exact"], "Popcount width must be an integer from 1 to 4096"),
    (["verify", "fa-xor"], "Full-adder variant must be one of"),
])
def test_bad_design_is_one_line(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("axbnn: error: ") and message in err and err.count("\n") == 1


def test_bad_count_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["verify", "mul8-0000", "--vectors", "-3"])
    assert exit_info.value.code == 2
    assert "--vectors: must be a positive integer, not '-3'" in capsys.readouterr().err


def test_missing_simulator_is_one_line(capsys, monkeypatch):
    monkeypatch.setenv("PATH", "")
    code, _, err = run(capsys, "verify", "fa-exact", "--sim", "icarus")
    assert code == 1 and err == ("axbnn: error: Icarus Verilog is missing: iverilog is not on "
                                 "PATH (apt-get install iverilog)\n")


@pytest.mark.slow
def test_verify(capsys, tmp_path):
    simulator = "icarus" if "icarus" in available_simulators() else "verilator"
    code, out, _ = run(capsys, "verify", "add-4-maj_not-2", "--sim", simulator,
                       "--build-dir", str(tmp_path))
    assert code == 0
    assert out.startswith(f"add-4-maj_not-2 on {simulator}: 256 of 256 all vectors match")


@pytest.mark.slow
def test_verify_bnn(capsys, tmp_path):
    simulator = "icarus" if "icarus" in available_simulators() else "verilator"
    code, out, _ = run(capsys, "verify", "bnn-digits-small", "--popcount", "maj_not-c2", "--sim",
                       simulator, "--vectors", "20", "--build-dir", str(tmp_path))
    assert code == 0
    assert out.startswith(f"bnn-digits-small-maj_not-c2 on {simulator}: 20 of 20 images agree")
    code, _, err = run(capsys, "verify", "bnn-digits", "--exhaustive")
    assert code == 2 and err.startswith("axbnn: error: --exhaustive does not apply to bnn-digits")


def test_quiet_shows_results_only(capsys):
    code, out, err = run(capsys, "-q", "characterize", "popcount-64-maj_not", "--samples", "20000")
    assert code == 0 and "monte_carlo" in out and err == ""


@pytest.mark.slow
@pytest.mark.tool("yosys")
def test_verbose_shows_every_tool_command(capsys, tmp_path):
    code, _, err = run(capsys, "-v", "synth", "fa-exact", "--target", "asic",
                       "-o", str(tmp_path / "s"))
    assert code == 0 and "yosys: abc onto generic cells\n" in err
    assert any(line.endswith("yosys -q -l fa_exact.rpt fa_exact.ys") for line in err.splitlines())
    code, _, err = run(capsys, "synth", "fa-exact", "--target", "asic", "-o", str(tmp_path / "t"))
    assert code == 0 and "fa_exact.ys" not in err  # commands only with -v


def test_doctor(capsys):
    code, out, _ = run(capsys, "doctor")
    tools = [line.split()[0] for line in out.splitlines()]
    assert code == 0
    assert {"amaranth", "yosys", "nextpnr-ice40", "nextpnr-ecp5", "verilator", "g++", "make",
            "perl"} <= set(tools)


def test_doctor_shows_a_tools_own_version_line_not_yowasps_banner(capsys, tmp_path, monkeypatch):
    tool = tmp_path / "my-yosys"
    tool.write_text("#!/bin/sh\necho 'Preparing to run yosys. This might take a while...' >&2\n"
                    "echo 'Yosys 9.9 (mine)'\n")
    tool.chmod(0o755)
    monkeypatch.setenv("YOSYS", str(tool))
    code, out, _ = run(capsys, "doctor")
    (line,) = [line for line in out.splitlines() if line.startswith("yosys  ")]
    assert line.split(None, 1)[1].startswith("Yosys 9.9 (mine)")


def test_console_script():
    script = shutil.which("axbnn")
    assert script, "the axbnn console script is not installed: pip install -e ."
    completed = subprocess.run([script, "presets"], capture_output=True, text=True, check=True)
    assert completed.stdout.startswith("fa-exact")


def test_a_reader_that_leaves_early_gets_no_traceback():
    process = subprocess.Popen([sys.executable, "-m", "axbnn", "presets"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, bufsize=0)
    process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=60) in (0, 1)
    assert process.stderr.read() == b""


def test_version_and_module_entry_point():
    import axbnn

    completed = subprocess.run([sys.executable, "-m", "axbnn", "--version"], capture_output=True,
                               text=True, check=True)
    assert completed.stdout == f"axbnn {axbnn.__version__}\n"


@pytest.mark.parametrize("arguments, message", [
    (("characterize", "bnn-digits"), "bnn-digits: characterize measures arithmetic units; for "
                                     "an engine use predict --check"),
    (("synth", "bnn-digits", "--target", "asic", "--behavioural"),
     "bnn-digits: --behavioural needs a plain-arithmetic baseline, which engines do not have"),
    (("report", "bnn-digits", "-o", "unused"),
     "bnn-digits: report compares arithmetic units; synthesise an engine with synth"),
    (("generate", "fa-exact", "--pe", "2", "-o", "unused"),
     "fa-exact: --weights, --pe, --simd and --popcount apply to bnn engines"),
])
def test_verbs_a_family_does_not_support_are_one_line(capsys, arguments, message):
    code, out, err = run(capsys, *arguments)
    assert (code, out, err) == (2, "", f"axbnn: error: {message}\n")
