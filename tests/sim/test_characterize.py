"""Characterisation: exhaustive where the space allows, Monte Carlo agreeing with it otherwise."""

import pytest

from axbnn.hwgen.config import AdderConfig, MultiplierConfig, PopcountConfig
from axbnn.sim.characterize import characterize

KEYS = {"error_rate", "mean_error", "med", "mred", "wce", "error_variance"}


def test_exact_designs_have_no_error():
    for config in (MultiplierConfig("0000"), PopcountConfig(20), PopcountConfig(300),
                   AdderConfig(16)):
        result = characterize(config, samples=4000)
        assert KEYS <= set(result)
        assert all(result[key] == 0 for key in KEYS), config.name


def test_multiplier_is_exhaustive_and_reports_mre():
    result = characterize(MultiplierConfig("3330"))
    assert (result["method"], result["samples"], result["seed"]) == ("exhaustive", 65536, None)
    assert result["mean_error"] < 0 < result["mre_sm"] < 1
    assert result["med"] == -result["mean_error"]  # type 3 never overestimates


def test_monte_carlo_agrees_with_exhaustive():
    # popcount-20 is enumerated exhaustively; a 21-input tree needs Monte Carlo. Compare the
    # estimate with the exact figure of a 20-input tree embedded in an exhaustive run.
    exact = characterize(AdderConfig(10, "loa", 4))
    estimate = characterize(AdderConfig(11, "loa", 4), samples=200_000, seed=3)
    assert exact["method"] == "exhaustive" and estimate["method"] == "monte_carlo"
    # The low part decides the error, so the 10- and 11-bit LOAs have the same error law.
    assert estimate["error_rate"] == pytest.approx(exact["error_rate"], abs=0.01)
    assert estimate["mean_error"] == pytest.approx(exact["mean_error"], abs=0.05)
    assert estimate["wce"] == exact["wce"]


def test_progress_is_reported():
    calls = []
    characterize(PopcountConfig(64, "maj_not"), samples=40_000,
                 progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (40_000, 40_000) and len(calls) > 1


@pytest.mark.parametrize("samples", [0, 10**12, 2.5])
def test_bad_sample_count(samples):
    with pytest.raises(ValueError, match=rf"^Sample count must be an integer from 1 to 16777216, "
                                         rf"not {samples!r}$"):
        characterize(PopcountConfig(64), samples=samples)
