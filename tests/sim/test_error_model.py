"""Error models against enumeration, Monte Carlo and the characterisation metrics."""

import numpy as np
import pytest

from axbnn.hwgen.config import PopcountConfig
from axbnn.hwgen.designs import parse_design
from axbnn.sim.characterize import characterize
from axbnn.sim.error_model import count_pmf, unit_error_pmf


def total_variation(p, q):
    """The largest, over exact counts, total-variation distance between two count tables."""
    return float((0.5 * np.abs(p - q).sum(axis=1)).max())


@pytest.mark.parametrize("design", ["mul8-3330", "add-8-maj_not-3", "popcount-16-maj_not-c2"])
def test_unit_pmf_agrees_with_the_metrics(design):
    config = parse_design(design)
    pmf, metrics = unit_error_pmf(config), characterize(config)
    assert np.isclose(pmf.probabilities.sum(), 1.0)
    assert pmf.mean == pytest.approx(metrics["mean_error"], abs=1e-12)
    assert pmf.variance == pytest.approx(metrics["error_variance"], rel=1e-9)
    assert pmf.error_rate == pytest.approx(metrics["error_rate"], abs=1e-12)


def test_count_pmf_by_hand():
    """Three inputs through one maj_not adder: 000 counts 1, 111 counts 2, the rest exactly."""
    table = count_pmf(PopcountConfig.from_plan(3, "maj_not"), method="enumerate")
    np.testing.assert_array_equal(table, [[0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0],
                                          [0, 0, 1, 0]])


@pytest.mark.parametrize("plan", ["maj_not", "maj_not-l1", "maj_not-c2", "maj_only-c3"])
def test_monte_carlo_approaches_enumeration(plan):
    config = PopcountConfig.from_plan(16, plan)
    enumerated = count_pmf(config, method="enumerate")
    assert np.allclose(enumerated.sum(axis=1), 1.0)
    # 4096 vectors per count: a row's total variation is a few hundredths at most.
    assert total_variation(count_pmf(config, method="monte_carlo"), enumerated) < 0.04


@pytest.mark.parametrize("width, plan", [(16, "maj_not-l1"), (20, "maj_not-l1"), (19, "sat4"),
                                         (18, "maj4"), (17, "maj4")])
def test_propagation_is_exact_when_only_first_level_adders_approximate(width, plan):
    # Counters are first-level nodes too; their constant compensation shifts every row.
    config = PopcountConfig.from_plan(width, plan)
    assert total_variation(count_pmf(config, method="propagate"),
                           count_pmf(config, method="enumerate")) < 1e-9


@pytest.mark.parametrize("plan", ["maj_not-c1", "maj_not-l2"])
def test_propagation_keeps_the_mean_error_of_deeper_adders(plan):
    """Deeper adders' errors are taken as independent: the shape of a row may be off (total
    variation up to about 0.5), but its mean stays within 0.1 of the enumerated mean."""
    config = PopcountConfig.from_plan(16, plan)
    values = np.arange(1 << config.out_width)
    propagated = count_pmf(config, method="propagate") @ values
    enumerated = count_pmf(config, method="enumerate") @ values
    assert np.abs(propagated - enumerated).max() < 0.1


def test_exact_plan_is_the_identity():
    table = count_pmf(PopcountConfig.from_plan(32, "exact"))
    np.testing.assert_array_equal(table, np.eye(33, 64))


def test_method_is_checked():
    with pytest.raises(ValueError, match=r"^Count PMF method must be one of enumerate, "
                                         r"monte_carlo, propagate, not 'guess'$"):
        count_pmf(PopcountConfig.from_plan(8, "maj_not"), method="guess")
