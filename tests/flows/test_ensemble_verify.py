"""The ensemble's RTL against its golden model in Verilator over the whole digits test split,
through the engines' stream bench; a golden model with another tie rule is caught."""

import numpy as np
import pytest

from axbnn.flows.bnn_verify import verify_bnn
from axbnn.hwgen.designs import parse_design
from axbnn.sim import ensemble_infer
from axbnn.sim.bnn_data import load_dataset


def _ties_to_the_lowest_class(labels, classes):
    """The fault: votes alone, so a tie goes to the lowest class as in a plain argmax."""
    return (np.asarray(labels)[:, :, None] == np.arange(classes)).sum(axis=1)


@pytest.mark.slow
@pytest.mark.tool("verilator")
def test_test_split_agrees_and_another_tie_rule_is_caught(tmp_path, monkeypatch):
    config = parse_design("ens3-bnn-digits-small")
    inputs = config.model.binarize(load_dataset().x_test)
    expected = ensemble_infer.infer(config, inputs)
    result = verify_bnn(config, stall=0.3, seed=1, build_dir=tmp_path)
    assert result.ok and result.results == 360, result.mismatches
    assert result.accuracy == pytest.approx(0.9306, abs=5e-5)

    members = np.stack([member["labels"] for member in expected["members"]], axis=1)
    split = np.array([len(set(row)) == 3 for row in members])
    decided_otherwise = split & (members[:, 0] != members.min(axis=1))
    monkeypatch.setattr(ensemble_infer, "vote_keys", _ties_to_the_lowest_class)
    broken = verify_bnn(config, stall=0.3, seed=1, build_dir=tmp_path)
    assert broken.wrong_labels == decided_otherwise.sum() >= 1
    assert broken.wrong_scores == 360


@pytest.mark.slow
@pytest.mark.tool("verilator")
def test_light_summing_ensemble_agrees_on_the_test_split(tmp_path):
    """The folded ensemble of tiny members that beats fixed-digits-8 (README): summed keys."""
    result = verify_bnn(parse_design("ens3-bnn-digits-tiny-pe2x1-simd16x16-sum"), stall=0.3,
                        seed=2, build_dir=tmp_path)
    assert result.ok and result.results == 360, result.mismatches
    assert result.accuracy == pytest.approx(0.9056, abs=5e-5)
