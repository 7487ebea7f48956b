"""One full adder, exact or approximate, as a component."""

from amaranth.hdl import Module

from .component import DesignComponent
from .config import FullAdderConfig
from .fa_variants import full_adder_equations

__all__ = ["FullAdder"]


class FullAdder(DesignComponent):
    """Adds ``x + y + c`` into sum ``s`` and carry ``co`` through ``config.variant``.

    Combinational. The approximate variants are the ones of :mod:`hwgen.fa_variants`; larger
    units inline the same equations rather than instantiate this component.
    """

    config_class = FullAdderConfig

    def elaborate(self, platform):
        m = Module()
        s, carry = full_adder_equations(self._config.variant)(self.x, self.y, self.c)
        m.d.comb += [self.s.eq(s), self.co.eq(carry)]
        return m
