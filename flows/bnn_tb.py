"""cocotb testbench for a BNN engine: streams images in, takes results out under back-pressure.

Run by :func:`flows.bnn_verify.verify_bnn`. Reads ``AXBNN_STIMULUS``
(``{"images": [int, ...], "stall": p, "seed": s, "max_cycles": n}``) and writes the raw
``o`` payloads, in order, to ``AXBNN_RESPONSE``. Each cycle the output's ``ready`` drops with
probability ``stall``; handshakes are judged half a cycle before the rising edge that makes
them, once every combinational ``ready`` has settled.
"""

import json
import os
import random
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, Timer


@cocotb.test()
async def stream_images(dut):
    stimulus = json.loads(Path(os.environ["AXBNN_STIMULUS"]).read_text())
    images, stall = stimulus["images"], stimulus["stall"]
    rng = random.Random(stimulus["seed"])
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.i__valid.value, dut.o__ready.value = 1, 0, 0
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0
    sent, results = 0, []
    for _ in range(stimulus["max_cycles"]):
        await FallingEdge(dut.clk)
        if sent < len(images):
            dut.i__payload.value, dut.i__valid.value = images[sent], 1
        else:
            dut.i__valid.value = 0
        ready = rng.random() >= stall
        dut.o__ready.value = int(ready)
        await Timer(1, unit="ns")
        if sent < len(images) and int(dut.i__ready.value):
            sent += 1
        if ready and int(dut.o__valid.value):
            results.append(int(dut.o__payload.value))
            if len(results) == len(images):
                break
    Path(os.environ["AXBNN_RESPONSE"]).write_text(json.dumps(results))
