"""The MAC engine's RTL against its golden model in Verilator, through the BNN stream bench."""

import numpy as np
import pytest

from axbnn.flows.bnn_verify import verify_bnn
from axbnn.hwgen.designs import parse_design
from axbnn.sim import mac_infer
from axbnn.sim.bnn_data import load_dataset


@pytest.mark.slow
@pytest.mark.tool("verilator")
def test_approximate_accumulator_engine_agrees_on_every_score(tmp_path):
    result = verify_bnn(parse_design("bwnn-digits-loa-4"), images=24, build_dir=tmp_path)
    assert result.ok and result.results == 24, result.mismatches


@pytest.mark.slow
@pytest.mark.tool("verilator")
def test_8_bit_engine_agrees_over_the_test_split_and_a_wrong_multiplier_is_caught(
        tmp_path, monkeypatch):
    """q8 on smul8-3330 (its retrained network) is bit-exact over every digits test image; the
    same build against a golden model that multiplies exactly disagrees."""
    config = parse_design("q8-digits_3330-3330")
    result = verify_bnn(config, build_dir=tmp_path)
    assert result.ok and result.results == 360, result.mismatches
    exact_table = mac_infer.product_table(parse_design("smul8-0000"))
    monkeypatch.setattr(mac_infer, "NUMPY_OPS", mac_infer.NUMPY_OPS._replace(
        multiply=lambda multiplier, a, b: exact_table[a, b]))
    wrong = verify_bnn(config, images=60, build_dir=tmp_path)
    assert not wrong.ok and wrong.wrong_scores > 0
#: A golden model with a wrong product, per design: a fixed-point weight read unsigned, a
#: power-of-two negation without its ones' complement (one off for every negative weight).
FAULTS = {"fixed-digits-8": {"signed": lambda code, width: code},
          "pow2-digits": {"invert": np.negative}}
FAULT_IMAGES = 40


@pytest.mark.slow
@pytest.mark.tool("verilator")
@pytest.mark.parametrize("design", ["pow2-digits", "fixed-digits-4", "fixed-digits-8",
                                    "fixed-digits-16"])
def test_shipped_engine_agrees_on_the_whole_test_split(tmp_path, monkeypatch, design):
    """Every score of every test image, one build; then a golden model with a wrong product
    disagrees on exactly the images whose scores it changes (the build reused, on the first
    :data:`FAULT_IMAGES`)."""
    config = parse_design(design)
    result = verify_bnn(config, build_dir=tmp_path)
    assert result.ok and result.results == len(load_dataset("digits").y_test), result.mismatches
    assert result.accuracy == config.model.metadata["test_accuracy"]
    if design not in FAULTS:
        return
    activations = config.model.binarize(load_dataset("digits").x_test[:FAULT_IMAGES])
    clean = mac_infer.infer(config, activations)["scores"]
    monkeypatch.setattr(mac_infer, "NUMPY_OPS", mac_infer.NUMPY_OPS._replace(**FAULTS[design]))
    changed = int(np.any(mac_infer.infer(config, activations)["scores"] != clean, axis=1).sum())
    faulty = verify_bnn(config, images=FAULT_IMAGES, build_dir=tmp_path)
    assert changed > 0 and faulty.wrong_scores == changed and not faulty.ok
