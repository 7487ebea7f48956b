"""Data sets: MNIST-format IDX files written by the test (plain and gzipped, broken ones too)."""

import gzip

import numpy as np
import pytest

from axbnn.flows.cli import main
from axbnn.sim.bnn_data import DataError, load_dataset


def idx(array, element=0x08):
    """An IDX file's bytes: magic (0, 0, element type, axes), big-endian sizes, the data."""
    header = bytes([0, 0, element, array.ndim]) + b"".join(
        size.to_bytes(4, "big") for size in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_mnist(directory, *, rows=5, columns=4, train=12, test=6, compress=(), seed=0):
    rng = np.random.default_rng(seed)
    arrays = {"train-images-idx3-ubyte": rng.integers(0, 256, (train, rows, columns)),
              "train-labels-idx1-ubyte": rng.integers(0, 10, train),
              "t10k-images-idx3-ubyte": rng.integers(0, 256, (test, rows, columns)),
              "t10k-labels-idx1-ubyte": rng.integers(0, 10, test)}
    for name, array in arrays.items():
        data = idx(array)
        if name in compress:
            (directory / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (directory / name).write_bytes(data)
    return arrays


@pytest.mark.parametrize("compress", [(), ("train-images-idx3-ubyte", "t10k-labels-idx1-ubyte")])
def test_idx_files_read_as_flattened_images(tmp_path, compress):
    arrays = write_mnist(tmp_path, compress=compress)
    dataset = load_dataset(f"idx:{tmp_path}")
    assert dataset.image_shape == (5, 4) and dataset.full_scale == 255.0
    assert dataset.name == f"idx:{tmp_path}"
    assert dataset.x_train.shape == (12, 20) and dataset.x_train.dtype == np.float64
    assert np.array_equal(dataset.x_train[3], arrays["train-images-idx3-ubyte"][3].reshape(-1))
    assert np.array_equal(dataset.x_test.reshape(6, 5, 4), arrays["t10k-images-idx3-ubyte"])
    assert np.array_equal(dataset.y_train, arrays["train-labels-idx1-ubyte"])
    assert np.array_equal(dataset.y_test, arrays["t10k-labels-idx1-ubyte"])
    assert dataset.y_test.dtype == np.int64
    # Shifting an image moves its pixels, as for the digits.
    shifted = dataset.shifted(dataset.x_train, np.random.default_rng(0))
    assert shifted.shape == dataset.x_train.shape


def test_truncated_idx_file_is_named(tmp_path):
    write_mnist(tmp_path)
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-7])
    with pytest.raises(DataError, match=rf"^IDX file {path} is truncated: 6x5x4 bytes after the "
                                        rf"header, not 113$"):
        load_dataset(f"idx:{tmp_path}")
    path.write_bytes(path.read_bytes()[:10])
    with pytest.raises(DataError, match=rf"^IDX file {path} is truncated: its header needs 16 "
                                        rf"bytes, not 10$"):
        load_dataset(f"idx:{tmp_path}")


def test_truncated_gzip_is_named(tmp_path):
    write_mnist(tmp_path, compress=("train-labels-idx1-ubyte",))
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-9])
    with pytest.raises(DataError, match=rf"^IDX file {path} is a truncated or damaged gzip file$"):
        load_dataset(f"idx:{tmp_path}")


def test_wrong_magic_sizes_and_missing_files_are_named(tmp_path):
    write_mnist(tmp_path)
    labels = tmp_path / "train-labels-idx1-ubyte"
    labels.write_bytes(idx(np.zeros((12, 1)), element=0x08))     # two axes: not a label file
    with pytest.raises(DataError, match=rf"^IDX file {labels} must start with the magic number "
                                        rf"0x00000801 \(unsigned bytes, 1 axes\), not 0x00000802$"):
        load_dataset(f"idx:{tmp_path}")
    labels.write_bytes(idx(np.zeros(11)))
    with pytest.raises(DataError, match=r"must hold as many labels as images, not 11 and 12$"):
        load_dataset(f"idx:{tmp_path}")
    labels.write_bytes(idx(np.zeros(12)) + b"\0")
    with pytest.raises(DataError, match=rf"^IDX file {labels} is longer than its header says"):
        load_dataset(f"idx:{tmp_path}")
    labels.unlink()
    with pytest.raises(DataError, match=rf"^IDX file {labels} cannot be read: No such file"):
        load_dataset(f"idx:{tmp_path}")
    with pytest.raises(DataError, match=r"^IDX data set /nonexistent must be a directory"):
        load_dataset("idx:/nonexistent")


def test_test_images_of_another_size_are_named(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(idx(np.zeros((6, 4, 5))))
    with pytest.raises(DataError, match=r"holds images of \(4, 5\), the training images \(5, 4\)$"):
        load_dataset(f"idx:{tmp_path}")


def test_cli_train_reads_idx(tmp_path, capsys):
    write_mnist(tmp_path, rows=4, columns=4, train=40, test=10)
    model = tmp_path / "model.npz"
    assert main(["train", "--dataset", f"idx:{tmp_path}", "--layers", "16,8,10", "--epochs", "2",
                 "-o", str(model)]) == 0
    assert model.exists() and f"idx:{tmp_path}" in capsys.readouterr().out
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(b"\0\0\x08")
    assert main(["train", "--dataset", f"idx:{tmp_path}", "-o", str(model)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "t10k-labels-idx1-ubyte must start with the magic" in error
