"""8x8 approximate multipliers from four 4x4 blocks, unsigned and sign-magnitude, in Amaranth.

The block equations, the composition and the sign handling come from
:mod:`hwgen.multiplier_plan`, which the golden model walks too; this module only says how
Amaranth reaches bits.
"""

from amaranth.hdl import Cat, Module, Mux

from .component import DesignComponent
from .config import MultiplierConfig
from .multiplier_plan import BitOps, apply_sign, split_sign, unsigned_product

__all__ = ["ApproxMultiplier8", "SignMagnitudeMultiplier8", "multiplier_component"]

_AMARANTH_OPS = BitOps(bit=lambda value, index: value[index],
                       field=lambda value, low, high: value[low:high],
                       concat=lambda bits: Cat(*bits), select=Mux)


def multiplier_component(config):
    """The component of a multiplier configuration: unsigned, or sign-magnitude around it."""
    return SignMagnitudeMultiplier8(config) if config.signed else ApproxMultiplier8(config)


class ApproxMultiplier8(DesignComponent):
    """Unsigned ``p = a * b`` (16 bits) through the blocks ``config.blocks``, like ``"3330"``.

    Combinational: ``p = m0(AL,BL) + (m1(AH,BL) << 4) + (m2(AL,BH) << 4) + (m3(AH,BH) << 8)``,
    the four block products summed exactly.
    """

    config_class = MultiplierConfig
    requires = {"signed": False}

    def elaborate(self, platform):
        m = Module()
        m.d.comb += self.p.eq(unsigned_product(self._config.blocks, self.a, self.b,
                                               _AMARANTH_OPS))
        return m


class SignMagnitudeMultiplier8(DesignComponent):
    """Signed product of 8-bit sign-magnitude ``a`` and ``b`` (bit 7 the sign).

    The 7-bit magnitudes go through :class:`ApproxMultiplier8`; the sign is their XOR and ``p``
    is the 16-bit two's complement of the signed product (every approximate magnitude of 7-bit
    operands fits 15 bits, so it cannot overflow). Combinational.
    """

    config_class = MultiplierConfig
    requires = {"signed": True}
    #: The unsigned multiplier of the magnitudes, built from this configuration made unsigned.
    core_class = ApproxMultiplier8

    def elaborate(self, platform):
        m = Module()
        m.submodules.core = core = self.core_class(self._config.replace(signed=False))
        sign_a, magnitude_a = split_sign(self.a, _AMARANTH_OPS)
        sign_b, magnitude_b = split_sign(self.b, _AMARANTH_OPS)
        m.d.comb += [core.a.eq(magnitude_a), core.b.eq(magnitude_b),
                     self.p.eq(apply_sign(sign_a ^ sign_b, core.p, _AMARANTH_OPS))]
        return m
