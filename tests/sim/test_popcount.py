"""The popcount model against Python's bit count, and an approximate plan against a plain walk."""

import numpy as np
import pytest

from axbnn.hwgen.config import PopcountConfig
from axbnn.hwgen.fa_variants import COUNTERS, full_adder_equations
from axbnn.sim.bitpack import lanes_to_ints, pack_lanes, pack_rows
from axbnn.sim.popcount import count_rows, popcount, walk_lanes, xnor_popcount


@pytest.mark.parametrize("width, tree", [(1, "wallace"), (7, "dadda"), (64, "wallace"),
                                         (200, "dadda"), (1024, "wallace"),
                                         (1, "chain"), (2, "chain"), (255, "chain"),
                                         (1024, "chain")])
def test_exact_plan_counts_like_python(width, tree):
    rng = np.random.default_rng(width)
    bits = (rng.random((300, width)) < rng.random((300, 1))).astype(np.uint8)
    plan = PopcountConfig(width, tree=tree).plan
    expected = [bin(int("".join(map(str, row[::-1])), 2)).count("1") for row in bits]
    assert popcount(bits, plan=plan).tolist() == expected
    # The model counts exact plans with bitwise_count; the plan the hardware is built from must
    # count the same when walked adder by adder.
    assert lanes_to_ints(walk_lanes(pack_lanes(bits), plan), len(bits)).tolist() == expected


@pytest.mark.parametrize("width", [1, 63, 64, 65, 300])
def test_packed_rows_count_like_python(width):
    bits = np.random.default_rng(width).integers(0, 2, size=(3, 70, width), dtype=np.uint8)
    assert (count_rows(pack_rows(bits)) == bits.sum(axis=-1)).all()


def test_lanes_carry_a_batch_of_trees():
    # Two trees of one plan side by side on the same samples, as a layer's neurons are.
    plan = PopcountConfig(20, fa="maj_not").plan
    bits = np.random.default_rng(3).integers(0, 2, size=(2, 100, 20), dtype=np.uint8)
    lanes = np.stack([pack_lanes(tree) for tree in bits], axis=1)
    counts = lanes_to_ints(walk_lanes(lanes, plan), 100)
    assert (counts == popcount(bits, plan=plan)).all()


def test_approximate_plan_matches_a_scalar_walk():
    # Packing 64 samples per word must not change any sample's result: compare with a walk
    # over one sample at a time, in plain Python integers.
    plan = PopcountConfig(100, fa="maj_not", approx_columns=2).plan
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 2, size=(130, 100), dtype=np.uint8)
    for row, count in zip(bits, popcount(bits, plan=plan)):
        wires = [int(bit) for bit in row] + [0] * (plan.n_wires - plan.n_inputs)
        for adder in plan.adders:
            x = [wires[wire] for wire in adder.inputs]
            s, c = (full_adder_equations(adder.variant)(*map(np.bool_, x)) if adder.is_full
                    else (x[0] ^ x[1], x[0] & x[1]))
            wires[adder.sum], wires[adder.carry] = int(s), int(c)
        assert count == sum(wires[wire] << i for i, wire in enumerate(plan.outputs))


def test_approximate_plan_errs():
    plan = PopcountConfig(64, fa="maj_not").plan
    bits = np.random.default_rng(2).integers(0, 2, size=(1000, 64), dtype=np.uint8)
    assert (popcount(bits, plan=plan) != bits.sum(axis=1)).mean() > 0.5


def test_batch_shape_is_kept():
    plan = PopcountConfig(5).plan
    bits = np.ones((2, 3, 5), dtype=np.uint8)
    assert popcount(bits, plan=plan).tolist() == [[5, 5, 5], [5, 5, 5]]


def test_xnor_popcount_counts_agreement():
    plan = PopcountConfig(4).plan
    assert xnor_popcount([[1, 0, 1, 0]], [[1, 1, 1, 1]], plan=plan).tolist() == [2]


def test_wrong_width_is_refused():
    with pytest.raises(ValueError, match=r"^Popcount input must have 8 bits in its last axis, "
                                         r"not shape \(2, 7\)$"):
        popcount(np.zeros((2, 7)), plan=PopcountConfig(8).plan)


@pytest.mark.parametrize("counter", COUNTERS)
@pytest.mark.parametrize("width", [4, 7, 8, 12])
def test_counter_plan_against_arithmetic_exhaustively(counter, width):
    # Every input vector: each whole group of inputs counted as its counter's arithmetic says
    # (at least two of them as 2 for majorities, at most 3 for sat4), the rest exactly, plus
    # the compensation the plan counts for no input set.
    plan = PopcountConfig(width, counter=counter).plan
    taken = plan.count("counter") * COUNTERS[counter][0]  # the first inputs
    bits = ((np.arange(1 << width)[:, None] >> np.arange(width)) & 1).astype(np.uint8)
    groups = bits[:, :taken].reshape(len(bits), -1, COUNTERS[counter][0]).sum(axis=2)
    counted = np.minimum(groups, 3) if counter == "sat4" else 2 * (groups >= 2)
    expected = counted.sum(axis=1) + bits[:, taken:].sum(axis=1)
    counts = popcount(bits, plan=plan)
    assert (counts - expected == counts[0]).all()
