# amaranth: UnusedElaboratable=no
"""One MAC layer in Amaranth's simulator: its outputs equal the golden model's layer, it takes a
vector every ``cycles_per_vector`` cycles with the documented latency, however it folds and
whether it reads its input in place or copies it."""

import numpy as np
import pytest

from amaranth_harness import run_paced

from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.mac_layer import MACLayer
from axbnn.sim.mac_infer import layer_sums, requantise

VECTORS = 4


@pytest.mark.parametrize("design, layer, pe, simd, in_place", [
    ("bwnn-digits", 1, 16, 1, True), ("bwnn-digits-loa-3", 1, 8, 4, False),
    ("bwnn-digits", 2, 10, 1, True), ("bwnn-digits-maj_not-2", 2, 2, 8, False)])
def test_pace_latency_and_results(design, layer, pe, simd, in_place):
    config = parse_design(design)
    model, index = config.model, layer - 1
    weights, initial = model.weights[index], config.initial_values[index]
    adder = config.adders[index]
    shift = model.shifts[index] if layer < model.depth else None
    bits = model.activation_bits
    product = config.product_unit
    unit = MACLayer(weights=weights, initial=initial, shift=shift, pe=pe, simd=simd, bits=bits,
                    unit=product, adder=adder, in_place=in_place,
                    chunk_width=product.product_width(bits) + (simd - 1).bit_length())
    vectors = np.random.default_rng(layer).integers(0, 1 << bits, (VECTORS, weights.shape[1]))
    transfers, valids, payloads = run_paced(unit, vectors, width=bits)

    n_out, n_in = weights.shape
    assert unit.cycles_per_vector == (n_out // pe) * (n_in // simd)
    assert set(np.diff(transfers)) == set(np.diff(valids)) == {unit.cycles_per_vector}
    # Read in place, a vector is taken with its last chunk; copied, with its first.
    assert transfers[0] == (unit.cycles_per_vector - 1 if in_place else 0)
    assert valids[0] == unit.cycles_per_vector + 3
    sums = layer_sums(vectors, weights, initial, simd=simd, adder=adder, unit=product)
    if shift is None:
        offset = 1 << (adder.width - 1)
        scores = [[int(score) for score in payload] for payload in payloads]
        assert scores == (sums + offset).tolist()
    else:
        words = [[(int(payload) >> (bits * k)) & ((1 << bits) - 1) for k in range(n_out)]
                 for payload in payloads]
        assert words == requantise(sums, shift, bits).tolist()
