"""The exact function of any design as plain HDL arithmetic: the baseline generators must beat.

``p = a * b``, ``a + b`` and a balanced tree of ``+`` over the input bits are what a designer
would write without this project; Yosys maps them with its own multiplier and adder
generators. :mod:`flows.synth` synthesises them beside the generated units (``behavioural=True``)
so that every cost can be quoted against naive synthesis.
"""

from amaranth.hdl import Cat, Module, Mux
from amaranth.lib import wiring

from .config import AdderConfig, FullAdderConfig, MultiplierConfig, PopcountConfig
from .component import design_signature

__all__ = ["Behavioural", "behavioural_name"]


def _tree_sum(values):
    """``values`` summed pairwise, so the adders form a balanced tree rather than a chain."""
    while len(values) > 1:
        pairs = [values[index] + values[index + 1] for index in range(0, len(values) - 1, 2)]
        values = pairs + values[len(values) - len(values) % 2:]
    return values[0]


def behavioural_name(config):
    """How reports name the baseline of ``config``, like ``mul8-0000-behavioural``."""
    return f"{config.exact().name}-behavioural"


class Behavioural(wiring.Component):
    """``config.exact()``'s function, written as the arithmetic it computes, with ``config``'s
    ports. Combinational, whatever pipeline ``config`` asks for."""

    def __init__(self, config):
        self._config = config.exact()
        super().__init__(design_signature(self._config))

    def elaborate(self, platform):
        m = Module()
        config = self._config
        if isinstance(config, FullAdderConfig):
            m.d.comb += Cat(self.s, self.co).eq(self.x + self.y + self.c)
        elif isinstance(config, PopcountConfig):
            bits = ~(self.a ^ self.w) if config.xnor else self.a
            m.d.comb += self.count.eq(_tree_sum([bits[index] for index in range(len(bits))]))
        elif isinstance(config, MultiplierConfig) and config.signed:
            magnitude = self.a[:7] * self.b[:7]
            m.d.comb += self.p.eq(Mux(self.a[7] ^ self.b[7], -magnitude, magnitude))
        elif isinstance(config, MultiplierConfig):
            m.d.comb += self.p.eq(self.a * self.b)
        elif isinstance(config, AdderConfig):
            m.d.comb += self.s.eq(self.a + self.b)
        else:
            raise TypeError(f"Configuration must be one of hwgen.config's, not {config!r}")
        return m
