"""Training and export: batch norm folds exactly into thresholds, the exported network keeps the
trained network's decisions, and the golden inference follows the engine's chunked order."""

import shlex

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.hwgen.bnn_model import load_model
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.models import RECIPES, SHIPPED_MODELS
from axbnn.sim.bnn_data import DIGITS_TRAIN, DataError, Dataset, load_dataset
from axbnn.sim.bnn_infer import infer, infer_model
from axbnn.sim.bnn_train import TrainOptions, _Network, export, train
from axbnn.sim.count_noise import COUNT_SOURCES


def test_export_folds_batch_norm_exactly():
    rng = np.random.default_rng(4)
    network = _Network.initial((12, 9, 5), rng)
    network.gamma[0] = np.array([1.5, -0.7, 0.0, 0.0, 2.0, -3.0, 0.4, -0.2, 1.0])
    network.beta[0] = np.array([0.3, 0.2, 0.5, -0.5, -4.0, 0.1, 0.0, -0.3, 9.0])
    network.mean[0] = rng.normal(0, 2, 9)
    network.var[0] = rng.uniform(0.5, 4, 9)
    model = export(network, (0.5,), {})
    bits = rng.integers(0, 2, (500, 12), dtype=np.uint8)
    # The float network's hidden decisions, in plain arithmetic.
    z = (2.0 * bits - 1) @ np.where(network.weights[0] >= 0, 1.0, -1.0).T
    y = network.gamma[0] * (z - network.mean[0]) / np.sqrt(network.var[0] + 1e-5) + network.beta[0]
    p = (bits[:, None, :] == model.weights[0][None]).sum(axis=2)
    np.testing.assert_array_equal(p >= model.thresholds[0], y >= 0)


def test_training_on_toy_data_exports_what_it_learned():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, (400, 16)).astype(float)
    y = (x[:, :8].sum(axis=1) > x[:, 8:].sum(axis=1)).astype(np.int64)
    dataset = Dataset("toy", x[:300], y[:300], x[300:], y[300:], 1.0)
    lines = []
    model, history = train(dataset, TrainOptions(layers=(16, 32, 2), epochs=15),
                           progress=lambda epoch, epochs, line: lines.append(line))
    assert len(lines) == len(history) == 15 and lines[-1].startswith("epoch 15/15: loss ")
    assert model.metadata["test_accuracy"] == model.metadata["float_test_accuracy"]
    assert model.metadata["test_accuracy"] > 0.8


def test_digits_golden_inference():
    dataset, config = load_dataset(), parse_design("bnn-digits")
    assert (len(dataset.y_train), len(dataset.y_test)) == (DIGITS_TRAIN, 360)
    bits = config.model.binarize(dataset.x_test)
    exact = infer(config, bits)
    # Plain arithmetic, no chunks and no plans, agrees with the exact engine's model.
    hidden = bits
    for weights, thresholds in zip(config.model.weights, config.model.thresholds):
        hidden = ((hidden[:, None, :] == weights[None]).sum(axis=2) >= thresholds)
        hidden = hidden.astype(np.uint8)
    scores = (hidden[:, None, :] == config.model.weights[-1][None]).sum(axis=2)
    np.testing.assert_array_equal(exact["scores"], scores)
    assert np.mean(exact["labels"] == dataset.y_test) == config.model.metadata["test_accuracy"]
    approximate = infer(parse_design("bnn-digits-maj_not-c2"), bits)
    assert not np.array_equal(approximate["scores"], exact["scores"])


def test_layers_must_fit_the_data():
    with pytest.raises(ValueError, match=r"^Layers must start with the data set's 128 input bits "
                                         r"\(64 features x 2 levels\) and end with its 10 "
                                         r"classes, not \(64, 32, 10\)$"):
        train(load_dataset(), TrainOptions(layers=(64, 32, 10), epochs=1, input_levels=2))
    toy = Dataset("toy", np.zeros((4, 3)), np.arange(4), np.zeros((2, 3)), np.arange(2), 1.0)
    with pytest.raises(ValueError, match=r"^Shift needs images, and the features of toy are "
                                         r"not$"):
        train(toy, TrainOptions(epochs=1, shift=True))


def test_thermometer_levels_spread_over_the_full_scale():
    digits = load_dataset()
    assert digits.input_thresholds(1) == (8.0,)
    assert digits.input_thresholds(3) == (4.0, 8.0, 12.0)


def test_shifted_images_move_by_at_most_a_pixel():
    """Every shifted image is its original moved by one of the nine offsets, zeros coming in."""
    digits = load_dataset()
    images = digits.x_train[:200]
    shifted = digits.shifted(images, np.random.default_rng(0)).reshape(-1, 8, 8)
    padded = np.pad(images.reshape(-1, 8, 8), ((0, 0), (1, 1), (1, 1)))
    offsets = [[np.array_equal(s, p[dy:dy + 8, dx:dx + 8]) for dy in range(3) for dx in range(3)]
               for s, p in zip(shifted, padded)]
    assert all(any(row) for row in offsets)
    assert len({row.index(True) for row in offsets}) == 9


def test_data_file_errors(tmp_path):
    np.savez(tmp_path / "a.npz", x_train=np.zeros((4, 3)), y_train=np.zeros(4, dtype=int),
             x_test=np.zeros((2, 3)))
    with pytest.raises(DataError, match=r"it lacks y_test$"):
        load_dataset(tmp_path / "a.npz")
    np.savez(tmp_path / "b.npz", x_train=np.zeros((4, 3)), y_train=np.zeros(4),
             x_test=np.zeros((2, 3)), y_test=np.zeros(2, dtype=int))
    with pytest.raises(DataError, match=r"y_train must be 4 integer labels, not float64"):
        load_dataset(tmp_path / "b.npz")


@pytest.mark.slow
def test_zero_error_engine_reproduces_exact_training():
    dataset = load_dataset()
    options = TrainOptions(layers=(256, 256, 128, 10), epochs=3, input_levels=4)
    exact, _ = train(dataset, options)
    for injection in COUNT_SOURCES:
        aware, _ = train(dataset, options, engine=parse_design("bnn-digits"),
                         injection=injection)
        for ours, theirs in zip(aware.weights + aware.thresholds,
                                exact.weights + exact.thresholds):
            np.testing.assert_array_equal(ours, theirs)
        assert aware.metadata["engine_test_accuracy"] == exact.metadata["test_accuracy"]


@pytest.mark.slow
@pytest.mark.parametrize("injection", COUNT_SOURCES)
def test_approximation_aware_training_beats_exact_training_on_the_engine(injection):
    """The small model's engine with maj_not-l1, 20 epochs, bit-exact on the engine: exact
    training 52.8%, the error table 79.2%, the compressor tree in the loop 84.4%."""
    engine = parse_design("bnn-digits-small-maj_not-l1")
    dataset = load_dataset()
    options = TrainOptions(layers=engine.model.layers, epochs=20, input_levels=2)
    exact, _ = train(dataset, options)
    bits = exact.binarize(dataset.x_test)
    on_engine = np.mean(infer_model(exact, engine.chunks, bits)["labels"] == dataset.y_test)
    aware, _ = train(dataset, options, engine=engine, injection=injection)
    assert aware.metadata["engine"] == engine.name
    assert aware.metadata["engine_test_accuracy"] > on_engine + 0.01


def test_bad_injection():
    with pytest.raises(ValueError, match=r"^Injection must be one of table, bit_exact, "
                                         r"not 'flips'$"):
        train(load_dataset(), TrainOptions(epochs=1), engine=parse_design("bnn-digits"),
              injection="flips")


def test_engine_layers_must_match():
    with pytest.raises(ValueError, match=r"^Layers must be the engine's \(256, 256, 128, 10\) "
                                         r"to train for bnn-digits, not \(64, 32, 10\)$"):
        train(load_dataset(), TrainOptions(layers=(64, 32, 10), epochs=1),
              engine=parse_design("bnn-digits"))


@pytest.mark.slow
def test_cli_trains_for_an_engine(tmp_path, capsys):
    path = tmp_path / "aware.npz"
    assert main(["train", "--popcount", "maj_not-l1", "--injection", "bit_exact", "--epochs",
                 "2", "-o", str(path)]) == 0
    assert "on bnn-digits-maj_not-l1's engine (bit-exact)" in capsys.readouterr().out
    metadata = load_model(path).metadata
    assert (metadata["engine"], metadata["injection"]) == ("bnn-digits-maj_not-l1", "bit_exact")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SHIPPED_MODELS))
def test_shipped_model_is_rebuilt_bit_for_bit_by_its_recipe(name, tmp_path, capsys):
    arguments = shlex.split(RECIPES[name])
    arguments[arguments.index("-o") + 1] = str(tmp_path / f"{name}.npz")
    assert main(arguments) == 0
    rebuilt, shipped = load_model(tmp_path / f"{name}.npz"), load_model(SHIPPED_MODELS[name])
    assert rebuilt.sha256 == shipped.sha256
    assert rebuilt.metadata["test_accuracy"] == shipped.metadata["test_accuracy"]
