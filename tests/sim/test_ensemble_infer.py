"""The ensemble's golden model against independent arithmetic: the vote rule over every
combination of member labels, the sum of scores from each member's own model."""

import itertools

import numpy as np
import pytest

from axbnn.hwgen.designs import parse_design
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.bnn_infer import infer as bnn_infer
from axbnn.sim.ensemble_infer import infer, vote_keys
from axbnn.sim.mac_infer import infer as mac_infer


def _winner(labels):
    """Most votes; a tie to the tied class of the lowest-numbered member voting for one."""
    counts = {label: labels.count(label) for label in labels}
    most = max(counts.values())
    return next(label for label in labels if counts[label] == most)


@pytest.mark.parametrize("k, classes", [(2, 10), (3, 10), (4, 6), (5, 4)])
def test_vote_follows_the_rule_for_every_combination_of_labels(k, classes):
    combinations = list(itertools.product(range(classes), repeat=k))
    keys = vote_keys(np.array(combinations), classes)
    expected = [_winner(list(labels)) for labels in combinations]
    np.testing.assert_array_equal(keys.argmax(axis=1), expected)
    # The winner is unique: no other class has its key.
    assert ((keys == keys.max(axis=1, keepdims=True)).sum(axis=1) == 1).all()


@pytest.fixture(scope="module")
def digits():
    return load_dataset()


@pytest.mark.parametrize("name, member_model", [("ens3-bwnn-digits-loa-2-sum", mac_infer),
                                                ("ens5-bnn-digits-small-sum", bnn_infer)])
def test_sum_adds_every_members_scores(name, member_model, digits):
    config = parse_design(name)
    inputs = config.model.binarize(digits.x_test)
    result = infer(config, inputs)
    total = sum(member_model(member, inputs)["scores"].astype(np.int64)
                for member in config.members)
    np.testing.assert_array_equal(result["scores"], total)
    np.testing.assert_array_equal(result["labels"], total.argmax(axis=1))


def test_vote_of_the_members_classes(digits):
    config = parse_design("ens3-bnn-digits-small")
    inputs = config.model.binarize(digits.x_test)
    labels = np.stack([bnn_infer(member, inputs)["labels"] for member in config.members], axis=1)
    expected = [_winner(list(row)) for row in labels]
    np.testing.assert_array_equal(infer(config, inputs)["labels"], expected)
    # Not a member's answer throughout: the ensemble outvotes member 0 on some images.
    assert (labels[:, 0] != expected).any()
