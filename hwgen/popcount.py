"""Popcount and XNOR-popcount built from the compressor-tree plan of the configuration."""

from amaranth.hdl import Cat, Module, Signal
from amaranth.lib import wiring

from .config import PopcountConfig
from .fa_variants import full_adder_equations
from .ports import design_signature

__all__ = ["Popcount", "XNORPopcount"]


def _check(config, xnor):
    if not isinstance(config, PopcountConfig):
        raise TypeError(f"Configuration must be a PopcountConfig, not {config!r}")
    if config.xnor != xnor:
        raise ValueError(f"Configuration xnor must be {xnor} for this component, not "
                         f"{config.xnor!r}")


class Popcount(wiring.Component):
    """Counts the set bits of ``a`` into ``count`` (``width.bit_length()`` bits).

    Combinational; the depth is ``config.plan.levels`` adders plus the final ripple. Every adder
    of the plan becomes two named signals, ``s{level}_{column}_{index}`` and ``c...``, so the
    netlist can be read against the plan.
    """

    def __init__(self, config):
        _check(config, xnor=False)
        self._config = config
        super().__init__(design_signature(config))

    @property
    def config(self):
        return self._config

    def elaborate(self, platform):
        m = Module()
        plan = self._config.plan
        wires = [self.a[index] for index in range(plan.n_inputs)]
        wires += [None] * (plan.n_wires - plan.n_inputs)
        for index, adder in enumerate(plan.adders):
            operands = [wires[wire] for wire in adder.inputs]
            if adder.is_full:
                s_value, c_value = full_adder_equations(adder.variant)(*operands)
            else:
                s_value, c_value = operands[0] ^ operands[1], operands[0] & operands[1]
            suffix = f"{adder.level}_{adder.column}_{index}"
            s, c = Signal(name=f"s{suffix}"), Signal(name=f"c{suffix}")
            m.d.comb += [s.eq(s_value), c.eq(c_value)]
            wires[adder.sum], wires[adder.carry] = s, c
        m.d.comb += self.count.eq(Cat(wires[wire] for wire in plan.outputs))
        return m


class XNORPopcount(wiring.Component):
    """Counts the positions where activations ``a`` and weights ``w`` agree (a BNN dot product).

    Combinational: an XNOR per bit in front of the :class:`Popcount` of the same plan.
    """

    def __init__(self, config):
        _check(config, xnor=True)
        self._config = config
        super().__init__(design_signature(config))

    @property
    def config(self):
        return self._config

    def elaborate(self, platform):
        m = Module()
        m.submodules.popcount = popcount = Popcount(self._config.replace(xnor=False))
        m.d.comb += [popcount.a.eq(~(self.a ^ self.w)), self.count.eq(popcount.count)]
        return m
