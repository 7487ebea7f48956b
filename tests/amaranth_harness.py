"""Drive any generated unit in Amaranth's simulator: the fast inner loop before cocotb."""

import numpy as np
from amaranth.sim import Simulator

from hwgen.build import elaborate
from sim.units import evaluate
from sim.vectors import as_python_ints, sample_count


def simulate(config, inputs):
    """Outputs of the elaborated component of ``config`` for ``inputs`` (a vectors dict)."""
    dut = elaborate(config)
    driven = {name: as_python_ints(inputs[name], port.width)
              for name, port in config.inputs.items()}
    responses = {name: [] for name in config.outputs}

    async def testbench(ctx):
        for index in range(sample_count(inputs)):
            for name, values in driven.items():
                ctx.set(getattr(dut, name), values[index])
            for name, values in responses.items():
                values.append(ctx.get(getattr(dut, name)))

    simulator = Simulator(dut)
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

