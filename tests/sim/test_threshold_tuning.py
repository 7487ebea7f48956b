"""Threshold tuning: no shift where the popcount is exact, the error model's expected bias equal
to the compressor tree's on the inputs the model assumes, and a tuned network that loses less
on the approximate engine and runs unchanged through the generator's path."""

import json

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.hwgen.designs import parse_design
from axbnn.sim.bnn_infer import accuracy
from axbnn.sim.bnn_predict import count_tables
from axbnn.sim.count_noise import COUNT_SOURCES
from axbnn.sim.threshold_tuning import neuron_biases, tune_thresholds


@pytest.mark.parametrize("source", COUNT_SOURCES)
def test_an_exact_popcount_moves_no_threshold(source, digits):
    config = parse_design("bnn-digits")
    tuned = tune_thresholds(config, digits, source=source)
    for new, trained in zip(tuned.thresholds, config.model.thresholds):
        np.testing.assert_array_equal(new, trained)
    assert tuned.metadata["engine_test_accuracy"] == tuned.metadata["test_accuracy"]


@pytest.mark.slow
def test_table_bias_equals_tree_bias_on_uniform_inputs():
    """The table assumes every input vector of a count equally likely, as uniform random
    images make them: its expected bias per first-layer neuron must then match the bias the
    tree counts, within four standard errors of the tree's mean."""
    config = parse_design("bnn-digits-maj_not-c2")
    bits = np.random.default_rng(3).integers(0, 2, (4000, config.input_bits), dtype=np.uint8)
    table_bias = neuron_biases(config, bits, source="table")[0]
    tree_bias = neuron_biases(config, bits, source="bit_exact")[0]
    # The spread of one image's bias, from the table's variance per chunk count, over a
    # neuron's chunks.
    table = count_tables(config)[0]
    values = np.arange(table.shape[1])
    chunks = config.folds[0][1]
    spread = np.sqrt(np.max(table @ values**2 - (table @ values) ** 2) * chunks)
    assert np.all(np.abs(table_bias - tree_bias) < 4 * spread / np.sqrt(len(bits)))
    assert np.abs(tree_bias).max() > 0.2  # the plan is biased: the check has something to see


@pytest.mark.parametrize("source, before, after", [("table", 0.7778, 0.8639),
                                                   ("bit_exact", 0.7778, 0.8889)])
def test_tuning_recovers_accuracy_on_the_engine(source, before, after, digits):
    # The folding the figures were measured on: an approximate tree's error depends on its width.
    config = parse_design("bnn-digits-maj_not-l1").replace(pe=(4, 4, 2), simd=32)
    bits = config.model.binarize(digits.x_test)
    assert accuracy(config, bits, digits.y_test) == pytest.approx(before, abs=1e-4)
    tuned = tune_thresholds(config, digits, source=source)
    assert tuned.metadata["engine_test_accuracy"] == pytest.approx(after, abs=1e-4)
    assert tuned.metadata["engine"] == config.name and tuned.metadata["threshold_bias"] == source


def test_maj_not_counts_high_so_thresholds_rise(digits):
    tuned = tune_thresholds(parse_design("bnn-digits-maj_not"), digits)
    assert all(shift > 1 for shift in tuned.metadata["mean_threshold_shift"])


@pytest.mark.slow
def test_cli_writes_a_model_the_design_takes(tmp_path, capsys):
    path = tmp_path / "tuned.npz"
    assert main(["tune", "bnn-digits-maj_not-c3", "--bias", "bit_exact", "-o", str(path)]) == 0
    assert "on bnn-digits-maj_not-c3's engine (bit-exact) 11.39% -> " in capsys.readouterr().out
    assert main(["predict", "bnn-digits-maj_not-c3", "--weights", str(path), "--check",
                 "--json", "--draws", "1"]) == 0
    simulated = json.loads(capsys.readouterr().out)["simulated_accuracy"]
    tuned = parse_design("bnn-digits-maj_not-c3").replace(weights=str(path)).model
    assert simulated == tuned.metadata["engine_test_accuracy"]


def test_cli_rejects_other_designs_and_sources(tmp_path, capsys):
    assert main(["tune", "mul8-3330", "-o", str(tmp_path / "m.npz")]) == 2
    assert "mul8-3330: tune needs a bnn engine\n" in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"Bias source must be one of table, bit_exact, "
                                         r"not 'tree'"):
        neuron_biases(parse_design("bnn-digits"), np.zeros((1, 64), np.uint8), source="tree")
    assert not (tmp_path / "m.npz").exists()
