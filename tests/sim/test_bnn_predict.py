"""Accuracy prediction from the error model: exact where the model has no error, close to
bit-exact simulation where it has, and its argmax probability right on small cases."""

import itertools
import json

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.hwgen.designs import parse_design
from axbnn.sim.bnn_infer import accuracy, infer, layer_counts
from axbnn.sim.bnn_predict import flip_probabilities, label_probability, predict_accuracy


def test_zero_error_plan_reproduces_exact_inference(test_split):
    config = parse_design("bnn-digits")
    assert predict_accuracy(config, *test_split, draws=1) == pytest.approx(
        accuracy(config, *test_split), abs=1e-12)


@pytest.mark.parametrize("design, tolerance", [("bnn-digits-maj_not-c1", 0.05),
                                               ("bnn-digits-maj_not-l2", 0.06),
                                               ("bnn-digits-maj_not-c2", 0.02),
                                               ("bnn-digits-sat4", 0.02)])
def test_prediction_is_near_bit_exact_accuracy(design, tolerance, test_split):
    """Measured on the 4-level digits network: -4.0, -5.2, -1.0 and +0.7 points (-0.8, -0.5,
    +3.6 on the 1-level network of wave 1); the model assumes every input vector with the same
    count is as likely, which real XNOR patterns are not."""
    # The folding the figures were measured on: an approximate tree's error depends on its width.
    config = parse_design(design).replace(pe=(4, 4, 2), simd=32)
    assert predict_accuracy(config, *test_split) == pytest.approx(
        accuracy(config, *test_split), abs=tolerance)


def test_argmax_probability_against_enumeration():
    """Three classes with small independent score distributions: every outcome enumerated,
    the lowest index winning ties."""
    rng = np.random.default_rng(1)
    distributions = rng.random((1, 3, 4))
    distributions /= distributions.sum(axis=-1, keepdims=True)
    for label in range(3):
        expected = sum(np.prod([distributions[0, c, v] for c, v in enumerate(scores)])
                       for scores in itertools.product(range(4), repeat=3)
                       if int(np.argmax(scores)) == label)
        assert label_probability(distributions, np.array([label]))[0] == pytest.approx(
            expected, abs=1e-12)


def test_cli_predict_json(capsys):
    assert main(["predict", "bnn-digits", "--popcount", "maj_not-c1", "--check", "--json",
                 "--draws", "1"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["design"] == "bnn-digits-maj_not-c1" and result["images"] == 360
    for key in ("predicted_accuracy", "simulated_accuracy"):
        assert 0 <= result[key] <= 1
    assert result["predict_seconds"] > 0 and result["simulate_seconds"] > 0


@pytest.mark.parametrize("design", ["bnn-digits", "bnn-digits-maj_not-l1",
                                    "bnn-digits-maj_not-c2"])
def test_flip_probability_against_bit_exact_flips(design, test_split):
    """Each layer fed the exact network's bits: the mean predicted flip probability is within
    0.01 of the fraction of neuron outputs the engine's popcount flips (measured: 0.219 vs
    0.213 and 0.105 vs 0.105 for -l1; 0.345 vs 0.344 and 0.264 vs 0.267 for -c2)."""
    config, (bits, _) = parse_design(design), test_split
    predicted = flip_probabilities(config, bits)
    exact_layers = infer(config.exact(), bits)["layers"]
    for inputs, exact, weights, thresholds, chunk, flips in zip(
            [bits, *exact_layers[:-1]], exact_layers, config.model.weights,
            config.model.thresholds, config.chunks, predicted):
        measured = np.mean((layer_counts(inputs, weights, chunk=chunk) >= thresholds) != exact)
        assert flips.shape == thresholds.shape and float(flips.mean()) == pytest.approx(
            measured, abs=0.01)
