"""The adder models against exact arithmetic and hand-worked approximate sums."""

import numpy as np
import pytest

from axbnn.sim.adder import add

A, B = np.meshgrid(np.arange(256), np.arange(256), indexing="ij")


def test_ripple_is_exact():
    assert (add(A, B, width=8) == A + B).all()


def test_loa_by_hand():
    # 0b1011 + 0b0011 with k=2: low bits 11|11 = 11, carry 1&1 = 1, high 10 + 00 + 1 = 11.
    assert add(0b1011, 0b0011, width=4, kind="loa", approx_bits=2) == 0b1111


@pytest.mark.parametrize("kind", ["loa", "maj_not", "maj_only", "inxa2", "axa3"])
@pytest.mark.parametrize("k", [1, 3, 8])
def test_error_stays_in_low_bits(kind, k):
    error = add(A, B, width=8, kind=kind, approx_bits=k) - (A + B)
    # Only the k approximate sum bits and the one carry they pass on can be wrong.
    assert np.abs(error).max() < 2 << k


def test_maj_not_keeps_carries_exact():
    # maj_not's carry is the exact majority, so the bits above k are exactly right.
    k = 4
    approximate = add(A, B, width=8, kind="maj_not", approx_bits=k)
    assert (approximate >> k == (A + B) >> k).all()
    assert (approximate & 15 != (A + B) & 15).any()
