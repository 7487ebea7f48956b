"""A popcount compressor tree as plain data, shared by the generator and the golden model.

The plan is a list of full and half adders in topological order. Wires ``0 .. n_inputs-1`` are
the input bits (all of weight 1); every adder reads wires of one column and writes a sum wire to
that column and a carry wire to the next. The result has ``W = n_inputs.bit_length()`` bits, the
width of an exact count: carries into column ``W`` are dropped (they are provably zero in an exact
tree; an approximate tree whose sum exceeds ``n_inputs`` wraps, in hardware and model alike, and
characterisation counts that as the error it is). The tree first reduces every column to at
most two bits (Wallace or Dadda schedule), then a ripple-carry stage reduces each column to one
bit. The ``chain`` tree instead adds words: a balanced tree of ripple-carry adders, each
taking one spare input bit as its carry-in, which FPGA carry chains implement at about one LUT
per bit removed. Every ripple-carry run is recorded in :attr:`CompressorPlan.chains` so that the
generator can emit it as one ``+`` for the synthesis tool to map onto a carry chain. Both the
Amaranth generator (:mod:`hwgen.popcount`) and the NumPy model (:mod:`sim.popcount`) walk the
same plan, so they cannot disagree on wiring, only on arithmetic, which the tests check.

This module imports no Amaranth.
"""

from dataclasses import dataclass

__all__ = ["Adder", "CompressorPlan", "build_plan", "TREES"]

TREES = ("chain", "dadda", "wallace")


@dataclass(frozen=True)
class Adder:
    """One node of the tree.

    ``inputs`` has three wires for a full adder, two for a half adder. ``variant`` names the
    full-adder variant (``"exact"`` or one of the approximate ones); half adders are always exact.
    ``level`` counts reduction stages from 1; the final ripple-carry stage is the last level.
    """
    inputs: tuple
    sum: int
    carry: int
    column: int
    level: int
    variant: str = "exact"

    @property
    def is_full(self):
        return len(self.inputs) == 3


@dataclass(frozen=True)
class CompressorPlan:
    """A complete popcount tree: ``outputs[i]`` is the wire of result bit ``i``.

    ``chains`` lists ripple-carry chains as tuples of adder indices, least significant first:
    every adder after the first reads the previous one's carry as its last input.
    """
    n_inputs: int
    n_wires: int
    adders: tuple
    outputs: tuple
    levels: int
    chains: tuple = ()

    @property
    def out_width(self):
        return len(self.outputs)

    def count(self, kind="all"):
        """Number of adders: ``kind`` is ``"all"``, ``"full"``, ``"half"`` or ``"approximate"``."""
        select = {
            "all":         lambda adder: True,
            "full":        lambda adder: adder.is_full,
            "half":        lambda adder: not adder.is_full,
            "approximate": lambda adder: adder.variant != "exact",
        }[kind]
        return sum(1 for adder in self.adders if select(adder))


def _dadda_targets(max_height):
    """Dadda's column-height targets below ``max_height``, largest first (..., 6, 4, 3, 2)."""
    targets = [2]
    while (targets[-1] * 3) // 2 < max_height:
        targets.append((targets[-1] * 3) // 2)
    return targets[::-1]


class _Builder:
    def __init__(self, n_inputs, is_approximate, variant):
        self.n_wires = n_inputs
        self.adders = []
        self.chains = []
        self._is_approximate = is_approximate
        self._variant = variant

    def add(self, inputs, column, level):
        sum_wire, carry_wire = self.n_wires, self.n_wires + 1
        self.n_wires += 2
        variant = "exact"
        if len(inputs) == 3 and self._is_approximate(column, level):
            variant = self._variant
        self.adders.append(Adder(tuple(inputs), sum_wire, carry_wire, column, level, variant))
        return sum_wire, carry_wire

    def add_chain(self, operands, level):
        """A ripple-carry chain over ``operands[column]`` (wire lists, carry-in last in column 0).

        Every column's operands plus the carry from below go through one adder; a column left
        with one bit passes it through and ends the chain. Returns one result wire per column.
        """
        outputs, carry, chain = [], [], []
        for column, bits in enumerate(operands):
            bits = list(bits) + carry
            if len(bits) == 1:
                outputs.append(bits[0])
                carry = []
                self._end_chain(chain)
                chain = []
                continue
            s, c = self.add(bits, column, level)
            chain.append(len(self.adders) - 1)
            outputs.append(s)
            carry = [c]
        self._end_chain(chain)
        return outputs

    def _end_chain(self, chain):
        if len(chain) > 1:
            self.chains.append(tuple(chain))


def _reduce_stage(builder, columns, level, target):
    """One Wallace (``target is None``) or Dadda stage; returns the next stage's columns."""
    # One spare column catches carries out of the top column; it is dropped below.
    next_columns = [[] for _ in range(len(columns) + 1)]
    for column, bits in enumerate(columns):
        bits = list(bits)
        if target is None:
            # Wallace: every group of three gets a full adder, a leftover pair a half adder, in
            # every column still taller than two.
            while len(columns[column]) > 2 and len(bits) >= 2:
                take = 3 if len(bits) >= 3 else 2
                group, bits = bits[:take], bits[take:]
                s, c = builder.add(group, column, level)
                next_columns[column].append(s)
                next_columns[column + 1].append(c)
        else:
            # Dadda: reduce only as much as needed, counting carries already sent into the column.
            while len(bits) + len(next_columns[column]) > target:
                take = 3 if len(bits) + len(next_columns[column]) - target >= 2 else 2
                group, bits = bits[:take], bits[take:]
                s, c = builder.add(group, column, level)
                next_columns[column].append(s)
                next_columns[column + 1].append(c)
        next_columns[column].extend(bits)
    return next_columns[:len(columns)]


def _chain_tree(builder, wires):
    """Counts ``wires`` as ``carry_in + left + right`` recursively; returns (result, level)."""
    if len(wires) == 1:
        return list(wires), 0
    if len(wires) <= 3:
        return builder.add_chain([list(wires), []], 1), 1
    carry_in, rest = wires[0], wires[1:]
    half = (len(rest) + 1) // 2
    left, left_level = _chain_tree(builder, rest[:half])
    right, right_level = _chain_tree(builder, rest[half:])
    level = max(left_level, right_level) + 1
    # Exact sums fit len(wires).bit_length() bits, so the chain needs no column above them.
    width = len(wires).bit_length()
    operands = [left[column:column + 1] + right[column:column + 1] for column in range(width)]
    operands[0].append(carry_in)
    return builder.add_chain(operands, level)[:width], level


def build_plan(n_inputs, *, tree="dadda", variant="exact", approx_columns=None,
               approx_levels=None):
    """Build the compressor tree of an ``n_inputs``-bit popcount.

    Full adders become ``variant`` where they lie in one of the ``approx_columns`` lowest-weight
    columns, or in one of the first ``approx_levels`` levels; with neither given, every full adder
    does. Arguments are validated by :class:`hwgen.config.Popcount`.
    """
    if approx_columns is not None:
        is_approximate = lambda column, level: column < approx_columns
    elif approx_levels is not None:
        is_approximate = lambda column, level: level <= approx_levels
    else:
        is_approximate = lambda column, level: True
    builder = _Builder(n_inputs, is_approximate, variant)

    if tree == "chain":
        outputs, levels = _chain_tree(builder, list(range(n_inputs)))
    else:
        outputs, levels = _compress(builder, n_inputs, tree)
    return CompressorPlan(n_inputs, builder.n_wires, tuple(builder.adders), tuple(outputs),
                          levels, tuple(builder.chains))


def _compress(builder, n_inputs, tree):
    """Wallace or Dadda column compression, then a ripple stage; returns (result, levels)."""
    width = n_inputs.bit_length()
    columns = [list(range(n_inputs))] + [[] for _ in range(width - 1)]
    level = 1
    targets = _dadda_targets(n_inputs) if tree == "dadda" else None
    while max(map(len, columns)) > 2:
        target = targets.pop(0) if targets is not None else None
        columns = _reduce_stage(builder, columns, level, target)
        level += 1
    # Final carry-propagate stage: every column of at most two bits plus a carry to one bit.
    outputs = builder.add_chain(columns, level)
    levels = level if any(adder.level == level for adder in builder.adders) else level - 1
    return outputs, levels
