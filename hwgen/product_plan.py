"""An 8x8 multiplier as a partial-product matrix and its compressor tree, as plain data.

The unsigned product ``a * b`` is the sum of the partial products ``a_i & b_j`` of weight
``2**(i + j)``: row ``j`` holds ``a & b_j`` from column ``j``. Every input of the compressor tree
(:func:`hwgen.compressor_plan.build_matrix_plan`) is a :class:`ProductTerm`, a function of at most
four operand bits, so on a LUT4 fabric each costs one LUT whatever it computes. Approximations:

- ``truncate=T`` drops every partial product of the ``T`` lowest columns;
- ``or_columns=K`` replaces each column below ``K`` (above the truncated ones) by the OR of its
  partial products, one bit without any adder (the lower-part-OR idea of the broken-array
  multipliers; EvoApprox's LUT-cheap designs do the same): wrong whenever two or more are one;
- ``merge`` (a digit per pair of rows ``2p``, ``2p + 1``) ORs the two partial products of the
  pair's lowest overlapping columns into one term (the lower-part-OR adder of Mahdiani et al.,
  2010, applied to partial products: it is wrong, by ``-2**c``, only when both are one), so one
  LUT4 and no adder cell replace two LUT4s and a carry-chain cell;
- ``carry=True`` adds, for a merged pair, the AND of the two partial products of its highest
  merged column as the carry-in of the pair's adder (a data-dependent compensation, free on
  a carry chain);
- the expected loss of all these (over uniform operands) is added back as constant ones where
  carry chains start (:func:`build_matrix_plan`'s ``compensation``), unless
  ``compensate=False``: a constant cancels the bias but gives ``0 * b`` a wrong product, which
  relative error (MRED) punishes hard;
- full adders of the tree can be approximate (``fa``) in its ``approx_columns`` lowest columns.

Generator (:mod:`hwgen.product_multiplier`) and golden model (:mod:`sim.product_multiplier`)
both compute the terms from :attr:`ProductPlan.terms` and walk :attr:`ProductPlan.tree`.
This module imports no Amaranth.
"""

import functools
import operator
from dataclasses import dataclass

from .compressor_plan import build_matrix_plan

__all__ = ["ProductTerm", "ProductPlan", "build_product_plan", "term_value", "TERM_KINDS",
           "OPERAND_BITS", "PAIRS"]

OPERAND_BITS = 8
PAIRS = OPERAND_BITS // 2  # pairs of partial-product rows a merge digit applies to
#: How a term combines its partial products.
TERM_KINDS = {"and": operator.and_, "or": operator.or_}


@dataclass(frozen=True)
class ProductTerm:
    """A compressor-tree input: partial products ``a_i & b_j`` for ``(i, j)`` in ``pairs``,
    combined by ``kind`` (one pair: the partial product itself), of weight ``2**column``."""
    kind: str
    pairs: tuple
    column: int


def term_value(term, a_bit, b_bit):
    """The term's bit, from ``a_bit(i)`` and ``b_bit(j)`` (Amaranth values or NumPy arrays)."""
    products = [a_bit(i) & b_bit(j) for i, j in term.pairs]
    return functools.reduce(TERM_KINDS[term.kind], products)


@dataclass(frozen=True)
class ProductPlan:
    """The terms (in the tree's input order) and the tree that adds them into ``2 * width``
    bits; ``mean_error`` is the expected error of the terms, before any constant
    compensation."""
    terms: tuple
    tree: object
    mean_error: float


def _partial_products(row, columns):
    """Row ``row``'s partial products in ``columns``."""
    return [ProductTerm("and", ((column - row, row),), column) for column in columns]


def _column_pairs(column):
    return [(column - row, row) for row in range(OPERAND_BITS) if 0 <= column - row < OPERAND_BITS]


def build_product_plan(*, truncate=0, or_columns=0, merge=(0,) * PAIRS, carry=False,
                       compensate=True, tree="chain", fa="exact", approx_columns=None):
    """The plan of an unsigned 8x8 multiplier; the arguments are described in this module's
    docstring and validated by :class:`hwgen.config.ProductMultiplierConfig`."""
    rows, loss = [], 0.0
    for column in range(truncate):
        loss += len(_column_pairs(column)) * (1 << column) / 4  # a product is one a 1/4 of the time
    ored_columns = range(truncate, max(or_columns, truncate))
    for column in ored_columns:
        # Independent partial products (no operand bit twice): the OR keeps 1 - (3/4)**h.
        heights = len(_column_pairs(column))
        loss += (heights / 4 - 1 + 0.75 ** heights) * (1 << column)
    truncate = max(truncate, or_columns)
    for pair, merged in enumerate(merge):
        low, high = 2 * pair, 2 * pair + 1
        ored = range(max(high, truncate), high + merged)
        rows.append(_partial_products(low, range(max(low, truncate), ored.start))
                    + [ProductTerm("or", ((column - low, low), (column - high, high)), column)
                       for column in ored]
                    + _partial_products(low, range(max(ored.stop, truncate), low + OPERAND_BITS)))
        rows.append(_partial_products(high, range(max(ored.stop, truncate), high + OPERAND_BITS)))
        loss += sum(1 << column for column in ored) / 16  # both ones: a sixteenth of the time
        if carry and ored:
            rows.append([ProductTerm("and", ((ored[-1] - low, low), (ored[-1] - high, high)),
                                     ored.stop)])
            loss -= (1 << ored.stop) / 16
    rows.append([ProductTerm("or", tuple(_column_pairs(column)), column)
                 for column in ored_columns])
    rows = [row for row in rows if row]
    plan = build_matrix_plan([(row[0].column, len(row)) for row in rows], 2 * OPERAND_BITS,
                             tree=tree, variant=fa, approx_columns=approx_columns,
                             compensation=max(round(loss), 0) if compensate else 0)
    return ProductPlan(tuple(term for row in rows for term in row), plan, -loss)
