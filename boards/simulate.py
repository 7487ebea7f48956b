"""Simulate the board's self-test in a real simulator, before any board is involved."""

import json
from pathlib import Path

from amaranth.back import verilog

from flows.cocotb_run import log_tail, run_cocotb
from flows.errors import FlowError
from hwgen.bist import SelfTest
from sim.bist import signature

__all__ = ["simulate_selftest"]


def simulate_selftest(config, *, cycles, simulator, work, unit=None):
    """Run :class:`~hwgen.bist.SelfTest` of ``config`` (or of ``unit`` in its place, to inject
    a fault) under cocotb; return ``{"cycles": ..., "passed": 0|1, "failed": 0|1}``."""
    selftest = SelfTest(config, cycles=cycles, signature=signature(config, cycles), unit=unit)
    top = f"selftest_{config.top_name}"
    work = Path(work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    response = work / "verdict.json"
    response.unlink(missing_ok=True)
    _, _, log = run_cocotb(verilog.convert(selftest, name=top, emit_src=False), top,
                           simulator=simulator, work=work, test_module="boards.selftest_tb",
                           extra_env={"AXBNN_CYCLES": str(selftest.duration),
                                      "AXBNN_RESPONSE": str(response)})
    if not response.exists():
        raise FlowError(f"The self-test of {config.name} wrote no verdict; last lines of "
                        f"{log}:\n{log_tail(log)}")
    return json.loads(response.read_text())
