"""The board top of a BNN engine: classes over the board's USB serial port, verdict on LEDs."""

from amaranth.hdl import Elaboratable, Module
from amaranth.lib import io

from ..hwgen.bnn_serial import BNNSerial
from ..hwgen.serial_protocol import divisor

from .selftest_top import show_verdict

__all__ = ["BNNSerialTop"]


class BNNSerialTop(Elaboratable):
    """:class:`hwgen.bnn_serial.BNNSerial` of ``config`` on ``board``'s UART at ``baud``, its
    self-test of ``images`` images expecting ``signature`` (the golden model's prediction,
    :func:`sim.bist.bnn_signature`)."""

    def __init__(self, config, board, *, images, baud, signature):
        self.config, self.board = config, board
        clock_hz = board.platform().default_clk_frequency
        self.serial = BNNSerial(config, divisor=divisor(clock_hz, baud), images=images,
                                signature=signature)

    def elaborate(self, platform):
        m = Module()
        m.submodules.serial = serial = self.serial
        uart = platform.request("uart", 0, dir="-")
        m.submodules.rx = rx = io.Buffer("i", uart.rx)
        m.submodules.tx = tx = io.Buffer("o", uart.tx)
        m.d.comb += [serial.rx.eq(rx.i), tx.o.eq(serial.tx)]
        show_verdict(m, platform, self.board, serial)
        return m
