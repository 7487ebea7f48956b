"""The board top: a generated unit's built-in self-test, its verdict on the board's LEDs."""

from amaranth.hdl import Elaboratable, Module
from amaranth.lib import io

from hwgen.bist import SelfTest
from sim.bist import signature

__all__ = ["SelfTestTop"]


class SelfTestTop(Elaboratable):
    """:class:`hwgen.bist.SelfTest` of ``config`` for ``cycles`` cycles after configuration,
    expecting the signature the golden model predicts; ``board.leds`` show the verdict."""

    def __init__(self, config, board, *, cycles):
        self.config, self.board = config, board
        self.selftest = SelfTest(config, cycles=cycles, signature=signature(config, cycles))

    def elaborate(self, platform):
        m = Module()
        m.submodules.selftest = self.selftest
        requested = {}
        for verdict, (resource, number, *field) in self.board.leds.items():
            if (resource, number) not in requested:
                requested[resource, number] = platform.request(resource, number, dir="-")
            port = requested[resource, number]
            if field:
                port = getattr(port, field[0])
            m.submodules[f"led_{verdict}"] = led = io.Buffer("o", port)
            m.d.comb += led.o.eq(getattr(self.selftest, verdict))
        return m
