"""Error metrics on a hand-computed example, chunked accumulation, and the sign-magnitude MRE."""

import numpy as np
import pytest

from axbnn.sim.metrics import ErrorStatistics, error_metrics, mre_sign_magnitude


def test_hand_computed_metrics():
    # errors -2, 0, +1, 0 against exact 4, 0, 1, 10
    metrics = error_metrics([2, 0, 2, 10], [4, 0, 1, 10])
    assert metrics == pytest.approx({
        "error_rate": 0.5,
        "mean_error": -0.25,
        "med": 0.75,
        "mred": (2 / 4 + 0 + 1 / 1 + 0) / 4,
        "wce": 2,
        "error_variance": (4 + 0 + 1 + 0) / 4 - 0.25 ** 2,
    })


def test_chunks_add_up_to_the_whole():
    rng = np.random.default_rng(0)
    exact = rng.integers(0, 1000, 10_000)
    approximate = exact + rng.integers(-5, 6, 10_000)
    statistics = ErrorStatistics()
    for start in range(0, 10_000, 3_000):
        statistics.add(approximate[start:start + 3_000], exact[start:start + 3_000])
    assert statistics.result() == pytest.approx(error_metrics(approximate, exact))


def test_mre_of_exact_product_is_zero():
    assert mre_sign_magnitude(lambda i, j: i * j) == 0


def test_mre_by_hand():
    # One too much everywhere: |error| / max(1, i*j) summed over 128 x 128 magnitudes.
    i, j = np.meshgrid(np.arange(128), np.arange(128), indexing="ij")
    expected = (1 / np.maximum(1, i * j)).mean()
    assert mre_sign_magnitude(lambda i, j: i * j + 1) == pytest.approx(expected)
