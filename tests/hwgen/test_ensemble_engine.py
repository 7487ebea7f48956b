# amaranth: UnusedElaboratable=no
"""The ensemble engine in Amaranth's simulator: every key and class equals the golden model's
under random back-pressure, on small members that often disagree (so the tie rule is
exercised), and images enter at the members' pace."""

import numpy as np
import pytest
from amaranth.lib import data

from amaranth_harness import run_engine

from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.ensemble_config import EnsembleConfig
from axbnn.hwgen.ensemble_engine import EnsembleEngine
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.ensemble_infer import infer
from axbnn.sim.mac_train import MACTrainOptions, train_mac

IMAGES = 24


@pytest.fixture(scope="module")
def small_members(tmp_path_factory):
    """Three 64-10-10 binary-weight networks, one epoch each: weak, so they disagree."""
    dataset, directory = load_dataset(), tmp_path_factory.mktemp("members")
    paths = []
    for seed in range(3):
        paths.append(str(directory / f"small{seed}.npz"))
        train_mac(dataset, MACTrainOptions(hidden=(10,), epochs=1, seed=seed)).save(paths[-1])
    return tuple(paths)


def _as_bits(activations, bits):
    """Each activation as ``bits`` bits, lowest first: the engine's image word as 0/1 rows."""
    return ((activations[:, :, None] >> np.arange(bits)) & 1).reshape(len(activations), -1)


# 16 cycles an image: the keys are scanned; 8: compared all at once.
@pytest.mark.parametrize("combine, stall, simd", [("vote", 0.3, (4, 5)), ("sum", 0.5, (8, 5))])
def test_matches_golden_model(small_members, combine, stall, simd):
    config = EnsembleConfig("bwnn-digits-loa-2", k=3, combine=combine, weights=small_members,
                            pe=10, simd=simd)
    activations = config.model.binarize(load_dataset().x_test[:IMAGES])
    expected = infer(config, activations)
    labels, scores, _ = run_engine(EnsembleEngine(config),
                                   _as_bits(activations, config.activation_bits), stall=stall)
    np.testing.assert_array_equal(scores, expected["scores"])
    np.testing.assert_array_equal(labels, expected["labels"])
    members = np.stack([member["labels"] for member in expected["members"]], axis=1)
    splits = [len(set(row)) == 3 for row in members]
    assert sum(splits) >= 5  # three-way splits: member 0 breaks each tie


@pytest.mark.parametrize("simd, pace", [((4, 5), 16), ((8, 5), 8), ((64, 10), 1)])
def test_images_enter_at_the_members_pace(small_members, simd, pace):
    config = EnsembleConfig("bwnn-digits", k=2, weights=small_members[:2], pe=10, simd=simd)
    images = _as_bits(config.model.binarize(load_dataset().x_test[:6]), config.activation_bits)
    _, _, accepted = run_engine(EnsembleEngine(config), images)
    assert config.cycles_per_image == pace
    assert np.diff(accepted)[1:].tolist() == [pace] * 4


def test_members_are_the_designs_engines():
    config = parse_design("ens2-bnn-digits-small-sum")
    engine = EnsembleEngine(config)
    assert engine.i.payload.shape().width == config.members[0].input_bits == 128
    assert engine.o.payload.scores.shape() == data.ArrayLayout(config.score_width, 10)
