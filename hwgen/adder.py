"""Approximate multi-bit adders for accumulators: exact, lower-part OR, approximate-FA low bits."""

from amaranth.hdl import Cat, Const, Module, Signal

from .component import DesignComponent
from .config import AdderConfig
from .fa_variants import full_adder_equations

__all__ = ["ApproxAdder"]


class ApproxAdder(DesignComponent):
    """``s = a + b`` with the ``config.approx_bits`` low bits approximate.

    ``ripple`` is Yosys' exact ``+`` (a carry chain on FPGAs). ``loa`` ORs the low bits and feeds
    ``a[k-1] & b[k-1]`` as carry to the exact upper part: no carry logic at all below bit ``k``.
    A full-adder variant ripples through that approximate full adder in the low bits; ``maj_not``
    keeps every carry exact, so its error stays in the low bits. Combinational.
    """

    config_class = AdderConfig

    def elaborate(self, platform):
        m = Module()
        kind, k = self._config.kind, self._config.approx_bits
        if kind == "ripple":
            m.d.comb += self.s.eq(self.a + self.b)
            return m
        if kind == "loa":
            low, carry = self.a[0:k] | self.b[0:k], self.a[k - 1] & self.b[k - 1]
        else:
            equations = full_adder_equations(kind)
            low, carry = [], Const(0, 1)
            for index in range(k):
                s_value, c_value = equations(self.a[index], self.b[index], carry)
                s, carry = Signal(name=f"s{index}"), Signal(name=f"c{index}")
                m.d.comb += [s.eq(s_value), carry.eq(c_value)]
                low.append(s)
            low = Cat(low)
        m.d.comb += self.s.eq(Cat(low, self.a[k:] + self.b[k:] + carry))
        return m
