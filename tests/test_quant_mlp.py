"""The 8-bit sign-magnitude MLP: table lookup agrees with the multiplier's arithmetic, the
exact table with plain integer products, and quantisation keeps the float network's accuracy."""

import numpy as np
import pytest

from sim.bnn_data import load_dataset
from sim.mlp_train import MLPOptions, train_float
from sim.multiplier import product_table, sign_magnitude_multiply
from sim.quant_mlp import MAGNITUDE, accuracy, encode, exact_products, table_products


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
