"""Popcount and XNOR-popcount built from the compressor-tree plan of the configuration."""

from amaranth.hdl import Cat, Const, Module, Signal

from .component import DesignComponent
from .config import PopcountConfig
from .fa_variants import node_equations

__all__ = ["Popcount", "XNORPopcount", "popcount_component", "build_tree"]


def popcount_component(config):
    """The component of a popcount configuration: with or without its XNOR stage."""
    return XNORPopcount(config) if config.xnor else Popcount(config)


class Popcount(DesignComponent):
    """Counts the set bits of ``a`` into ``count`` (``width.bit_length()`` bits).

    Combinational unless ``config.pipeline`` is set; then ``count`` follows ``a`` by
    ``config.latency`` cycles of the ``sync`` domain, one result per cycle. Every adder of the
    plan becomes two named signals, ``s{level}_{column}_{index}`` and ``c...`` (a counter without
    a sum only the second), and every exact ripple-carry run one ``+`` (signal ``w{index}``), so
    the netlist reads against the plan.
    """

    config_class = PopcountConfig
    requires = {"xnor": False}

    def elaborate(self, platform):
        m = Module()
        config, plan = self._config, self._config.plan
        wires = build_tree(m, plan, [self.a[index] for index in range(plan.n_inputs)],
                           config.stage)
        m.d.comb += self.count.eq(Cat(wires.read(wire, config.latency) for wire in plan.outputs))
        return m


def build_tree(m, plan, inputs, stage=lambda level: 0):
    """The logic of the compressor ``plan`` over the signals ``inputs`` (one per input wire),
    in ``m``; returns its wires, to read the outputs from (:meth:`_StagedWires.read`).

    ``stage(level)`` gives the pipeline registers a signal of tree level ``level`` has passed.
    Every adder becomes two named signals, ``s{level}_{column}_{index}`` and ``c...``, and every
    exact ripple-carry run one ``+`` (signal ``w{index}``).
    """
    wires = _StagedWires(m, plan.n_wires)
    for index, signal in enumerate(inputs):
        wires.define(index, signal, stage=0)
    for wire, value in plan.constants:
        wires.define(wire, Const(value), stage=None)
    runs = {run[0]: run for run in _exact_runs(plan)}
    index = 0
    while index < len(plan.adders):
        adder = plan.adders[index]
        level_stage = stage(adder.level)
        if index in runs:
            _add_words(m, wires, [plan.adders[i] for i in runs[index]], level_stage,
                       name=f"w{index}")
            index += len(runs[index])
            continue
        operands = [wires.read(wire, level_stage) for wire in adder.inputs]
        values = node_equations(adder.variant, len(operands))(*operands)
        suffix = f"{adder.level}_{adder.column}_{index}"
        for prefix, wire, value in zip("sc", (adder.sum, adder.carry), values):
            if wire is not None:
                signal = Signal(name=f"{prefix}{suffix}")
                m.d.comb += signal.eq(value)
                wires.define(wire, signal, level_stage)
        index += 1
    return wires


class _StagedWires:
    """The plan's wires as signals, each known at a pipeline stage; reading a wire at a later
    stage inserts (and reuses) the registers that delay it. A constant (stage ``None``) needs
    none."""

    def __init__(self, m, n_wires):
        self._m = m
        self._signals = [None] * n_wires
        self._delayed = {}

    def define(self, wire, signal, stage):
        self._signals[wire] = (signal, stage)

    def read(self, wire, stage):
        signal, defined = self._signals[wire]
        if defined is None:
            return signal
        for step in range(defined + 1, stage + 1):
            if (wire, step) not in self._delayed:
                register = Signal(name=f"wire{wire}_p{step}", reset_less=True)
                self._m.d.sync += register.eq(signal)
                self._delayed[wire, step] = register
            signal = self._delayed[wire, step]
        return signal


def _exact_runs(plan):
    """The longest runs of exact adders within the plan's ripple-carry chains."""
    runs = []
    for chain in plan.chains:
        run = []
        for index in chain + (None,):
            if index is not None and plan.adders[index].variant == "exact":
                run.append(index)
                continue
            if len(run) > 1:
                runs.append(tuple(run))
            run = []
    return runs


def _add_words(m, wires, run, stage, *, name):
    """A run of chained exact adders as one ``a + b + carry_in``, for a carry chain to map."""
    a, b = [], []
    carry_in = wires.read(run[0].inputs[2], stage) if run[0].is_full else 0
    for position, adder in enumerate(run):
        # After the first adder, the last input is the previous adder's carry, inside the sum.
        own = adder.inputs[:2] if position == 0 else adder.inputs[:-1]
        a.append(wires.read(own[0], stage))
        b.append(wires.read(own[1], stage) if len(own) > 1 else Const(0))
    # A three-operand sum would become a $macc that Yosys maps to gates; doubling both
    # operands with the carry-in below them keeps one two-operand add, whose lowest carry is it.
    doubled = Signal(len(run) + 2, name=name)
    m.d.comb += doubled.eq(Cat(carry_in, *a) + Cat(carry_in, *b))
    for position, adder in enumerate(run):
        wires.define(adder.sum, doubled[1 + position], stage)
    wires.define(run[-1].carry, doubled[-1], stage)


class XNORPopcount(DesignComponent):
    """Counts the positions where activations ``a`` and weights ``w`` agree (a BNN dot product).

    An XNOR per bit in front of the :class:`Popcount` of the same plan, with its latency.
    """

    config_class = PopcountConfig
    requires = {"xnor": True}

    def elaborate(self, platform):
        m = Module()
        m.submodules.popcount = popcount = Popcount(self._config.replace(xnor=False))
        m.d.comb += [popcount.a.eq(~(self.a ^ self.w)), self.count.eq(popcount.count)]
        return m
