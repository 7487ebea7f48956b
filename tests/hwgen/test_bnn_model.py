"""The exported model file: round trip, hash of what hardware holds, clear errors."""

import numpy as np
import pytest

from axbnn.hwgen.bnn_model import BNNModel, ModelError, load_model


def small_model(**changes):
    rng = np.random.default_rng(1)
    fields = dict(layers=(6, 4, 3),
                  weights=(rng.integers(0, 2, (4, 6), dtype=np.uint8),
                           rng.integers(0, 2, (3, 4), dtype=np.uint8)),
                  thresholds=(np.array([0, 3, 6, 7], dtype=np.int64),),
                  input_threshold=0.5, metadata={"dataset": "toy"})
    return BNNModel(**{**fields, **changes})


def test_round_trip(tmp_path):
    model = small_model()
    model.save(tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.layers == model.layers and loaded.metadata == model.metadata
    for a, b in zip(loaded.weights + loaded.thresholds, model.weights + model.thresholds):
        np.testing.assert_array_equal(a, b)
    assert loaded.sha256 == model.sha256
    assert small_model(metadata={"other": 1}).sha256 == model.sha256  # metadata is not hardware
    flipped = model.weights[0].copy()
    flipped[0, 0] ^= 1
    assert small_model(weights=(flipped, model.weights[1])).sha256 != model.sha256


def test_shipped_model():
    model = load_model()
    assert model.layers == (64, 128, 128, 10)
    assert model.metadata["dataset"] == "digits" and model.metadata["test_accuracy"] > 0.8


def test_errors(tmp_path):
    with pytest.raises(ModelError, match=r"^Layer 1 thresholds must be 4 integers from 0 to 7$"):
        small_model(thresholds=(np.array([0, 3, 6, 8], dtype=np.int64),))
    with pytest.raises(ModelError, match=r"^Layer 2 weights must be a \(3, 4\) uint8 array"):
        small_model(weights=(small_model().weights[0], np.zeros((3, 5), dtype=np.uint8)))
    np.savez(tmp_path / "partial.npz", layers=np.array([6, 4, 3]), input_threshold=0.5,
             metadata="{}")
    with pytest.raises(ModelError, match=r"partial.npz lacks weights0$"):
        load_model(tmp_path / "partial.npz")
    with pytest.raises(ModelError, match=r"cannot be read"):
        load_model(tmp_path / "missing.npz")
