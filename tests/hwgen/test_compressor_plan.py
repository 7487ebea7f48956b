"""The compressor-tree plan: exact plans count exactly, wiring is sound, approximation lands
where the options say."""

import random

import pytest

from axbnn.hwgen.compressor_plan import TREES, build_plan
from axbnn.hwgen.fa_variants import COUNTERS, counter_mean_error


def walk_exact(plan, bits):
    """Evaluate a plan with Python integers, every adder exact: independent of sim/."""
    wires = list(bits) + [0] * (plan.n_wires - plan.n_inputs)
    for adder in plan.adders:
        total = sum(wires[wire] for wire in adder.inputs)
        wires[adder.sum], wires[adder.carry] = total & 1, total >> 1
    return sum(wires[wire] << weight for weight, wire in enumerate(plan.outputs))


@pytest.mark.parametrize("tree", TREES)
@pytest.mark.parametrize("width", [1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 33, 64, 100, 255, 256, 1024])
def test_exact_plan_counts(tree, width):
    plan = build_plan(width, tree=tree)
    rng = random.Random(width)
    for value in [0, (1 << width) - 1] + [rng.getrandbits(width) for _ in range(40)]:
        bits = [(value >> index) & 1 for index in range(width)]
        assert walk_exact(plan, bits) == bin(value).count("1")


@pytest.mark.parametrize("tree", TREES)
@pytest.mark.parametrize("width", [3, 17, 256])
def test_wiring(tree, width):
    plan = build_plan(width, tree=tree)
    column = {wire: 0 for wire in range(width)}
    for adder in plan.adders:
        assert all(wire in column for wire in adder.inputs), "read before written"
        assert {column[wire] for wire in adder.inputs} == {adder.column}
        assert adder.sum not in column and adder.carry not in column, "written twice"
        column[adder.sum], column[adder.carry] = adder.column, adder.column + 1
    assert [column[wire] for wire in plan.outputs] == list(range(width.bit_length()))
    assert plan.out_width == width.bit_length()


@pytest.mark.parametrize("tree", TREES)
@pytest.mark.parametrize("width", [5, 64, 255, 1024])
def test_bit_conservation(tree, width):
    # n input bits end as W result bits: a full adder removes one bit, a half adder none, and a
    # carry dropped out of the top column one, so together they must account for n - W.
    plan = build_plan(width, tree=tree)
    read = {wire for adder in plan.adders for wire in adder.inputs} | set(plan.outputs)
    dropped = sum(1 for adder in plan.adders if adder.carry not in read)
    assert plan.count("full") + dropped == width - plan.out_width


def test_approximate_everywhere_by_default():
    plan = build_plan(64, variant="maj_not")
    assert plan.count("approximate") == plan.count("full") > 0
    assert all(adder.variant == "exact" for adder in plan.adders if not adder.is_full)


def test_approximate_columns():
    plan = build_plan(256, variant="axa3", approx_columns=3)
    for adder in plan.adders:
        expected = "axa3" if adder.is_full and adder.column < 3 else "exact"
        assert adder.variant == expected
    assert 0 < plan.count("approximate") < plan.count("full")


def test_approximate_levels():
    plan = build_plan(256, variant="maj_not", approx_levels=2)
    for adder in plan.adders:
        expected = "maj_not" if adder.is_full and adder.level <= 2 else "exact"
        assert adder.variant == expected
    assert 0 < plan.count("approximate") < plan.count("full")


def test_wallace_is_shallower_than_dadda():
    assert build_plan(256, tree="wallace").levels < build_plan(256, tree="dadda").levels


@pytest.mark.parametrize("tree", TREES)
def test_chains_link_carries(tree):
    plan = build_plan(256, tree=tree)
    assert plan.chains
    for chain in plan.chains:
        assert list(chain) == list(range(chain[0], chain[0] + len(chain))), "not contiguous"
        for below, above in zip(chain, chain[1:]):
            assert plan.adders[above].inputs[-1] == plan.adders[below].carry
            assert plan.adders[above].column == plan.adders[below].column + 1


def test_chain_tree_adds_words_with_a_carry_in():
    # 256 bits: 64 leaves of three bits, 63 word adders taking one bit each as carry-in, plus
    # the root's spare bit; every word adder of k-bit operands is a chain of k adders.
    plan = build_plan(256, tree="chain")
    assert plan.levels == 8
    assert len(plan.chains) == 64
    assert plan.count("full") == 256 - plan.out_width


# Counter plans: what a counter stands for, by the number of its inputs set, from
# fa_variants' table, and the bits it writes (sum, carry) or (carry,).
COUNTER_VALUE = {"maj4": lambda ones: 2 * (ones >= 2), "sat4": lambda ones: min(ones, 3)}
COUNTER_PLANS = [(width, counter) for counter in COUNTERS
                 for width in [4, 5, 6, 7, 8, 9, 12, 13, 31, 32, 33, 64, 100]]


def walk_counters(plan, bits):
    """Evaluate a counter plan with Python integers and the counters' arithmetic."""
    wires = list(bits) + [0] * (plan.n_wires - plan.n_inputs)
    for wire, value in plan.constants:
        wires[wire] = value
    for adder in plan.adders:
        total = sum(wires[wire] for wire in adder.inputs)
        if adder.is_counter:
            total = COUNTER_VALUE[adder.variant](total) >> (adder.sum is None)
        if adder.sum is not None:
            wires[adder.sum] = total & 1
        wires[adder.carry] = total >> (adder.sum is not None)
    return sum(wires[wire] << weight for weight, wire in enumerate(plan.outputs))


@pytest.mark.parametrize("width, counter", COUNTER_PLANS)
def test_counter_plan_counts_its_counters_exactly(width, counter):
    # Above the counters the tree is exact: the count is the counters' values, the inputs no
    # counter takes, and the compensation, which is what the plan counts for no input set.
    plan = build_plan(width, tree="chain", counter=counter)
    arity, has_sum = COUNTERS[counter]
    groups = plan.count("counter")
    compensation = walk_counters(plan, [0] * width)
    # Rounded to the lowest column the counters write, or to 2 when an input shares column 0.
    unit = 2 if not has_sum and width % arity else 1
    assert abs(compensation + groups * counter_mean_error(counter)) <= unit / 2
    rng = random.Random(width)
    for value in [0, (1 << width) - 1] + [rng.getrandbits(width) for _ in range(40)]:
        bits = [(value >> index) & 1 for index in range(width)]
        expected = sum(COUNTER_VALUE[counter](sum(bits[group * arity:(group + 1) * arity]))
                       for group in range(groups)) + sum(bits[groups * arity:]) + compensation
        assert walk_counters(plan, bits) == expected % (1 << plan.out_width)


@pytest.mark.parametrize("width, counter", COUNTER_PLANS)
def test_counter_plan_wiring(width, counter):
    # Every input goes to exactly one counter or, left over, to the exact tree; counters read
    # only inputs; every other adder reads wires of its column; constants fit any column.
    plan = build_plan(width, tree="chain", counter=counter)
    column = {wire: 0 for wire in range(width)}
    column.update({wire: None for wire, _ in plan.constants})
    read = [wire for adder in plan.adders for wire in adder.inputs] + list(plan.outputs)
    assert sorted(wire for wire in read if wire < width) == list(range(width))
    for adder in plan.adders:
        assert all(wire in column for wire in adder.inputs), "read before written"
        assert adder.is_counter == (adder.level == 1 and max(adder.inputs) < width
                                    and len(adder.inputs) == COUNTERS[counter][0])
        assert {column[wire] for wire in adder.inputs} - {None} <= {adder.column}
        written = [wire for wire in (adder.sum, adder.carry) if wire is not None]
        assert not set(written) & set(column), "written twice"
        if adder.sum is not None:
            column[adder.sum] = adder.column
        column[adder.carry] = adder.column + 1
    for weight, wire in enumerate(plan.outputs):
        assert column[wire] in (weight, None)
    # sat4 leaves inputs for every word adder's carry-in, maj4 (column 1) only a remainder.
    arity, has_sum = COUNTERS[counter]
    assert plan.count("counter") == ((width + 1) // (arity + 1) if has_sum else width // arity)


def test_counters_need_a_whole_group():
    assert build_plan(3, tree="chain", counter="maj4") == build_plan(3, tree="chain")
