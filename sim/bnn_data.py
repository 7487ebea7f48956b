"""Data sets for binary networks: scikit-learn's bundled digits, MNIST-format IDX files, or any
``.npz`` of features.

``digits``: the 1,797 8x8 images (features 0-16) scikit-learn ships, no download. Split fixed:
the first 1,437 images train, the last 360 test (80/20 in the file's order; the test images
come from writers the training images do not, so the split is harder than a shuffled one).
Full scale 16.

An ``.npz`` file holds ``x_train``, ``x_test`` (numeric, ``(samples, features)``) and
``y_train``, ``y_test`` (integer labels from 0 to below :data:`MAX_CLASSES`; every test label a
class the training labels span). Its full scale is the largest training feature.

``idx:DIR``: the four IDX files of MNIST (and of Fashion-MNIST, KMNIST...) in ``DIR``:
``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte`` and
``t10k-labels-idx1-ubyte``, each possibly gzipped (``.gz`` added). Images are flattened row by
row, full scale 255, ``image_shape`` their (rows, columns). Magic numbers, sizes and lengths are
checked: a truncated or foreign file is a one-line error naming it.

A network sees features through a thermometer code of ``levels`` thresholds spread evenly over
the full scale (:meth:`Dataset.input_thresholds`); one level is the half-scale threshold of
wave 1. Images (``image_shape`` known) can be shifted to augment the training split.
"""

import gzip
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..hwgen.bnn_model import read_npz
from ..hwgen.errors import DataError

__all__ = ["Dataset", "DataError", "load_dataset", "DIGITS_TRAIN", "MAX_CLASSES"]

DIGITS_TRAIN = 1437
MAX_CLASSES = 1 << 16  # a network has an output per class: more is a mistaken label column


@dataclass(frozen=True, eq=False)
class Dataset:
    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    full_scale: float
    image_shape: tuple = None  # (rows, columns) of an image, if the features are one

    @property
    def n_features(self):
        return self.x_train.shape[1]

    @property
    def n_classes(self):
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    def check_classes(self, classes, what):
        """Raise :class:`DataError` unless every label is one of ``what``'s ``classes``."""
        if self.n_classes > classes:
            raise DataError(f"Data set {self.name} has labels up to {self.n_classes - 1}, but "
                            f"{what} has {classes} classes (0 to {classes - 1})")

    def head(self, images):
        """This data set with only its first ``images`` test images."""
        return replace(self, x_test=self.x_test[:images], y_test=self.y_test[:images])

    def input_thresholds(self, levels):
        """``levels`` thresholds at ``k / (levels + 1)`` of the full scale, ``k = 1..levels``."""
        return tuple(float(self.full_scale * k / (levels + 1)) for k in range(1, levels + 1))

    def shifted(self, features, rng):
        """``features`` with every image moved by up to one pixel in each direction (zeros come
        in at the edges): more writers' positions from the same images."""
        rows, columns = self.image_shape
        padded = np.pad(features.reshape(-1, rows, columns), ((0, 0), (1, 1), (1, 1)))
        dy, dx = rng.integers(0, 3, (2, len(features)))
        window = (np.arange(len(features))[:, None, None],
                  dy[:, None, None] + np.arange(rows)[None, :, None],
                  dx[:, None, None] + np.arange(columns)[None, None, :])
        return padded[window].reshape(len(features), -1)


def _digits():
    from sklearn.datasets import load_digits  # imported here: it takes a second to import

    digits = load_digits()
    x, y = digits.data.astype(np.float64), digits.target.astype(np.int64)
    return Dataset("digits", x[:DIGITS_TRAIN], y[:DIGITS_TRAIN], x[DIGITS_TRAIN:],
                   y[DIGITS_TRAIN:], 16.0, (8, 8))


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
        if not np.all(np.isfinite(x)):
            raise DataError(f"{path}: x_{split} must hold finite numbers (no NaN or inf)")
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
    classes = int(arrays["y_train"].max()) + 1
    if classes > MAX_CLASSES:
        raise DataError(f"{path}: labels must be below {MAX_CLASSES}, not {classes - 1}")
    if arrays["y_test"].max() >= classes:
        raise DataError(f"{path}: y_test labels must be classes of y_train (0 to {classes - 1}),"
                        f" not {arrays['y_test'].max()}")
    x_train = arrays["x_train"].astype(np.float64)
    return Dataset(path.stem, x_train, arrays["y_train"].astype(np.int64),
                   arrays["x_test"].astype(np.float64), arrays["y_test"].astype(np.int64),
                   float(x_train.max()))


IDX_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


def _read_idx(directory, name, dimensions):
    """The unsigned-byte array of IDX file ``name`` (or ``name.gz``) of ``dimensions`` axes."""
    path = directory / name
    if not path.exists() and (directory / f"{name}.gz").exists():
        path = directory / f"{name}.gz"
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as file:
                data = file.read()
        else:
            data = path.read_bytes()
    except OSError as reason:   # gzip.BadGzipFile is one
        detail = reason.strerror or reason
        raise DataError(f"IDX file {path} cannot be read: {detail}") from None
    except (EOFError, zlib.error):
        raise DataError(f"IDX file {path} is a truncated or damaged gzip file") from None
    # The magic number: two zero bytes, the element type (0x08: unsigned byte), the axes.
    magic = 0x0800 + dimensions
    header = 4 + 4 * dimensions
    if len(data) < 4 or int.from_bytes(data[:4], "big") != magic:
        raise DataError(f"IDX file {path} must start with the magic number 0x{magic:08x} "
                        f"(unsigned bytes, {dimensions} axes), not 0x{data[:4].hex() or 'none'}")
    if len(data) < header:
        raise DataError(f"IDX file {path} is truncated: its header needs {header} bytes, not "
                        f"{len(data)}")
    shape = tuple(int.from_bytes(data[4 + 4 * axis:8 + 4 * axis], "big")
                  for axis in range(dimensions))
    size = int(np.prod(shape))
    if len(data) != header + size:
        state = "truncated" if len(data) < header + size else "longer than its header says"
        raise DataError(f"IDX file {path} is {state}: {'x'.join(map(str, shape))} bytes after "
                        f"the header, not {len(data) - header}")
    if 0 in shape:
        raise DataError(f"IDX file {path} holds no samples (shape {shape})")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def _from_idx(directory):
    directory = Path(directory)
    if not directory.is_dir():
        raise DataError(f"IDX data set {directory} must be a directory of MNIST-format files")
    splits, shape = {}, None
    for split, (images_name, labels_name) in IDX_FILES.items():
        images = _read_idx(directory, images_name, 3)
        labels = _read_idx(directory, labels_name, 1)
        if len(labels) != len(images):
            raise DataError(f"IDX files {directory / labels_name} and {images_name} must hold "
                            f"as many labels as images, not {len(labels)} and {len(images)}")
        if shape not in (None, images.shape[1:]):
            raise DataError(f"IDX file {directory / images_name} holds images of "
                            f"{images.shape[1:]}, the training images {shape}")
        shape = images.shape[1:]
        splits[split] = (images.reshape(len(images), -1).astype(np.float64),
                         labels.astype(np.int64))
    (x_train, y_train), (x_test, y_test) = splits["train"], splits["test"]
    return Dataset(f"idx:{directory}", x_train, y_train, x_test, y_test, 255.0, shape)


def load_dataset(name="digits"):
    """``digits``, ``idx:DIR`` or the path of an ``.npz`` file (see the module docstring)."""
    name = str(name)
    if name == "digits":
        return _digits()
    if name.startswith("idx:"):
        return _from_idx(name[len("idx:"):])
    return _from_file(name)
