"""Partial-product multipliers (``umul8-*``, ``smmul8-*``) in Amaranth.

The terms and the compressor tree come from :mod:`hwgen.product_plan`, which the golden model
walks too; the tree is built by the popcount's walker (:func:`hwgen.popcount.build_tree`), so
its exact ripple-carry runs become ``+`` for the synthesis tool's carry chains.
"""

from amaranth.hdl import Cat, Module, Signal

from .component import DesignComponent
from .config import ProductMultiplierConfig
from .mul8 import SignMagnitudeMultiplier8
from .popcount import build_tree
from .product_plan import term_value

__all__ = ["ProductMultiplier8", "SignMagnitudeProductMultiplier8", "product_multiplier"]


def product_multiplier(config):
    """The component of a partial-product multiplier: unsigned, or sign-magnitude around it."""
    if config.signed:
        return SignMagnitudeProductMultiplier8(config)
    return ProductMultiplier8(config)


class ProductMultiplier8(DesignComponent):
    """Unsigned ``p = a * b`` (16 bits) through the partial-product plan ``config.plan``.

    Combinational. Every term is a signal ``t{column}_{index}`` (one LUT4 on an FPGA), every
    adder of the tree is named as in :class:`hwgen.popcount.Popcount`.
    """

    config_class = ProductMultiplierConfig
    requires = {"signed": False}

    def elaborate(self, platform):
        m = Module()
        plan = self._config.plan
        terms = []
        for index, term in enumerate(plan.terms):
            signal = Signal(name=f"t{term.column}_{index}")
            m.d.comb += signal.eq(term_value(term, lambda i: self.a[i], lambda j: self.b[j]))
            terms.append(signal)
        wires = build_tree(m, plan.tree, terms)
        m.d.comb += self.p.eq(Cat(wires.read(wire, 0) for wire in plan.tree.outputs))
        return m


class SignMagnitudeProductMultiplier8(SignMagnitudeMultiplier8):
    """Signed product of 8-bit sign-magnitude ``a`` and ``b`` (bit 7 the sign), as ``smul8``:
    the 7-bit magnitudes through :class:`ProductMultiplier8`, ``p`` the 16-bit two's
    complement of the signed product. Combinational."""

    config_class = ProductMultiplierConfig
    core_class = ProductMultiplier8
