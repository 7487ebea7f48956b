"""cocotb testbench for any generated unit: drives stimulus, records every response.

Run by :func:`flows.verify.verify` inside the simulator. It reads the stimulus JSON named by
``AXBNN_STIMULUS`` (``{"inputs": {port: [int, ...]}, "outputs": {port: signed}, "latency": L}``),
applies one vector per nanosecond (per clock cycle of ``clk`` when the unit is pipelined, reading
each response ``L`` cycles later) and writes ``{port: [int, ...]}`` to ``AXBNN_RESPONSE``.
Comparison with the golden model happens outside, where mismatches can be reported with their
inputs.
"""

import json
import os
from pathlib import Path

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import Timer


@cocotb.test()
async def drive_vectors(dut):
    stimulus = json.loads(Path(os.environ["AXBNN_STIMULUS"]).read_text())
    inputs = {name: (getattr(dut, name), values) for name, values in stimulus["inputs"].items()}
    outputs = {name: (getattr(dut, name), signed) for name, signed in stimulus["outputs"].items()}
    latency = stimulus["latency"]
    responses = {name: [] for name in outputs}
    count = len(next(iter(stimulus["inputs"].values())))
    if latency:
        # The clock rises at odd nanoseconds; inputs change and outputs are sampled at even
        # ones, half a cycle away. (Waiting on a falling edge instead would fire at once in
        # Icarus, where the clock's first transition is x to 0.)
        dut.rst.value = 0
        cocotb.start_soon(Clock(dut.clk, 2, unit="ns").start(start_high=False))
    def record():
        for name, (handle, signed) in outputs.items():
            value = handle.value
            responses[name].append(value.to_signed() if signed else int(value))

    for index in range(count + latency):
        if index < count:
            for handle, values in inputs.values():
                handle.value = values[index]
        if not latency:
            await Timer(1, unit="ns")
            record()
            continue
        # Registered outputs: what they show now left the inputs ``latency`` edges ago.
        if index >= latency:
            record()
        await Timer(2, unit="ns")
    Path(os.environ["AXBNN_RESPONSE"]).write_text(json.dumps(responses))
