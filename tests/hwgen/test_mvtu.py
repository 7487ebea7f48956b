# amaranth: UnusedElaboratable=no
"""One MVTU in Amaranth's simulator: its outputs equal the golden model's layer, and it takes a
vector every ``cycles_per_vector`` cycles with the documented latency, pipelined tree or not."""

import numpy as np
import pytest

from amaranth_harness import bits_to_int, run_paced

from axbnn.hwgen.config import PopcountConfig
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.mvtu import MVTU
from axbnn.sim.bnn_infer import layer_counts

VECTORS = 5


@pytest.mark.parametrize("layer, pe, simd, plan, in_place", [
    (1, 8, 32, "exact", True), (1, 4, 64, "exact-p2", False), (3, 10, 128, "exact-p1", True),
    (3, 2, 32, "maj_not-c2", False), (3, 5, 64, "exact-p3", True),
])
def test_pace_latency_and_results(layer, pe, simd, plan, in_place):
    model = parse_design("bnn-digits").model
    weights = model.weights[layer - 1]
    thresholds = model.thresholds[layer - 1] if layer < model.depth else None
    chunk = PopcountConfig.from_plan(simd, plan, xnor=True)
    unit = MVTU(weights=weights, thresholds=thresholds, pe=pe, simd=simd, chunk=chunk,
                in_place=in_place)
    vectors = np.random.default_rng(layer).integers(0, 2, (VECTORS, weights.shape[1]),
                                                    dtype=np.uint8)
    transfers, valids, payloads = run_paced(unit, vectors)

    n_out, n_in = weights.shape
    assert unit.cycles_per_vector == (n_out // pe) * (n_in // simd)
    assert set(np.diff(transfers)) == {unit.cycles_per_vector}
    assert set(np.diff(valids)) == {unit.cycles_per_vector}
    # Read in place, a vector is taken with its last chunk; copied, with its first.
    assert transfers[0] == (unit.cycles_per_vector - 1 if in_place else 0)
    assert valids[0] == unit.latency == unit.cycles_per_vector + chunk.latency + 4
    counts = layer_counts(vectors, weights, chunk=chunk)
    if thresholds is None:
        assert [[int(score) for score in payload] for payload in payloads] == counts.tolist()
    else:
        expected = (counts >= thresholds).astype(np.uint8)
        assert [int(payload) for payload in payloads] == [bits_to_int(row) for row in expected]
