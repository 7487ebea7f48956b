"""The MAC accumulator error model: its tables against plain arithmetic, its exact parts against
the golden model, its prediction against bit-exact simulation."""

import itertools
import json

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.hwgen.config import AdderConfig
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.product_unit import BinaryProduct
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.mac_infer import accuracy, layer_sums
from axbnn.sim.mac_predict import (adder_tables, history_tables, layer_errors,
                                   predict_accuracy)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_loa_tables_are_the_or_of_the_low_bits_and_the_top_carry(k):
    g, f = adder_tables(AdderConfig(8, "loa", k))
    for s, v in itertools.product(range(1 << k), repeat=2):
        carry = (s >> (k - 1)) & (v >> (k - 1)) & 1
        assert f[s, v] == s | v
        assert g[s, v] == (carry << k) + (s | v) - (s + v)


def test_history_tables_carry_the_prior_through_each_addend():
    tables = g, f = adder_tables(AdderConfig(8, "maj_not", 2))
    prior = np.array([0.1, 0.2, 0.3, 0.4])
    table = history_tables(tables, prior, 2)
    for u1, u2, v in itertools.product(range(4), repeat=3):
        expected = sum(p * g[f[f[s, u1], u2], v] for s, p in enumerate(prior))
        assert table[(u1 * 4 + u2) * 4 + v] == pytest.approx(expected)


@pytest.mark.parametrize("simd", [1, 2])
def test_exact_accumulators_and_a_short_layer_are_bit_exact(simd):
    rng = np.random.default_rng(1)
    activations = rng.integers(0, 16, (50, 4 * simd))
    weights = rng.choice([-1, 1], (6, 4 * simd))
    initial = rng.integers(-40, 40, 6)
    for kind in ("loa", "maj_not"):
        adder = AdderConfig(12, kind, 3)
        exact, error = layer_errors(activations, weights, initial, simd=simd, adder=adder)
        assert np.array_equal(exact, layer_sums(activations, weights, initial, simd=simd,
                                                adder=adder.exact(), unit=BinaryProduct()))
        if simd == 1:  # four additions: all followed exactly from the initial value
            assert np.array_equal(exact + error, layer_sums(
                activations, weights, initial, simd=1, adder=adder, unit=BinaryProduct()))


def test_predicts_every_front_adder_within_a_point_of_bit_exact():
    data = load_dataset("digits")
    exact = parse_design("bwnn-digits")
    activations = exact.model.binarize(data.x_test)
    for plan in exact.FRONT_PLANS:
        config = exact.with_plan(plan)
        predicted = predict_accuracy(config, activations, data.y_test)
        assert abs(predicted - accuracy(config, activations, data.y_test)) <= 0.01, plan
    assert predict_accuracy(exact, activations, data.y_test) == accuracy(exact, activations,
                                                                         data.y_test)


def test_cli_gives_the_prediction_keys(capsys):
    assert main(["predict", "bwnn-digits-maj_not-3", "--check", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {"predicted_accuracy", "simulated_accuracy", "predict_seconds",
            "simulate_seconds"} <= result.keys()
    assert abs(result["predicted_accuracy"] - result["simulated_accuracy"]) <= 0.01


def test_without_history_the_prediction_misses(monkeypatch):
    """The check above can fail: conditioned on no preceding addend, maj_not-3 is far off."""
    monkeypatch.setattr("axbnn.sim.mac_predict.MAX_HISTORY", 0)
    data = load_dataset("digits")
    config = parse_design("bwnn-digits-maj_not-3")
    activations = config.model.binarize(data.x_test)
    assert abs(predict_accuracy(config, activations, data.y_test)
               - accuracy(config, activations, data.y_test)) > 0.05
