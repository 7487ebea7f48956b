# amaranth: UnusedElaboratable=no
"""The serial argmax in Amaranth's simulator: NumPy's label (lowest index of the largest) on
random ties under random back-pressure, the scores passed on, and the documented pace."""

import numpy as np
from amaranth.sim import Simulator

from axbnn.hwgen.serial_argmax import SerialArgmax

CLASSES = 10


def stream_through(unit, vectors, *, stall, seed=0):
    """``(results, valid cycles)``: ``(label, scores)`` per vector, offered back to back while
    the consumer drops ready with probability ``stall``."""
    rng = np.random.default_rng(seed)
    results, valids = [], []

    async def testbench(ctx):
        sent = cycle = 0
        while len(results) < len(vectors) and cycle < 20 * len(vectors) * CLASSES:
            if sent < len(vectors):
                ctx.set(unit.i.valid, 1)
                for index, score in enumerate(vectors[sent]):
                    ctx.set(unit.i.payload[index], int(score))
            else:
                ctx.set(unit.i.valid, 0)
            ready = rng.random() >= stall
            ctx.set(unit.o.ready, ready)
            *_, taken, valid, payload = await ctx.tick().sample(
                unit.i.ready, unit.o.valid, unit.o.payload)
            sent += bool(taken)
            if valid and ready:
                results.append((int(payload.label), [int(score) for score in payload.scores]))
                valids.append(cycle)
            cycle += 1

    simulator = Simulator(unit)
    simulator.add_clock(1e-6)
    simulator.add_testbench(testbench)
    simulator.run()
    return results, valids


def test_lowest_index_of_the_largest_under_back_pressure():
    """Two-bit scores make ties common; edge vectors put the largest first and last."""
    vectors = np.concatenate([
        [[3, 0, 0, 0, 0, 0, 0, 0, 0, 3], [0] * 9 + [1], [2] * 10],
        np.random.default_rng(0).integers(0, 4, (150, CLASSES))])
    results, _ = stream_through(SerialArgmax(2, CLASSES), vectors, stall=0.4)
    assert [label for label, _ in results] == np.argmax(vectors, axis=1).tolist()
    assert [scores for _, scores in results] == vectors.tolist()


def test_one_vector_every_classes_plus_one_cycles():
    vectors = np.random.default_rng(1).integers(0, 1 << 13, (6, CLASSES))
    unit = SerialArgmax(13, CLASSES)
    results, valids = stream_through(unit, vectors, stall=0.0)
    assert set(np.diff(valids)) == {unit.cycles_per_vector} == {CLASSES + 1}
    assert valids[0] == CLASSES
    assert [label for label, _ in results] == np.argmax(vectors, axis=1).tolist()
