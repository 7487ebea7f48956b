"""A built-in self-test around any generated unit: LFSR stimulus, MISR signature, verdict."""

from amaranth.hdl import Cat, Const, Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import Out

from . import bist_plan
from .build import elaborate

__all__ = ["SelfTest", "feedback", "fold", "check_selftest"]


def check_selftest(length_name, length, signature):
    """Validate a self-test's length (``cycles`` or ``images``) and expected signature."""
    if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length < 1 << 24:
        raise ValueError(f"Self-test {length_name} must be an integer from 1 to "
                         f"{(1 << 24) - 1}, not {length!r}")
    if not isinstance(signature, int) or not 0 <= signature <= bist_plan.MASK:
        raise ValueError(f"Self-test signature must be a {bist_plan.WIDTH}-bit unsigned "
                         f"integer, not {signature!r}")


def feedback(state):
    """The bit an LFSR or MISR ``state`` shifts in next (see :func:`hwgen.bist_plan.step`)."""
    bit = state[bist_plan.TAPS[0]]
    for tap in bist_plan.TAPS[1:]:
        bit = bit ^ state[tap]
    return bit


def fold(value):
    """``value`` XOR-folded into :data:`~hwgen.bist_plan.WIDTH` bits, as the MISR absorbs it."""
    folded = Const(0, bist_plan.WIDTH)
    for offset in range(0, len(value), bist_plan.WIDTH):
        folded = folded ^ value[offset:offset + bist_plan.WIDTH]
    return folded


class SelfTest(wiring.Component):
    """Runs ``config``'s unit for ``cycles`` cycles after reset and compares its signature.

    ``signature`` is the MISR value the golden model predicts (:func:`sim.bist.signature`);
    ``unit`` replaces the generated unit, for fault-injection tests. ``running`` is high until
    the last cycle, then exactly one of ``passed`` and ``failed`` stays high. A pipelined unit's
    outputs enter the MISR ``config.latency`` cycles after their inputs, so the signature is the
    same as for its combinational form. Latency: ``cycles + config.latency`` clock cycles from
    reset.
    """

    running: Out(1)
    passed: Out(1)
    failed: Out(1)

    def __init__(self, config, *, cycles, signature, unit=None):
        check_selftest("cycles", cycles, signature)
        self._config = config
        self._cycles = cycles
        self._signature = signature
        self._unit = unit
        super().__init__()

    @property
    def duration(self):
        """Clock cycles from reset to the verdict: the test's cycles plus the unit's latency."""
        return self._cycles + self._config.latency

    def elaborate(self, platform):
        m = Module()
        m.submodules.unit = unit = self._unit if self._unit is not None else elaborate(
            self._config)
        inputs = Cat(getattr(unit, name) for name in self._config.inputs)
        outputs = Cat(getattr(unit, name).as_unsigned() for name in self._config.outputs)

        lfsr = Signal(bist_plan.WIDTH, init=bist_plan.SEED)
        window = Signal(len(inputs))
        misr = Signal(bist_plan.WIDTH)
        latency = self._config.latency
        count = Signal(range(self.duration + 1))

        m.d.comb += [inputs.eq(window), self.running.eq(count != self.duration)]
        with m.If(self.running):
            m.d.sync += [
                lfsr.eq(Cat(feedback(lfsr), lfsr[:-1])),
                window.eq(Cat(feedback(lfsr), window[:-1])),
                count.eq(count + 1),
            ]
            with m.If(count >= latency):
                m.d.sync += misr.eq(Cat(feedback(misr), misr[:-1]) ^ fold(outputs))
        match = misr == self._signature
        m.d.comb += [self.passed.eq(~self.running & match), self.failed.eq(~self.running & ~match)]
        return m
