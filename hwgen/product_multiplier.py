"""Partial-product multipliers (``umul8-*``, ``smmul8-*``) in Amaranth.

The terms and the compressor tree come from :mod:`hwgen.product_plan`, which the golden model
walks too; the tree is built by the popcount's walker (:func:`hwgen.popcount.build_tree`), so
its exact ripple-carry runs become ``+`` for the synthesis tool's carry chains.
"""

from amaranth.hdl import Cat, Module, Signal

from .component import DesignComponent
from .config import ProductMultiplierConfig
from .mul8 import _AMARANTH_OPS
from .multiplier_plan import apply_sign, split_sign
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


class SignMagnitudeProductMultiplier8(DesignComponent):
    """Signed product of 8-bit sign-magnitude ``a`` and ``b`` (bit 7 the sign), as ``smul8``:
    the 7-bit magnitudes through :class:`ProductMultiplier8`, ``p`` the 16-bit two's
    complement of the signed product. Combinational."""

    config_class = ProductMultiplierConfig
    requires = {"signed": True}

    def elaborate(self, platform):
        m = Module()
        m.submodules.core = core = ProductMultiplier8(self._config.replace(signed=False))
        sign_a, magnitude_a = split_sign(self.a, _AMARANTH_OPS)
        sign_b, magnitude_b = split_sign(self.b, _AMARANTH_OPS)
        m.d.comb += [core.a.eq(magnitude_a), core.b.eq(magnitude_b),
                     self.p.eq(apply_sign(sign_a ^ sign_b, core.p, _AMARANTH_OPS))]
        return m
