"""The MAC engine's golden model against plain integer arithmetic and an independent adder."""

import numpy as np
import pytest

from axbnn.hwgen.designs import parse_design
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.mac_infer import infer, layer_sums, to_signed


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits")


def _plain(model, activations):
    """The exported network in integer arithmetic: no encoding, no adder, no wrap."""
    for weights, biases, shift in zip(model.weights, model.biases, model.shifts):
        activations = np.clip((activations @ weights.T + biases) >> shift, 0,
                              (1 << model.activation_bits) - 1)
    return activations @ model.weights[-1].T + model.biases[-1]


@pytest.mark.parametrize("design", ["bwnn-digits", "pow2-digits", "fixed-digits-4",
                                    "fixed-digits-8", "fixed-digits-16"])
def test_exact_engine_is_the_plain_network(digits, design):
    """Every product unit's lanes, corrections and accumulators give the plain integer network;
    on digits (features 0-16) an input's activation is ``x * 2**bits / 16``, clipped."""
    config = parse_design(design)
    activations = config.model.binarize(digits.x_test)
    result = infer(config, activations)
    scores = _plain(config.model, activations)
    assert np.array_equal(result["scores"] - (1 << (config.score_width - 1)), scores)
    assert np.array_equal(result["labels"], np.argmax(scores, axis=1))
    bits = config.activation_bits
    assert np.array_equal(activations, np.minimum(digits.x_test * (1 << bits - 4),
                                                   (1 << bits) - 1))


def _loa(a, b, width, k):
    """An independent lower-part OR adder on Python integers (two's complement words)."""
    mask = (1 << width) - 1
    a, b = a & mask, b & mask
    low = (a | b) & ((1 << k) - 1)
    carry = (a >> (k - 1)) & (b >> (k - 1)) & 1
    total = ((((a >> k) + (b >> k) + carry) << k) | low) & mask
    return total - (1 << width) if total >> (width - 1) else total


def test_loa_accumulation_is_every_addition_in_order(digits):
    """Each neuron's sum is its initial value, then each product through the LOA in input
    order; the exact sums differ, so the comparison can fail."""
    config = parse_design("bwnn-digits-loa-4")
    weights, initial, adder = config.model.weights[0], config.initial_values[0], config.adders[0]
    activations = config.model.binarize(digits.x_test[:3])
    unit = config.product_unit
    sums = layer_sums(activations, weights, initial, simd=1, adder=adder, unit=unit)
    exact_sums = layer_sums(activations, weights, initial, simd=1, adder=adder.exact(),
                            unit=unit)
    for sample in range(3):
        for neuron in range(0, 64, 7):
            total = int(initial[neuron])
            for a, w in zip(activations[sample], weights[neuron]):
                total = _loa(total, int(a) if w > 0 else ~int(a), adder.width, 4)
            assert sums[sample, neuron] == total
    assert np.mean(sums != exact_sums) > 0.5


def test_to_signed():
    assert to_signed([0, 1, 7, 8, 15, 16], 4).tolist() == [0, 1, 7, -8, -1, 0]
