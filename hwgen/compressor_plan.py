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

A counter plan (``counter`` one of :data:`~hwgen.fa_variants.COUNTERS`) spends approximation
where LUT fabrics pay for it: its first level packs the inputs into counters of one LUT4 per
output bit, whose results exact ripple-carry adders add (``maj4``'s bits through the ``chain``
tree, ``sat4``'s two-bit words through a balanced tree of word adders). The counters' mean
error is compensated by constant ones, taken as carry-ins in the column the words start at
(a constant input, which synthesis folds into the adder's LUT or carry): the plan's
:attr:`CompressorPlan.constants` are wires of fixed value.

A matrix plan (:func:`build_matrix_plan`) generalises the inputs to bits of different
weights, as the partial products of a multiplier are: :attr:`CompressorPlan.input_columns` gives
each input's column (a popcount's are all column 0 and leave it empty), and the result is
``out_width`` columns. Its ``chain`` tree adds rows (words of consecutive columns) in a balanced
tree of ripple-carry adders, taking constant ones as carry-ins where a chain starts in their
column; ``dadda`` and ``wallace`` compress its columns as for a popcount.

This module imports no Amaranth.
"""

from dataclasses import dataclass
from math import floor

from .fa_variants import COUNTERS, counter_mean_error

__all__ = ["Adder", "CompressorPlan", "build_plan", "build_matrix_plan", "TREES"]

TREES = ("chain", "dadda", "wallace")


@dataclass(frozen=True)
class Adder:
    """One node of the tree.

    ``inputs`` has three wires for a full adder, two for a half adder. ``variant`` names the
    full-adder variant (``"exact"`` or one of the approximate ones) or the counter; half adders
    are always exact. A counter without a low output bit has ``sum`` ``None``.
    ``level`` counts reduction stages from 1; the final ripple-carry stage is the last level.
    """
    inputs: tuple
    sum: int
    carry: int
    column: int
    level: int
    variant: str = "exact"

    @property
    def is_counter(self):
        return self.variant in COUNTERS

    @property
    def is_full(self):
        return len(self.inputs) == 3 and not self.is_counter


@dataclass(frozen=True)
class CompressorPlan:
    """A complete popcount tree: ``outputs[i]`` is the wire of result bit ``i``.

    ``chains`` lists ripple-carry chains as tuples of adder indices, least significant first:
    every adder after the first reads the previous one's carry as its last input.
    ``constants`` holds ``(wire, value)`` pairs: wires of a fixed bit, not computed by an adder.
    ``input_columns`` holds the column of every input of a matrix plan; empty for a popcount,
    whose inputs all have weight 1.
    """
    n_inputs: int
    n_wires: int
    adders: tuple
    outputs: tuple
    levels: int
    chains: tuple = ()
    constants: tuple = ()
    input_columns: tuple = ()

    @property
    def out_width(self):
        return len(self.outputs)

    def count(self, kind="all"):
        """Number of adders: ``kind`` is ``"all"``, ``"full"``, ``"half"``, ``"counter"`` or
        ``"approximate"`` (approximate full adders and counters)."""
        select = {
            "all":         lambda adder: True,
            "full":        lambda adder: adder.is_full,
            "half":        lambda adder: len(adder.inputs) == 2,
            "counter":     lambda adder: adder.is_counter,
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
        self.constants = []
        self._is_approximate = is_approximate
        self._variant = variant

    def _wire(self):
        self.n_wires += 1
        return self.n_wires - 1

    def add(self, inputs, column, level):
        sum_wire, carry_wire = self._wire(), self._wire()
        variant = "exact"
        if len(inputs) == 3 and self._is_approximate(column, level):
            variant = self._variant
        self.adders.append(Adder(tuple(inputs), sum_wire, carry_wire, column, level, variant))
        return sum_wire, carry_wire

    def add_counter(self, counter, inputs, level):
        """A ``counter`` over input bits; returns its word (wires, lowest column first)."""
        has_sum = COUNTERS[counter][1]
        sum_wire = self._wire() if has_sum else None
        carry_wire = self._wire()
        self.adders.append(Adder(tuple(inputs), sum_wire, carry_wire, 0, level, counter))
        return [sum_wire, carry_wire] if has_sum else [carry_wire]

    def constant(self, value):
        """A wire of fixed ``value``: zeros share one, each one is a bit of its own."""
        for wire, fixed in self.constants:
            if value == fixed == 0:
                return wire
        wire = self._wire()
        self.constants.append((wire, value))
        return wire

    def add_chain(self, operands, level, base=0):
        """A ripple-carry chain over ``operands[i]``, the wire lists of column ``base + i``
        (carry-in last in the first).

        Every column's operands plus the carry from below go through one adder; a column left
        with one bit passes it through and ends the chain. Returns one result wire per column.
        """
        outputs, carry, chain = [], [], []
        for column, bits in enumerate(operands, base):
            bits = list(bits) + carry
            if len(bits) <= 1:
                # A column of one bit passes it on; an empty one (a matrix word's gap) is 0.
                outputs.append(bits[0] if bits else self.constant(0))
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


@dataclass(frozen=True)
class _Word:
    """Wires of consecutive columns from ``base``, lowest first; ``top`` bounds the value they
    hold in units of that column."""
    wires: list
    top: int
    level: int
    base: int = 0


def _add_words(builder, left, right, carry_in, level):
    """``left + right (+ carry_in)`` as one ripple-carry chain, no wider than its value needs.

    The chain starts at the higher of the two bases (``carry_in`` belongs to that column); the
    lower word's bits below it pass through.
    """
    base, start = min(left.base, right.base), max(left.base, right.base)
    top = (left.top << (left.base - base)) + (right.top << (right.base - base)) \
        + ((carry_in is not None) << (start - base))
    width = top.bit_length()
    lower = left if left.base == base else right
    operands = [left.wires[column - left.base:column - left.base + 1]
                + right.wires[column - right.base:column - right.base + 1]
                for column in range(start, base + width)]
    if carry_in is not None:
        operands[0].append(carry_in)
    low = lower.wires[:start - base]
    if len(low) < start - base:  # a gap below the chain's start
        low += [builder.constant(0)] * (start - base - len(low))
    wires = low + builder.add_chain(operands, level, start)
    return _Word(wires[:width], top, level, base)


def _chain_tree(builder, wires, base=0, level=0):
    """Counts ``wires`` of column ``base``, known at ``level``, as ``carry_in + left + right``
    recursively (carry-ins from the front of ``wires`` first); returns their word."""
    if len(wires) == 1:
        return _Word(list(wires), 1, level, base)
    if len(wires) <= 3:
        return _Word(builder.add_chain([list(wires), []], level + 1, base), len(wires),
                     level + 1, base)
    carry_in, rest = wires[0], wires[1:]
    half = (len(rest) + 1) // 2
    left = _chain_tree(builder, rest[:half], base, level)
    right = _chain_tree(builder, rest[half:], base, level)
    return _add_words(builder, left, right, carry_in, max(left.level, right.level) + 1)


def _word_tree(builder, words, carry_ins):
    """Adds ``words`` in a balanced tree of ripple-carry adders, each taking one of
    ``carry_ins`` (wires of the words' lowest column) while any remain; returns the sum."""
    if len(words) == 1:
        return words[0]
    half = (len(words) + 1) // 2
    left = _word_tree(builder, words[:half], carry_ins)
    right = _word_tree(builder, words[half:], carry_ins)
    carry_in = carry_ins.pop() if carry_ins else None
    return _add_words(builder, left, right, carry_in, max(left.level, right.level) + 1)


def _counter_tree(builder, n_inputs, counter):
    """Counters over the inputs, then exact word adders; returns (result bits, levels).

    A counter without a sum (``maj4``) writes one bit of column 1, which an exact
    chain tree counts; the inputs left over below a whole counter are added exactly in column
    0, where the result's lowest bit stays. ``sat4``'s two-bit words go through a balanced tree
    of word adders. Constant ones in the words' lowest column cancel the counters' mean error
    to the nearest unit of that column; they go first, where they become carry-ins.
    """
    arity, has_sum = COUNTERS[counter]
    groups, base = n_inputs // arity, 0 if has_sum else 1
    if has_sum:
        # Words of column 0 take an input as every adder's carry-in, one cell a bit like
        # the rest of a chain: n = groups * arity + groups - 1.
        groups = max((n_inputs + 1) // (arity + 1), 1)
    words = [_Word(builder.add_counter(counter, range(group * arity, (group + 1) * arity), 1),
                   3 if has_sum else 1, 1, base) for group in range(groups)]
    spare = list(range(groups * arity, n_inputs))
    loss, low = -groups * counter_mean_error(counter), []
    if not has_sum:
        if not spare:
            # No input is left for the lowest result bit: it takes the odd unit of the loss.
            odd = floor(loss + 0.5) & 1
            low, loss = [builder.constant(odd)], loss - odd
        elif len(spare) == 1:
            low, spare = spare, []
        else:
            low, carry = builder.add_chain([spare, []], 1)
            low, spare = [low], [carry]
    compensation = floor(loss / (1 << base) + 0.5)
    carry_ins = spare + [builder.constant(1) for _ in range(compensation)]
    if has_sum:
        while len(carry_ins) > len(words) - 1:
            words.append(_Word([carry_ins.pop(0)], 1, 0, base))
        total = _word_tree(builder, words, carry_ins)
    else:
        total = _chain_tree(builder, carry_ins[::-1] + [word.wires[0] for word in words],
                            base, level=1)
    outputs = (low + total.wires)[:n_inputs.bit_length()]
    if len(outputs) < n_inputs.bit_length():
        zero = builder.constant(0)
        outputs += [zero] * (n_inputs.bit_length() - len(outputs))
    return outputs, total.level


def build_plan(n_inputs, *, tree="dadda", variant="exact", approx_columns=None,
               approx_levels=None, counter=None):
    """Build the compressor tree of an ``n_inputs``-bit popcount.

    Full adders become ``variant`` where they lie in one of the ``approx_columns`` lowest-weight
    columns, or in one of the first ``approx_levels`` levels; with neither given, every full adder
    does. A ``counter`` first level (``chain`` tree only) takes whole groups of inputs; a popcount
    narrower than one counter has none. Arguments are validated by :class:`hwgen.config.Popcount`.
    """
    if approx_columns is not None:
        is_approximate = lambda column, level: column < approx_columns
    elif approx_levels is not None:
        is_approximate = lambda column, level: level <= approx_levels
    else:
        is_approximate = lambda column, level: True
    builder = _Builder(n_inputs, is_approximate, variant)

    if counter is not None and n_inputs >= COUNTERS[counter][0]:
        outputs, levels = _counter_tree(builder, n_inputs, counter)
    elif tree == "chain":
        total = _chain_tree(builder, list(range(n_inputs)))
        outputs, levels = total.wires, total.level
    else:
        outputs, levels = _compress(builder, n_inputs, tree)
    return CompressorPlan(n_inputs, builder.n_wires, tuple(builder.adders), tuple(outputs),
                          levels, tuple(builder.chains), tuple(builder.constants))


def _compress(builder, n_inputs, tree):
    """Wallace or Dadda column compression, then a ripple stage; returns (result, levels)."""
    width = n_inputs.bit_length()
    columns = [list(range(n_inputs))] + [[] for _ in range(width - 1)]
    return _compress_columns(builder, columns, tree)


def _compress_columns(builder, columns, tree):
    """:func:`_compress` of ``columns`` (the wires of each column, lowest first)."""
    level = 1
    targets = _dadda_targets(max(map(len, columns))) if tree == "dadda" else None
    while max(map(len, columns)) > 2:
        target = targets.pop(0) if targets is not None else None
        columns = _reduce_stage(builder, columns, level, target)
        level += 1
    # Final carry-propagate stage: every column of at most two bits plus a carry to one bit.
    outputs = builder.add_chain(columns, level)
    levels = level if any(adder.level == level for adder in builder.adders) else level - 1
    return outputs, levels


def _row_tree(builder, rows, compensation):
    """Adds ``rows`` (words) in a balanced tree of ripple-carry adders; returns the sum.

    One-bit rows are carry-ins: each goes to an adder whose chain starts in its column (one
    that none takes is added last, as a word: an increment from its column up). An adder left
    without a carry-in takes a constant one while that brings the sum nearer ``compensation``
    (a value to add, in units of column 0), so the constant costs no cell.
    """
    carry_ins = [row for row in rows if len(row.wires) == 1]
    rows = [row for row in rows if len(row.wires) > 1] or carry_ins[:1]
    carry_ins = [row for row in carry_ins if row not in rows]
    while len(rows) > 1:
        paired = []
        for left, right in zip(rows[::2], rows[1::2]):
            start = max(left.base, right.base)
            carry_in = next((row for row in carry_ins if row.base == start), None)
            if carry_in is not None:
                carry_ins.remove(carry_in)
                carry_in = carry_in.wires[0]
            elif 2 * compensation >= 1 << start:
                compensation -= 1 << start
                carry_in = builder.constant(1)
            paired.append(_add_words(builder, left, right, carry_in,
                                     max(left.level, right.level) + 1))
        rows = paired + rows[len(paired) * 2:]
        if len(rows) == 1 and carry_ins:
            rows.append(carry_ins.pop(0))
    return rows[0]


def build_matrix_plan(rows, out_width, *, tree="chain", variant="exact", approx_columns=None,
                      compensation=0):
    """The compressor tree of a bit matrix: inputs in rows of consecutive columns.

    ``rows`` holds ``(base, width)`` per row; inputs are numbered row by row, lowest column
    first. ``compensation`` is a constant to add (in units of column 0), such as a truncated
    multiplier's expected loss: the ``chain`` tree takes it as constant carry-ins where chains
    start (as near as those columns allow), the others as constant bits in its columns. The
    result is ``out_width`` bits; carries above are dropped. Full adders become ``variant`` in
    the ``approx_columns`` lowest columns (in all columns when that is ``None``).
    """
    if approx_columns is not None:
        is_approximate = lambda column, level: column < approx_columns
    else:
        is_approximate = lambda column, level: True
    n_inputs = sum(width for _, width in rows)
    builder = _Builder(n_inputs, is_approximate, variant)
    input_columns = tuple(base + offset for base, width in rows for offset in range(width))
    if tree == "chain":
        words, first = [], 0
        for base, width in rows:
            words.append(_Word(list(range(first, first + width)), (1 << width) - 1, 0, base))
            first += width
        total = _row_tree(builder, words, compensation)
        outputs = [builder.constant(0)] * total.base + total.wires
        levels = total.level
    else:
        columns = [[] for _ in range(out_width)]
        for wire, column in enumerate(input_columns):
            columns[column].append(wire)
        for column in range(out_width):
            if (compensation >> column) & 1:
                columns[column].append(builder.constant(1))
        outputs, levels = _compress_columns(builder, columns, tree)
    outputs = (outputs + [builder.constant(0)] * out_width)[:out_width]
    return CompressorPlan(n_inputs, builder.n_wires, tuple(builder.adders), tuple(outputs),
                          levels, tuple(builder.chains), tuple(builder.constants), input_columns)
