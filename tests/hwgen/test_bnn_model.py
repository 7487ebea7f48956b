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
                  input_thresholds=(0.5,), metadata={"dataset": "toy"})
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


def test_thermometer_code():
    """Bit ``level * f + i`` is feature ``i`` against threshold ``level``; the code is kept."""
    model = small_model(layers=(6, 4, 3), input_thresholds=(1.0, 2.0, 3.0))
    features = np.array([[0, 1.5], [3, 2]])
    np.testing.assert_array_equal(model.binarize(features),
                                  [[0, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 0]])
    with pytest.raises(ModelError, match=r"^Features must be an array of shape \(samples, 2\)"):
        model.binarize(np.zeros((1, 6)))
    assert small_model(input_thresholds=(1.0, 2.0, 3.0)).sha256 != small_model().sha256


def test_wave1_file_reads_as_one_level(tmp_path):
    arrays = small_model().arrays()
    arrays["input_threshold"] = arrays.pop("input_thresholds")[0]
    np.savez(tmp_path / "old.npz", **arrays)
    assert load_model(tmp_path / "old.npz").input_thresholds == (0.5,)


def test_shipped_model():
    model = load_model()
    assert model.layers == (256, 256, 128, 10) and len(model.input_thresholds) == 4
    assert model.metadata["dataset"] == "digits" and model.metadata["test_accuracy"] > 0.8


def test_errors(tmp_path):
    with pytest.raises(ModelError, match=r"^Layer 1 thresholds must be 4 integers from 0 to 7$"):
        small_model(thresholds=(np.array([0, 3, 6, 8], dtype=np.int64),))
    with pytest.raises(ModelError, match=r"^Layer 2 weights must be a \(3, 4\) uint8 array"):
        small_model(weights=(small_model().weights[0], np.zeros((3, 5), dtype=np.uint8)))
    for levels in ((), (1.0, float("nan")), (2.0, 1.0)):
        with pytest.raises(ModelError, match=r"^Model input thresholds must be one or more "
                                             r"finite, ascending numbers"):
            small_model(input_thresholds=levels)
    with pytest.raises(ModelError, match=r"^Model inputs \(6\) must be a multiple of its 4 "):
        small_model(input_thresholds=(1.0, 2.0, 3.0, 4.0))
    np.savez(tmp_path / "partial.npz", layers=np.array([6, 4, 3]), input_threshold=0.5,
             metadata="{}")
    with pytest.raises(ModelError, match=r"partial.npz lacks weights0$"):
        load_model(tmp_path / "partial.npz")
    with pytest.raises(ModelError, match=r"cannot be read"):
        load_model(tmp_path / "missing.npz")


def _broken(arrays, name, value):
    return {**arrays, name: value}


@pytest.mark.parametrize("change, message", [
    (lambda a: _broken(a, "weights1", a["weights1"][:2]),
     r"weights1 must be a uint8 array of shape \(3, 1\), not uint8 of shape \(2, 1\)"),
    (lambda a: _broken(a, "thresholds0", a["thresholds0"] + 0.5),
     r"thresholds0 must be an integer array of shape \(4,\), not float64"),
    (lambda a: _broken(a, "layers", np.array(6)),
     r"layers must be an integer vector, not int64 of shape \(\)"),
    (lambda a: _broken(a, "input_thresholds", np.array(["x"])),
     r"input_thresholds must be a float vector"),
    (lambda a: _broken(a, "metadata", np.array("[1]")), r"metadata must be a JSON object$"),
    (lambda a: _broken(a, "metadata", np.array("{")), r"metadata must be a JSON object$"),
], ids=["short-rows", "fractional-thresholds", "0-d-layers", "text-thresholds", "json-list",
        "bad-json"])
def test_wrong_content_is_named(tmp_path, change, message):
    np.savez(tmp_path / "m.npz", **change(small_model().arrays()))
    with pytest.raises(ModelError, match=message):
        load_model(tmp_path / "m.npz")


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 cut short", b"not a zip"],
                         ids=["empty", "truncated", "text"])
def test_not_an_npz_file(tmp_path, content):
    (tmp_path / "m.npz").write_bytes(content)
    with pytest.raises(ModelError, match=r"^Model file .*m.npz is not a valid .npz file$"):
        load_model(tmp_path / "m.npz")
