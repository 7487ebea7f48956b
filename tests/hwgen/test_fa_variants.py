"""Every full-adder variant against its truth table, written out by hand from REFERENCES.md, and
every counter against the arithmetic it approximates."""

import itertools

import numpy as np
import pytest

from axbnn.hwgen.fa_variants import COUNTERS, FA_VARIANTS, counter_mean_error, node_equations
from axbnn.sim.fulladder import full_adder
from axbnn.sim.metrics import error_metrics

# (x, y, c) -> (sum, carry), rows in the order 000, 001, 010, 011, 100, 101, 110, 111.
TRUTH_TABLES = {
    "exact":    [(0, 0), (1, 0), (1, 0), (0, 1), (1, 0), (0, 1), (0, 1), (1, 1)],
    "maj_not":  [(1, 0), (1, 0), (1, 0), (0, 1), (1, 0), (0, 1), (0, 1), (0, 1)],
    "maj_only": [(0, 0), (0, 0), (0, 0), (0, 1), (0, 0), (0, 1), (0, 1), (0, 1)],
    "inxa2":    [(0, 0), (1, 0), (1, 0), (1, 1), (1, 0), (1, 1), (0, 1), (1, 1)],
    "axa3":     [(0, 0), (1, 0), (0, 0), (0, 1), (0, 0), (0, 1), (0, 1), (1, 1)],
}
# (error rate, mean error) over the eight combinations, from REFERENCES.md section 1.
ERRORS = {"exact": (0, 0), "maj_not": (2 / 8, 0), "maj_only": (4 / 8, -0.5),
          "inxa2": (2 / 8, 0.25), "axa3": (2 / 8, -0.25)}

X, Y, C = np.array(list(itertools.product((0, 1), repeat=3))).T


def test_every_variant_has_a_truth_table():
    assert set(FA_VARIANTS) == set(TRUTH_TABLES)


@pytest.mark.parametrize("variant", FA_VARIANTS)
def test_truth_table(variant):
    s, carry = full_adder(X, Y, C, variant=variant)
    assert list(zip(s.tolist(), carry.tolist())) == TRUTH_TABLES[variant]


@pytest.mark.parametrize("variant", FA_VARIANTS)
def test_error_statistics(variant):
    s, carry = full_adder(X, Y, C, variant=variant)
    metrics = error_metrics(s + 2 * carry.astype(int), X + Y + C)
    assert (metrics["error_rate"], metrics["mean_error"]) == pytest.approx(ERRORS[variant])


# Counters against plain arithmetic on the number of inputs set: (sum + 2 * carry) by count.
COUNTER_VALUES = {"maj4": lambda ones: 2 * (ones >= 2), "sat4": lambda ones: min(ones, 3)}
COUNTER_MEAN_ERRORS = {"maj4": -5 / 8, "sat4": -1 / 16}


@pytest.mark.parametrize("counter", COUNTERS)
def test_counter_arithmetic(counter):
    arity, has_sum = COUNTERS[counter]
    for bits in itertools.product((0, 1), repeat=arity):
        s, carry = node_equations(counter, arity)(*bits)
        assert (s is not None) == has_sum
        assert (s or 0) + 2 * carry == COUNTER_VALUES[counter](sum(bits))
    assert counter_mean_error(counter) == COUNTER_MEAN_ERRORS[counter]


def test_two_inputs_are_a_half_adder():
    assert [node_equations("exact", 2)(x, y) for x, y in itertools.product((0, 1), repeat=2)] \
        == [(0, 0), (1, 0), (1, 0), (0, 1)]
