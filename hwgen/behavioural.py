"""The exact function of any design as plain HDL arithmetic: the baseline generators must beat.

``p = a * b``, ``a + b`` and a balanced tree of ``+`` over the input bits are what a designer
would write without this project; Yosys maps them with its own multiplier and adder
generators. :mod:`flows.synth` synthesises them beside the generated units (``behavioural=True``)
so that every cost can be quoted against naive synthesis.
"""

from amaranth.hdl import Cat, Module, Mux

from .component import DesignComponent
from .families import family_of, load
from .multiplier_plan import SIGN_BIT

__all__ = ["Behavioural", "behavioural_name"]


def _tree_sum(values):
    """``values`` summed pairwise, so the adders form a balanced tree rather than a chain."""
    while len(values) > 1:
        pairs = [values[index] + values[index + 1] for index in range(0, len(values) - 1, 2)]
        values = pairs + values[len(values) - len(values) % 2:]
    return values[0]


def full_adder(unit, config):
    return Cat(unit.s, unit.co).eq(unit.x + unit.y + unit.c)


def popcount(unit, config):
    bits = ~(unit.a ^ unit.w) if config.xnor else unit.a
    return unit.count.eq(_tree_sum([bits[index] for index in range(len(bits))]))


def multiplier(unit, config):
    if not config.signed:
        return unit.p.eq(unit.a * unit.b)
    magnitude = unit.a[:SIGN_BIT] * unit.b[:SIGN_BIT]
    return unit.p.eq(Mux(unit.a[SIGN_BIT] ^ unit.b[SIGN_BIT], -magnitude, magnitude))


def adder(unit, config):
    return unit.s.eq(unit.a + unit.b)


def behavioural_name(config):
    """How reports name the baseline of ``config``, like ``mul8-0000-behavioural``."""
    return f"{config.exact().name}-behavioural"


class Behavioural(DesignComponent):
    """``config.exact()``'s function, written as the arithmetic it computes (the function its
    family registers as ``behavioural``), with ``config``'s ports. Combinational, whatever
    pipeline ``config`` asks for."""

    config_class = object  # any registered family's: family_of() checks

    def __init__(self, config):
        family_of(config)
        super().__init__(config.exact())

    def elaborate(self, platform):
        m = Module()
        baseline = load("hwgen", family_of(self.config).behavioural)
        m.d.comb += baseline(self, self.config)
        return m
