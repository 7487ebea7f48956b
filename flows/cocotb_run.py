"""Build one Verilog design for a simulator and run a cocotb test module on it."""

import subprocess
import time
from pathlib import Path

from ..hwgen.errors import FlowError
from .simulators import prepare_simulator

__all__ = ["run_cocotb", "log_tail"]


def log_tail(path, lines=15):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def run_cocotb(verilog, top, *, simulator, work, test_module, extra_env, seed=0):
    """Write ``verilog`` to ``work/<top>.v``, build it (reusing an up-to-date build) and run
    ``test_module`` with ``extra_env``. Returns ``(build_seconds, run_seconds, test_log)``.

    Amaranth's Verilog has no timescale, so one is given; Verilator builds with -Wno-fatal
    because that Verilog trips width-expansion lint. cocotb's runner does not raise when a test
    fails outside pytest: the caller judges the run by what the test module wrote.
    """
    from cocotb_tools.runner import get_runner

    prepare_simulator(simulator)
    work = Path(work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    source = work / f"{top}.v"
    source.write_text(verilog)
    runner = get_runner(simulator)
    build_log, test_log = work / "build.log", work / "test.log"
    started = time.perf_counter()
    try:
        runner.build(sources=[source], hdl_toplevel=top, build_dir=work,
                     build_args=["-Wno-fatal"] if simulator == "verilator" else [],
                     timescale=("1ns", "1ps"), log_file=build_log)
    except (subprocess.CalledProcessError, SystemExit, RuntimeError) as error:
        raise FlowError(f"{simulator} could not build {top} ({error}); last lines of "
                        f"{build_log}:\n{log_tail(build_log)}") from None
    built = time.perf_counter()
    runner.test(test_module=test_module, hdl_toplevel=top, build_dir=work, test_dir=work,
                seed=seed, log_file=test_log, extra_env=extra_env)
    return built - started, time.perf_counter() - built, test_log
