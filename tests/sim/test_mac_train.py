"""Training for the MAC engine: what it evaluates is what the exported model computes."""

import shlex

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.errors import InputError
from axbnn.hwgen.mac_model import load_mac_model
from axbnn.hwgen.models import MAC_MODELS, RECIPES
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.mac_infer import accuracy
from axbnn.sim.mac_train import MACTrainOptions, train_mac, train_mac_for


@pytest.mark.parametrize("design, product, bits, name", [
    ("bwnn-digits", "binary", 4, "bwnn-small"),
    ("pow2-digits", "power_of_two", 4, "pow2-small"),
    ("fixed-digits-16", "fixed16", 16, "fixed-small-16")])
def test_trained_accuracy_is_the_exported_engines(tmp_path, design, product, bits, name):
    dataset = load_dataset("digits")
    model = train_mac(dataset, MACTrainOptions(hidden=(16,), epochs=2, activation_bits=bits,
                                               product=product))
    path = tmp_path / "small.npz"
    model.save(path)
    config = parse_design(design).replace(weights=str(path))
    assert config.name == name and parse_design(name.replace("small", "digits")) is not None
    activations = model.binarize(dataset.x_test)
    assert accuracy(config, activations, dataset.y_test) == model.metadata["test_accuracy"]


def test_a_fixed_engine_trains_only_at_its_width():
    with pytest.raises(InputError, match=r"^Training: Fixed-point products of width 8 take "
                                         r"activations of 8 bits, not 4$"):
        train_mac_for(parse_design("fixed-digits-8"), load_dataset("digits"))


def test_train_mac_takes_the_engines_activation_bits_by_default(tmp_path, capsys):
    assert main(["train-mac", "fixed-digits-8", "--hidden", "8", "--epochs", "1",
                 "-o", str(tmp_path / "m.npz")]) == 0
    assert load_mac_model(tmp_path / "m.npz").activation_bits == 8


def test_training_through_an_approximate_adder_reports_its_bit_exact_accuracy(tmp_path):
    dataset = load_dataset("digits")
    engine = parse_design("bwnn-digits-maj_not-3")
    model = train_mac_for(engine, dataset, MACTrainOptions(epochs=1))
    path = tmp_path / "aware.npz"
    model.save(path)
    aware = engine.replace(weights=str(path))
    activations = model.binarize(dataset.x_test)
    assert model.metadata["engine"] == "bwnn-digits-maj_not-3"
    assert accuracy(aware, activations, dataset.y_test) == model.metadata["engine_test_accuracy"]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MAC_MODELS))
def test_shipped_model_is_rebuilt_bit_for_bit_by_its_recipe(name, tmp_path):
    arguments = shlex.split(RECIPES[name])
    arguments[arguments.index("-o") + 1] = str(tmp_path / "m.npz")
    assert main(arguments) == 0
    rebuilt = load_mac_model(tmp_path / "m.npz")
    shipped = load_mac_model(MAC_MODELS[name])
    assert rebuilt.sha256 == shipped.sha256
    assert np.isclose(rebuilt.metadata["test_accuracy"], shipped.metadata["test_accuracy"])
