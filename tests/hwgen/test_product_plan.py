"""The partial-product plan: exact plans multiply, wiring respects columns, approximations
remove what they say."""

import random

import pytest

from axbnn.hwgen.compressor_plan import TREES
from axbnn.hwgen.config import ProductMultiplierConfig
from axbnn.hwgen.product_plan import build_product_plan


def walk_exact(plan, a, b):
    """The plan with Python integers, terms from their definition, every adder exact."""
    tree = plan.tree
    wires = [0] * tree.n_wires
    for index, term in enumerate(plan.terms):
        bits = [(a >> i) & (b >> j) & 1 for i, j in term.pairs]
        wires[index] = max(bits) if term.kind == "or" else min(bits)
    for wire, value in tree.constants:
        wires[wire] = value
    for adder in tree.adders:
        total = sum(wires[wire] for wire in adder.inputs)
        wires[adder.sum], wires[adder.carry] = total & 1, total >> 1
    return sum(wires[wire] << weight for weight, wire in enumerate(tree.outputs))


def _pairs(seed, count=400):
    rng = random.Random(seed)
    corners = [(0, 0), (255, 255), (255, 1), (1, 255), (128, 128), (85, 170)]
    return corners + [(rng.randrange(256), rng.randrange(256)) for _ in range(count)]


@pytest.mark.parametrize("tree", TREES)
def test_exact_plans_multiply(tree):
    plan = build_product_plan(tree=tree)
    assert len(plan.terms) == 64 and plan.mean_error == 0
    for a, b in _pairs(1):
        assert walk_exact(plan, a, b) == a * b


@pytest.mark.parametrize("name", ["umul8-exact", "umul8-t4-or3321-cin", "umul8-or7777",
                                  "umul8-t6-dadda", "umul8-t2-or0444-cin-wallace"])
def test_wiring_respects_columns(name):
    tree = ProductMultiplierConfig.from_name(name).plan.tree
    column = {wire: tree.input_columns[wire] for wire in range(tree.n_inputs)}
    constants = {wire for wire, _ in tree.constants}
    for adder in tree.adders:
        assert all(wire in column or wire in constants for wire in adder.inputs)
        assert {column[wire] for wire in adder.inputs if wire in column} <= {adder.column}
        column[adder.sum], column[adder.carry] = adder.column, adder.column + 1
    assert [column.get(wire, weight) for weight, wire in enumerate(tree.outputs)] \
        == list(range(16))


def test_truncation_drops_the_low_columns_and_compensates():
    # Columns 0-3 hold 1, 2, 3 and 4 partial products, each one a quarter of the time:
    # (1 + 2*2 + 3*4 + 4*8) / 4 = 12.25 lost on average.
    plan = build_product_plan(truncate=4, tree="dadda")
    assert len(plan.terms) == 64 - 10
    assert min(term.column for term in plan.terms) == 4
    assert plan.mean_error == -12.25
    assert walk_exact(plan, 0, 0) == 12 and walk_exact(plan, 255, 255) == 255 * 255 - 49 + 12


def test_merging_ors_the_lowest_overlapping_columns_of_a_pair():
    plan = build_product_plan(merge=(2, 0, 0, 0), carry=True)
    ored = [term for term in plan.terms if term.kind == "or"]
    assert [(term.column, term.pairs) for term in ored] == [(1, ((1, 0), (0, 1))),
                                                           (2, ((2, 0), (1, 1)))]
    (carry,) = [term for term in plan.terms if len(term.pairs) == 2 and term.kind == "and"]
    assert carry.column == 3 and carry.pairs == ((2, 0), (1, 1))
    assert len(plan.terms) == 64 - 2 + 1
    # (2 + 4) / 16 lost by the ORs, 8 / 16 given back by the carry.
    assert plan.mean_error == pytest.approx(0.125)
