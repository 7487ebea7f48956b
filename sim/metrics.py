"""Error metrics of an approximate unit against exact arithmetic.

Error is ``approximate - exact``. Reported: error rate (fraction of inputs with any error), mean
error (bias), MED (mean |error|), MRED (mean |error| / max(1, |exact|)), WCE (max |error|),
error variance, and for multipliers the sign-magnitude MRE used for 8-bit DNNs.
"""

import numpy as np

__all__ = ["ErrorStatistics", "error_metrics", "mre_sign_magnitude"]


class ErrorStatistics:
    """Accumulates error metrics over chunks of samples, so Monte Carlo runs in bounded memory."""

    def __init__(self):
        self.samples = 0
        self._errors = 0
        self._sum = 0.0
        self._sum_abs = 0.0
        self._sum_squares = 0.0
        self._sum_relative = 0.0
        self._worst = 0

    def add(self, approximate, exact):
        error = np.asarray(approximate, dtype=np.int64) - np.asarray(exact, dtype=np.int64)
        magnitude = np.abs(error)
        self.samples += error.size
        self._errors += int(np.count_nonzero(error))
        self._sum += float(error.sum())
        self._sum_abs += float(magnitude.sum())
        self._sum_squares += float((error.astype(np.float64) ** 2).sum())
        self._sum_relative += float((magnitude / np.maximum(1, np.abs(exact))).sum())
        self._worst = max(self._worst, int(magnitude.max(initial=0)))

    def result(self):
        n = max(self.samples, 1)
        mean = self._sum / n
        return {
            "error_rate": self._errors / n,
            "mean_error": mean,
            "med": self._sum_abs / n,
            "mred": self._sum_relative / n,
            "wce": self._worst,
            "error_variance": max(self._sum_squares / n - mean * mean, 0.0),
        }


def error_metrics(approximate, exact):
    """All metrics of one array of results against the exact ones."""
    statistics = ErrorStatistics()
    statistics.add(approximate, exact)
    return statistics.result()


def mre_sign_magnitude(product, *, bits=8):
    """``1/n^2 * sum |product(i, j) - i*j| / max(1, i*j)`` over magnitudes ``0 <= i, j < n``.

    ``n = 2**(bits-1)``: the operands are the magnitudes of ``bits``-bit sign-magnitude values,
    whose sign is exact (an XOR), so only the unsigned core on magnitudes contributes.
    """
    n = 1 << (bits - 1)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    exact = i * j
    return float((np.abs(product(i, j) - exact) / np.maximum(1, exact)).mean())
