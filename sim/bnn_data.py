"""Data sets for binary networks: scikit-learn's bundled digits, or any ``.npz`` of features.

``digits``: the 1,797 8x8 images (features 0-16) scikit-learn ships, no download. Split fixed:
the first 1,437 images train, the last 360 test (80/20 in the file's order). A pixel becomes
the bit 1 when it is at least 8, half the full scale.

An ``.npz`` file holds ``x_train``, ``x_test`` (numeric, ``(samples, features)``) and
``y_train``, ``y_test`` (integer labels from 0). Its features become bits at half the largest
training feature.
"""

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..hwgen.bnn_model import read_npz
from ..hwgen.errors import DataError

__all__ = ["Dataset", "DataError", "load_dataset", "DIGITS_TRAIN"]

DIGITS_TRAIN = 1437


@dataclass(frozen=True, eq=False)
class Dataset:
    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    input_threshold: float

    @property
    def n_features(self):
        return self.x_train.shape[1]

    @property
    def n_classes(self):
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    def head(self, images):
        """This data set with only its first ``images`` test images."""
        return replace(self, x_test=self.x_test[:images], y_test=self.y_test[:images])

    def bits(self, features):
        return (features >= self.input_threshold).astype(np.uint8)


def _digits():
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise DataError("The digits data set needs scikit-learn: pip install "
                        "'axbnn[train]'") from None
    digits = load_digits()
    x, y = digits.data.astype(np.float64), digits.target.astype(np.int64)
    return Dataset("digits", x[:DIGITS_TRAIN], y[:DIGITS_TRAIN], x[DIGITS_TRAIN:],
                   y[DIGITS_TRAIN:], 8.0)


def _from_file(path):
    path = Path(path)
    arrays = read_npz(path, what="Data", error=DataError)
    missing = {"x_train", "y_train", "x_test", "y_test"} - set(arrays)
    if missing:
        raise DataError(f"Data file {path} must hold x_train, y_train, x_test and y_test; "
                        f"it lacks {', '.join(sorted(missing))}")
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 2 or not np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_:
            raise DataError(f"{path}: x_{split} must be a numeric (samples, features) array, "
                            f"not {x.dtype} of shape {x.shape}")
        if y.shape != (x.shape[0],) or not np.issubdtype(y.dtype, np.integer):
            raise DataError(f"{path}: y_{split} must be {x.shape[0]} integer labels, not "
                            f"{y.dtype} of shape {y.shape}")
        if y.size and y.min() < 0:
            raise DataError(f"{path}: y_{split} labels must be 0 or more, not {y.min()}")
        if x.shape[0] == 0:
            raise DataError(f"{path}: x_{split} must hold at least one sample")
    if arrays["x_train"].shape[1] != arrays["x_test"].shape[1]:
        raise DataError(f"{path}: x_train and x_test must have as many features, not "
                        f"{arrays['x_train'].shape[1]} and {arrays['x_test'].shape[1]}")
    x_train = arrays["x_train"].astype(np.float64)
    return Dataset(path.stem, x_train, arrays["y_train"].astype(np.int64),
                   arrays["x_test"].astype(np.float64), arrays["y_test"].astype(np.int64),
                   float(x_train.max()) / 2)


def load_dataset(name="digits"):
    """``digits`` or the path of an ``.npz`` file (see the module docstring)."""
    return _digits() if str(name) == "digits" else _from_file(name)
