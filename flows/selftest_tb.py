"""cocotb testbench for :class:`hwgen.bist.SelfTest`: reset, clock until done, record verdict.

Run by :func:`flows.board_sim.simulate_selftest`; writes ``{"cycles": n, "passed": 0|1,
"failed": 0|1}`` to the file named by ``AXBNN_RESPONSE``.
"""

import json
import os
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge


@cocotb.test()
async def run_selftest(dut):
    limit = int(os.environ["AXBNN_CYCLES"]) + 10
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value = 1
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0
    cycles = 0
    await FallingEdge(dut.clk)
    while int(dut.running.value) and cycles < limit:
        await FallingEdge(dut.clk)
        cycles += 1
    verdict = {"cycles": cycles, "passed": int(dut.passed.value), "failed": int(dut.failed.value)}
    Path(os.environ["AXBNN_RESPONSE"]).write_text(json.dumps(verdict))
