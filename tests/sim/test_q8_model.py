"""The 8-bit MAC engine's networks: the golden model against the integer network in plain
Python, the conversion against the QuantMLP it comes from, and the shipped models' recipes."""

import shlex

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.mac_model import load_mac_model
from axbnn.hwgen.models import MAC_MODELS, RECIPES
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.mac_infer import infer
from axbnn.sim.mlp_train import MLPOptions, train_float
from axbnn.sim.q8_model import from_mlp
from axbnn.sim.quant_mlp import forward, table_products
from axbnn.sim.units import product_table


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits")


def _plain_scores(model, activations, multiplier):
    """The integer network with Python integers: each accumulator through the QuantMLP's
    product-table lookup, requantised as ``floor(acc * scale / 2**shift + 1/2)`` clipped."""
    products = table_products(product_table(parse_design(multiplier)))
    for k, (weights, biases) in enumerate(zip(model.weights, model.biases)):
        sums = products(k, activations, weights).astype(np.int64) + biases
        if k == model.depth - 1:
            return sums
        scale, shift = model.scales[k], model.shifts[k]
        activations = np.array([[min(max((2 * int(acc) * scale + (1 << shift)) >> (shift + 1), 0),
                                     127) for acc in row] for row in sums], dtype=np.int64)


@pytest.mark.parametrize("design, multiplier", [("q8-digits", "smul8-0000"),
                                                ("q8-digits_3330-3330", "smul8-3330")])
def test_golden_model_is_the_plain_integer_network(digits, design, multiplier):
    config = parse_design(design)
    activations = config.model.binarize(digits.x_test)
    scores = infer(config, activations)["scores"] - (1 << (config.score_width - 1))
    assert np.array_equal(scores, _plain_scores(config.model, activations, multiplier))


def test_a_wrong_multiplier_or_scale_is_caught(digits):
    """Fault injection: the same check fails for the exact table on the 3330 engine and for a
    scale one off."""
    config = parse_design("q8-digits_3330-3330")
    activations = config.model.binarize(digits.x_test)
    scores = infer(config, activations)["scores"] - (1 << (config.score_width - 1))
    assert not np.array_equal(scores, _plain_scores(config.model, activations, "smul8-0000"))
    model = config.model
    wrong = type(model)(**{**model.__dict__, "scales": (model.scales[0] + 1,)})
    assert not np.array_equal(scores, _plain_scores(wrong, activations, "smul8-3330"))


def test_conversion_keeps_the_mlps_classes(digits):
    mlp = train_float(digits, MLPOptions(hidden=(32,), epochs=10, seed=1))
    model = from_mlp(mlp)
    products = table_products(product_table(parse_design("smul8-3330")))
    expected = np.argmax(forward(mlp, digits.x_test, products)[0], axis=1)
    labels = np.argmax(_plain_scores(model, model.binarize(digits.x_test), "smul8-3330"), axis=1)
    assert np.mean(labels == expected) >= 0.99
    assert np.array_equal(model.binarize(digits.x_test), mlp.quantise_inputs(digits.x_test))


@pytest.mark.parametrize("name", ["q8-digits", "q8-digits_3330"])
def test_shipped_model_is_rebuilt_bit_for_bit_by_its_recipe(tmp_path, name):
    arguments = shlex.split(RECIPES[name])
    arguments[arguments.index("-o") + 1] = str(tmp_path / "m.npz")
    assert main(arguments) == 0
    rebuilt, shipped = load_mac_model(tmp_path / "m.npz"), load_mac_model(MAC_MODELS[name])
    assert rebuilt.sha256 == shipped.sha256 and rebuilt.metadata == shipped.metadata
    # The integer engine classifies within one test image of the QuantMLP it comes from.
    assert abs(shipped.metadata["engine_test_accuracy"]
               - shipped.metadata["mlp_test_accuracy"]) <= 1 / 360 + 1e-12


def test_bias_tuning_measures_the_multiplier_against_the_exact_one(digits):
    from axbnn.sim.mac_tuning import tune_biases

    exact = parse_design("q8-digits")
    unchanged = tune_biases(exact, digits)
    assert all(np.array_equal(a, b) for a, b in zip(unchanged.biases, exact.model.biases))
    tuned = tune_biases(exact.with_plan("3333"), digits)
    assert any(not np.array_equal(a, b) for a, b in zip(tuned.biases, exact.model.biases))
