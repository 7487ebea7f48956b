# amaranth: UnusedElaboratable=no
"""One MVTU in Amaranth's simulator: its outputs equal the golden model's layer, and it takes a
vector every ``cycles_per_vector`` cycles with the documented latency, pipelined tree or not."""

import numpy as np
import pytest
from amaranth.sim import Simulator

from amaranth_harness import bits_to_int

from axbnn.hwgen.config import PopcountConfig
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.mvtu import MVTU
from axbnn.sim.bnn_infer import layer_counts

VECTORS = 5


def run_mvtu(unit, vectors):
    """``(transfer cycles, first-valid cycles, payloads)`` with input always offered and the
    output always taken: the unit's own pace."""
    transfers, valids, payloads = [], [], []

    async def testbench(ctx):
        ctx.set(unit.o.ready, 1)
        cycle = sent = 0
        while len(valids) < len(vectors) and cycle < 1000:
            ctx.set(unit.i.valid, sent < len(vectors))
            ctx.set(unit.i.payload, bits_to_int(vectors[min(sent, len(vectors) - 1)]))
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


@pytest.mark.parametrize("layer, pe, simd, plan", [
    (1, 4, 32, "exact"), (1, 2, 64, "exact-p2"), (3, 10, 128, "exact-p1"),
    (3, 2, 32, "maj_not-c2"), (3, 5, 64, "exact-p3"),
])
def test_pace_latency_and_results(layer, pe, simd, plan):
    model = parse_design("bnn-digits").model
    weights = model.weights[layer - 1]
    thresholds = model.thresholds[layer - 1] if layer < model.depth else None
    chunk = PopcountConfig.from_plan(simd, plan, xnor=True)
    unit = MVTU(weights=weights, thresholds=thresholds, pe=pe, simd=simd, chunk=chunk)
    vectors = np.random.default_rng(layer).integers(0, 2, (VECTORS, weights.shape[1]),
                                                    dtype=np.uint8)
    transfers, valids, payloads = run_mvtu(unit, vectors)

    n_out, n_in = weights.shape
    assert unit.cycles_per_vector == (n_out // pe) * (n_in // simd)
    assert set(np.diff(transfers)) == {unit.cycles_per_vector}
    assert set(np.diff(valids)) == {unit.cycles_per_vector}
    assert valids[0] - transfers[0] == unit.latency == (unit.cycles_per_vector
                                                        + chunk.latency + 4)
    counts = layer_counts(vectors, weights, chunk=chunk)
    if thresholds is None:
        assert [[int(score) for score in payload] for payload in payloads] == counts.tolist()
    else:
        expected = (counts >= thresholds).astype(np.uint8)
        assert [int(payload) for payload in payloads] == [bits_to_int(row) for row in expected]
