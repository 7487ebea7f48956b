"""8x8 approximate multipliers from four 4x4 blocks, unsigned and sign-magnitude."""

from amaranth.hdl import Cat, Const, Module, Mux

from .component import DesignComponent
from .config import MultiplierConfig
from .mul4 import block_product

__all__ = ["ApproxMultiplier8", "SignMagnitudeMultiplier8", "multiplier_component"]


def multiplier_component(config):
    """The component of a multiplier configuration: unsigned, or sign-magnitude around it."""
    return SignMagnitudeMultiplier8(config) if config.signed else ApproxMultiplier8(config)


class _MultiplierComponent(DesignComponent):
    config_class = MultiplierConfig
    signed = None

    def check(self, config):
        if config.signed != self.signed:
            raise ValueError(f"Configuration signed must be {self.signed} for this component, "
                             f"not {config.signed!r}")


class ApproxMultiplier8(_MultiplierComponent):
    """Unsigned ``p = a * b`` (16 bits) through the blocks ``config.blocks``, like ``"3330"``.

    Combinational: ``p = m0(AL,BL) + (m1(AH,BL) << 4) + (m2(AL,BH) << 4) + (m3(AH,BH) << 8)``,
    the four block products summed exactly.
    """

    signed = False

    def elaborate(self, platform):
        m = Module()
        al, ah, bl, bh = self.a[0:4], self.a[4:8], self.b[0:4], self.b[4:8]
        types = self._config.blocks
        products = [block_product(types[0], al, bl), block_product(types[1], ah, bl),
                    block_product(types[2], al, bh), block_product(types[3], ah, bh)]
        m.d.comb += self.p.eq(products[0] + (products[1] << 4) + (products[2] << 4)
                              + (products[3] << 8))
        return m


class SignMagnitudeMultiplier8(_MultiplierComponent):
    """Signed product of 8-bit sign-magnitude ``a`` and ``b`` (bit 7 the sign).

    The 7-bit magnitudes go through :class:`ApproxMultiplier8`; the sign is their XOR and ``p``
    is the 16-bit two's complement of the signed product (every approximate magnitude of 7-bit
    operands fits 15 bits, so it cannot overflow). Combinational.
    """

    signed = True

    def elaborate(self, platform):
        m = Module()
        m.submodules.core = core = ApproxMultiplier8(self._config.replace(signed=False))
        m.d.comb += [core.a.eq(Cat(self.a[0:7], Const(0, 1))),
                     core.b.eq(Cat(self.b[0:7], Const(0, 1)))]
        negative = self.a[7] ^ self.b[7]
        m.d.comb += self.p.eq(Mux(negative, -core.p, core.p))
        return m
