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



def bits_to_int(bits, width=1):
    """A row of 0/1 values (or of ``width``-bit values) as the integer a stream payload of
    that many bits carries, the first lowest."""
    return int(sum(int(bit) << (index * width) for index, bit in enumerate(bits)))


def run_engine(engine, images, *, stall=0.0, seed=0, width=1):
    """``(labels, scores, accept_cycles)`` of a streaming engine fed ``images`` (inputs of
    ``width`` bits); the consumer
    drops ready with probability ``stall`` each cycle. Stops once every result is out, or after
    twice the engine's cycles per image (and some) per image, so a hung engine fails its test
    instead of hanging it."""
    rng = np.random.default_rng(seed)
    results, accepted, cycle = [], [], [0]
    limit = (2 * engine.config.cycles_per_image + 50) * (len(images) + 5)

    async def clock(ctx):
        async for _ in ctx.tick():
            cycle[0] += 1

    async def producer(ctx):
        for image in images:
            ctx.set(engine.i.payload, bits_to_int(image, width))
            ctx.set(engine.i.valid, 1)
            await ctx.tick().until(engine.i.ready)
            accepted.append(cycle[0])
        ctx.set(engine.i.valid, 0)

    async def consumer(ctx):
        while len(results) < len(images) and cycle[0] < limit:
            ready = rng.random() >= stall
            ctx.set(engine.o.ready, ready)
            *_, valid, payload = await ctx.tick().sample(engine.o.valid, engine.o.payload)
            if valid and ready:
                results.append((int(payload.label), [int(score) for score in payload.scores]))

    simulator = Simulator(engine)
    simulator.add_clock(1e-6)
    simulator.add_testbench(clock, background=True)
    simulator.add_testbench(producer, background=True)
    simulator.add_testbench(consumer)
    simulator.run()
    labels = np.array([label for label, _ in results])
    scores = np.array([score for _, score in results])
    return labels, scores, accepted


def run_paced(unit, vectors, *, limit=2000, width=1):
    """``(transfer cycles, valid cycles, payloads)`` of a stream unit offered ``vectors`` (rows of
    0/1, or of ``width``-bit values) back to back with its output always taken: the unit's own pace and latency. Stops after
    ``limit`` cycles, so a hung unit fails its test instead of hanging it."""
    transfers, valids, payloads = [], [], []

    async def testbench(ctx):
        ctx.set(unit.o.ready, 1)
        cycle = sent = 0
        while len(valids) < len(vectors) and cycle < limit:
            ctx.set(unit.i.valid, sent < len(vectors))
            ctx.set(unit.i.payload, bits_to_int(vectors[min(sent, len(vectors) - 1)], width))
            *_, ready, valid, payload = await ctx.tick().sample(
                unit.i.ready, unit.o.valid, unit.o.payload)
            if ready and sent < len(vectors):
                transfers.append(cycle)
                sent += 1
            if valid:
                valids.append(cycle)
                payloads.append(payload)
            cycle += 1

    simulator = Simulator(unit)
    simulator.add_clock(1e-6)
    simulator.add_testbench(testbench)
    simulator.run()
    return transfers, valids, payloads
