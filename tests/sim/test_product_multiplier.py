"""The partial-product multipliers' model against arithmetic written without the plan."""

import numpy as np
import pytest

from axbnn.hwgen.designs import parse_design
from axbnn.sim.product_multiplier import multiply, product_table

A, B = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")


def _bit(value, index):
    return (value >> index) & 1


def _sign_magnitude(value):
    return np.where(value >> 7, -(value & 127), value & 127)


@pytest.mark.parametrize("name", ["umul8-exact", "umul8-dadda", "umul8-wallace"])
def test_exact_trees_multiply_every_pair(name):
    assert np.array_equal(product_table(parse_design(name)), A * B)


def test_truncation_with_its_constant():
    # Columns 0-3 dropped; 12.25 lost on average, 12 added back (the dadda tree adds it whole).
    kept = sum(_bit(A, i) * _bit(B, j) << (i + j)
               for i in range(8) for j in range(8) if i + j >= 4)
    assert np.array_equal(product_table(parse_design("umul8-t4-dadda")), kept + 12)


def test_merged_pair_loses_the_both_ones_cases_and_cin_gives_the_top_back():
    both1 = _bit(A, 1) & _bit(B, 0) & _bit(A, 0) & _bit(B, 1)
    both2 = _bit(A, 2) & _bit(B, 0) & _bit(A, 1) & _bit(B, 1)
    merged = A * B - 2 * both1 - 4 * both2
    assert np.array_equal(product_table(parse_design("umul8-or2000-dadda")), merged)
    assert np.array_equal(product_table(parse_design("umul8-or2000-cin-dadda")),
                          merged + 8 * both2)


def test_sign_magnitude_wraps_the_unsigned_core():
    config = parse_design("smmul8-t3-or2200-cin")
    magnitude = multiply(A & 127, B & 127, plan=config.plan)
    signs = (A >> 7) ^ (B >> 7)
    assert np.array_equal(product_table(config), np.where(signs, -magnitude, magnitude))
    assert np.array_equal(product_table(parse_design("smmul8-exact")),
                          _sign_magnitude(A) * _sign_magnitude(B))


def test_approximate_full_adders_change_the_low_columns_only():
    approximate = product_table(parse_design("umul8-maj_not-c4"))
    assert not np.array_equal(approximate, A * B)
    assert np.abs(approximate - A * B).max() < 1 << 5


def test_ored_columns_keep_one_bit_per_column_and_nocomp_keeps_zero_at_zero():
    config = parse_design("umul8-orc4-nocomp")
    ored = sum(np.bitwise_or.reduce([_bit(A, i) & _bit(B, column - i)
                                     for i in range(column + 1)]) << column
               for column in range(4))
    kept = sum(_bit(A, i) * _bit(B, j) << (i + j)
               for i in range(8) for j in range(8) if i + j >= 4)
    assert np.array_equal(product_table(config), kept + ored)
    assert not product_table(config)[0].any()
