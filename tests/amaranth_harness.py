"""Drive any generated unit in Amaranth's simulator: the fast inner loop before cocotb."""

import numpy as np
from amaranth.sim import Simulator

from axbnn.hwgen.build import elaborate
from axbnn.sim.units import evaluate
from axbnn.sim.vectors import as_python_ints, sample_count


def simulate(config, inputs, *, dut=None):
    """Outputs of the elaborated component of ``config`` (or ``dut`` with its ports) for
    ``inputs`` (a vectors dict).

    One vector per clock cycle; a pipelined unit's outputs are read ``config.latency`` cycles on.
    """
    dut = dut if dut is not None else elaborate(config)
    driven = {name: as_python_ints(inputs[name], port.width)
              for name, port in config.inputs.items()}
    responses = {name: [] for name in config.outputs}
    count, latency = sample_count(inputs), config.latency

    async def testbench(ctx):
        for index in range(count + latency):
            if index < count:
                for name, values in driven.items():
                    ctx.set(getattr(dut, name), values[index])
            if index >= latency:
                for name, values in responses.items():
                    values.append(ctx.get(getattr(dut, name)))
            if latency:
                await ctx.tick()

    simulator = Simulator(dut)
    if latency:
        simulator.add_clock(1e-6)
    simulator.add_testbench(testbench)
    simulator.run()
    return {name: np.array(values, dtype=np.int64) for name, values in responses.items()}


def assert_matches_model(config, inputs):
    simulated, expected = simulate(config, inputs), evaluate(config, inputs)
    for name in config.outputs:
        wrong = np.flatnonzero(simulated[name] != expected[name])
        assert wrong.size == 0, (f"{config.name}.{name}: {wrong.size} mismatches, first at "
                                 f"vector {wrong[0]}: {simulated[name][wrong[0]]} != "
                                 f"{expected[name][wrong[0]]}")

