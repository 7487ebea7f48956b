"""The 8-bit sign-magnitude MLP: table lookup agrees with the multiplier's arithmetic, the
exact table with plain integer products, and quantisation keeps the float network's accuracy."""

import json

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.mlp_train import MLPOptions, train_float
from axbnn.sim.multiplier import product_table, sign_magnitude_multiply
from axbnn.sim.quant_mlp import (MAGNITUDE, MLPError, QuantMLP, accuracy, encode, exact_products,
                           forward, load_mlp, table_products)


@pytest.fixture(scope="module")
def operands():
    rng = np.random.default_rng(3)
    return (rng.integers(0, MAGNITUDE + 1, (40, 24)),
            rng.integers(-MAGNITUDE, MAGNITUDE + 1, (7, 24)))


def test_encode_is_sign_magnitude():
    assert encode([-127, -1, 0, 1, 127]).tolist() == [255, 129, 0, 1, 127]


def test_exact_table_is_integer_products(operands):
    activations, weights = operands
    np.testing.assert_array_equal(
        table_products(product_table("0000", signed=True))(0, activations, weights),
        activations @ weights.T)


def test_table_lookup_is_the_multiplier(operands):
    activations, weights = operands
    expected = sign_magnitude_multiply(encode(activations)[:, None, :], encode(weights)[None],
                                       blocks="3330").sum(axis=-1)
    np.testing.assert_array_equal(
        table_products(product_table("3330", signed=True))(0, activations, weights), expected)


def test_quantisation_keeps_float_accuracy():
    dataset = load_dataset()
    model = train_float(dataset, MLPOptions(hidden=(32,)))
    hidden = np.maximum(dataset.x_test @ model.weights[0].T + model.biases[0], 0)
    scores = hidden @ model.weights[1].T + model.biases[1]
    floating = np.mean(np.argmax(scores, axis=1) == dataset.y_test)
    assert floating > 0.85
    assert accuracy(model, dataset.x_test, dataset.y_test, exact_products) == pytest.approx(
        floating, abs=0.02)


@pytest.mark.parametrize("options, message", [
    (dict(hidden=(0,)), r"^MLP hidden sizes must be positive integers, not \(0,\)$"),
    (dict(epochs=0), r"^MLP epochs must be a positive integer, not 0$"),
])
def test_bad_options(options, message):
    with pytest.raises(ValueError, match=message):
        MLPOptions(**options)


def test_saved_mlp_runs_as_the_trained_one(tmp_path):
    dataset = load_dataset()
    model = train_float(dataset, MLPOptions(hidden=(32,), epochs=2))
    model.save(tmp_path / "mlp.npz")
    loaded = load_mlp(tmp_path / "mlp.npz")
    products = table_products(product_table("3330", signed=True))
    np.testing.assert_array_equal(forward(loaded, dataset.x_test, products)[0],
                                  forward(model, dataset.x_test, products)[0])
    assert loaded.metadata == {"dataset": "digits", "seed": 0, "epochs": 2}


def test_bad_mlp_files(tmp_path):
    model = train_float(load_dataset(), MLPOptions(hidden=(8,), epochs=1))
    np.savez(tmp_path / "short.npz", weights0=model.weights[0], biases0=model.biases[0])
    with pytest.raises(MLPError, match=r"^MLP file .*short.npz lacks input_scale$"):
        load_mlp(tmp_path / "short.npz")
    with pytest.raises(MLPError, match=r"^MLP weights must be \(n_out, n_in\) matrices that "
                                       r"chain"):
        QuantMLP(model.weights[::-1], model.biases, 1.0, [1.0, 1.0], [1.0])
    with pytest.raises(MLPError, match=r"needs one input scale, 2 weight scales and 1 "
                                       r"activation scales, all positive$"):
        QuantMLP(model.weights, model.biases, 1.0, [1.0, 0.0], [1.0])


def test_cli_predicts_a_trained_mlp_file(tmp_path, capsys):
    path = tmp_path / "mlp.npz"
    assert main(["train-mlp", "--hidden", "32", "--epochs", "5", "-o", str(path)]) == 0
    assert "64-32-10, quantised test accuracy" in capsys.readouterr().out
    assert main(["predict", "smul8-2222", "--weights", str(path), "--check", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    dataset = load_dataset()
    assert result["network"] == "64-32-10"
    assert result["simulated_accuracy"] == accuracy(
        load_mlp(path), dataset.x_test, dataset.y_test,
        table_products(product_table("2222", signed=True)))
    assert main(["predict", "smul8-2222", "--pe", "2"]) == 2
    assert ("smul8-2222: --weights, --pe, --simd and --popcount apply to bnn engines"
            in capsys.readouterr().err)
