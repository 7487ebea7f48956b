"""Layer error models of the 8-bit MLP: measured statistics are the bit-exact network's, the
injected noise has them, and the predicted accuracy is near the bit-exact one."""

import json

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.sim.layer_error_model import measure, noisy_products, predict_accuracy
from axbnn.sim.multiplier import product_table
from axbnn.sim.quant_mlp import accuracy, encode, exact_products, forward, table_products


def test_correlated_model_measures_the_bit_exact_error(network):
    dataset, model = network
    table, x = product_table("2222", signed=True), dataset.x_train[:200]
    errors = measure(model, x, table)
    _, layers = forward(model, x, table_products(table))
    activations, approximate, _ = layers[1]  # the last layer, on the approximate hidden layer
    exact = exact_products(1, activations, model.quantised_weights()[1])
    error = approximate - exact
    np.testing.assert_allclose(errors[1].mu, error.mean(axis=0))
    np.testing.assert_allclose(errors[1].sigma, error.std(axis=0))
    for neuron in range(3):
        assert errors[1].rho[neuron] == pytest.approx(
            np.corrcoef(exact[:, neuron], error[:, neuron])[0, 1], abs=1e-9)


def test_injected_noise_has_the_measured_moments_and_correlation(network):
    """The measured samples drawn 40 times each: mean within 4 standard errors, deviation
    within 3%, correlation with the exact accumulator within 0.03, neuron by neuron."""
    dataset, model = network
    x = dataset.x_train[:300]
    errors = measure(model, x, product_table("2222", signed=True))
    activations = np.repeat(model.quantise_inputs(x), 40, axis=0)
    weights = model.quantised_weights()[0]
    exact = exact_products(0, activations, weights)
    noise = noisy_products(errors, np.random.default_rng(0))(0, activations, weights) - exact
    e, checked = errors[0], 0
    for neuron in np.flatnonzero((e.sigma > 0) & (e.y_std > 0)):
        sample = noise[:, neuron]
        assert sample.mean() == pytest.approx(e.mu[neuron],
                                              abs=4 * e.sigma[neuron] / np.sqrt(len(sample)))
        assert sample.std() == pytest.approx(e.sigma[neuron], rel=0.03)
        assert np.corrcoef(exact[:, neuron], sample)[0, 1] == pytest.approx(e.rho[neuron],
                                                                            abs=0.03)
        checked += 1
    assert checked > 16


def test_moment_model_against_monte_carlo(network):
    """K times one product's error, over operand codes drawn independently from the layer's
    activations and weights: mean within 4 standard errors, deviation within 3%."""
    dataset, model = network
    table, x = product_table("2222", signed=True), dataset.x_train[:200]
    errors = measure(model, x, table, kind="moments")
    activations, weights = model.quantise_inputs(x), model.quantised_weights()[0]
    rng = np.random.default_rng(1)
    a, w = rng.choice(activations.ravel(), 200_000), rng.choice(weights.ravel(), 200_000)
    per_product = table[encode(a), encode(w)] - a * w
    fan_in = weights.shape[1]
    assert errors[0].mu == pytest.approx(
        fan_in * per_product.mean(), abs=4 * fan_in * per_product.std() / np.sqrt(a.size))
    assert errors[0].sigma == pytest.approx(np.sqrt(fan_in) * per_product.std(), rel=0.03)
    assert not errors[0].rho.any()


def test_exact_multiplier_has_no_error_and_predicts_exactly(network):
    dataset, model = network
    errors = measure(model, dataset.x_train[:100], product_table("0000", signed=True))
    assert all(not e.mu.any() and not e.sigma.any() for e in errors)
    assert predict_accuracy(model, dataset.x_test, dataset.y_test, errors, draws=1) == \
        accuracy(model, dataset.x_test, dataset.y_test, exact_products)


@pytest.mark.parametrize("blocks", ["3330", "2222"])
def test_prediction_near_bit_exact(blocks, network):
    """Within 2 points on digits (measured: see the closing note of issue 5)."""
    dataset, model = network
    table = product_table(blocks, signed=True)
    errors = measure(model, dataset.x_train[:256], table)
    assert predict_accuracy(model, dataset.x_test, dataset.y_test, errors) == pytest.approx(
        accuracy(model, dataset.x_test, dataset.y_test, table_products(table)), abs=0.02)


def test_bad_model_kind(network):
    dataset, model = network
    with pytest.raises(ValueError, match=r"^Layer error model must be one of correlated, "
                                         r"moments, not 'flat'$"):
        measure(model, dataset.x_train[:10], product_table("0000", signed=True), kind="flat")


@pytest.mark.slow
def test_cli_predict_smul8_json(capsys):
    assert main(["predict", "smul8-3330", "--check", "--json", "--draws", "1",
                 "--layer-model", "moments"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["design"], result["layer_model"], result["images"]) == (
        "smul8-3330", "moments", 360)
    assert abs(result["predicted_accuracy"] - result["simulated_accuracy"]) < 0.02


def test_cli_predict_needs_a_network_design(capsys):
    assert main(["predict", "mul8-3330"]) == 2
    assert capsys.readouterr().err.strip() == (
        "axbnn: error: predict needs the sign-magnitude multiplier smul8-3330 of an 8-bit MLP, "
        "not mul8-3330")
    assert main(["predict", "add-16-loa-4"]) == 2
    assert capsys.readouterr().err.strip() == (
        "axbnn: error: add-16-loa-4: predict needs a bnn or bwnn engine or an smul8 or smmul8 "
        "multiplier")
