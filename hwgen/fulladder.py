"""One full adder, exact or approximate, as a component."""

from amaranth.hdl import Module
from amaranth.lib import wiring

from .config import FullAdderConfig
from .fa_variants import full_adder_equations
from .ports import design_signature

__all__ = ["FullAdder"]


class FullAdder(wiring.Component):
    """Adds ``x + y + c`` into sum ``s`` and carry ``co`` through ``config.variant``.

    Combinational. The approximate variants are the ones of :mod:`hwgen.fa_variants`; larger
    units inline the same equations rather than instantiate this component.
    """

    def __init__(self, config):
        if not isinstance(config, FullAdderConfig):
            raise TypeError(f"Configuration must be a FullAdderConfig, not {config!r}")
        self._config = config
        super().__init__(design_signature(config))

    @property
    def config(self):
        return self._config

    def elaborate(self, platform):
        m = Module()
        s, carry = full_adder_equations(self._config.variant)(self.x, self.y, self.c)
        m.d.comb += [self.s.eq(s), self.co.eq(carry)]
        return m
