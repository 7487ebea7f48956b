"""cocotb testbench for any combinational unit: drives stimulus, records every response.

Run by :func:`flows.verify.verify` inside the simulator. It reads the stimulus JSON named by
``AXBNN_STIMULUS`` (``{"inputs": {port: [int, ...]}, "outputs": {port: signed}}``), applies one
vector per nanosecond and writes ``{port: [int, ...]}`` to ``AXBNN_RESPONSE``. Comparison with the
golden model happens outside, where mismatches can be reported with their inputs.
"""

import json
import os
from pathlib import Path

import cocotb
from cocotb.triggers import Timer


@cocotb.test()
async def drive_vectors(dut):
    stimulus = json.loads(Path(os.environ["AXBNN_STIMULUS"]).read_text())
    inputs = {name: (getattr(dut, name), values) for name, values in stimulus["inputs"].items()}
    outputs = {name: (getattr(dut, name), signed) for name, signed in stimulus["outputs"].items()}
    responses = {name: [] for name in outputs}
    count = len(next(iter(stimulus["inputs"].values())))
    for index in range(count):
        for handle, values in inputs.values():
            handle.value = values[index]
        await Timer(1, unit="ns")
        for name, (handle, signed) in outputs.items():
            value = handle.value
            responses[name].append(value.to_signed() if signed else int(value))
    Path(os.environ["AXBNN_RESPONSE"]).write_text(json.dumps(responses))
