"""Packed layer counts against plain arithmetic on unpacked bits."""

import numpy as np
import pytest

from axbnn.hwgen.config import PopcountConfig
from axbnn.sim.bnn_infer import layer_counts
from axbnn.sim.popcount import popcount


def _layer(samples, n_out, n_in, seed):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 2, (samples, n_in), dtype=np.uint8),
            rng.integers(0, 2, (n_out, n_in), dtype=np.uint8))


@pytest.mark.parametrize("samples, n_in", [(1, 64), (70, 96), (200, 130)])
def test_exact_layer_counts_matching_bits(samples, n_in):
    bits, weights = _layer(samples, 9, n_in, n_in)
    expected = bits.astype(int) @ weights.T + (1 - bits.astype(int)) @ (1 - weights.T)
    chunk = PopcountConfig(n_in // 2 if n_in % 2 == 0 else n_in)
    assert (layer_counts(bits, weights, chunk=chunk) == expected).all()


@pytest.mark.parametrize("plan", [{"fa": "maj_not"}, {"counter": "maj4"},
                                  {"fa": "inxa2", "approx_columns": 2}])
def test_approximate_layer_counts_each_chunk_through_its_tree(plan):
    # The hardware's order: XNOR, each SIMD-wide chunk through the plan, chunk counts added.
    config = PopcountConfig(16, **plan)
    bits, weights = _layer(150, 7, 48, 5)
    xnor = 1 - (bits[:, None, :] ^ weights[None, :, :])
    expected = popcount(xnor.reshape(150, 7, 3, 16), plan=config.plan).sum(axis=-1)
    counts = layer_counts(bits, weights, chunk=config)
    assert (counts == expected).all()
    assert (counts != layer_counts(bits, weights, chunk=config.exact())).any()
