"""The board top: a generated unit's built-in self-test, its verdict on the board's LEDs."""

from amaranth.hdl import Elaboratable, Module
from amaranth.lib import io

from ..hwgen.bist import SelfTest

__all__ = ["SelfTestTop", "show_verdict"]


def show_verdict(m, platform, board, selftest):
    """Drive ``board``'s verdict LEDs from ``selftest``'s ``running``/``passed``/``failed``."""
    requested = {}
    for verdict, (resource, number, *field) in board.leds.items():
        if (resource, number) not in requested:
            requested[resource, number] = platform.request(resource, number, dir="-")
        port = requested[resource, number]
        if field:
            port = getattr(port, field[0])
        m.submodules[f"led_{verdict}"] = led = io.Buffer("o", port)
        m.d.comb += led.o.eq(getattr(selftest, verdict))


class SelfTestTop(Elaboratable):
    """:class:`hwgen.bist.SelfTest` of ``config`` for ``cycles`` cycles after configuration,
    expecting ``signature`` (the golden model's prediction, :func:`sim.bist.signature`);
    ``board.leds`` show the verdict."""

    def __init__(self, config, board, *, cycles, signature):
        self.config, self.board = config, board
        self.selftest = SelfTest(config, cycles=cycles, signature=signature)

    def elaborate(self, platform):
        m = Module()
        m.submodules.selftest = self.selftest
        show_verdict(m, platform, self.board, self.selftest)
        return m
