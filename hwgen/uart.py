"""An 8N1 UART as two stream components, for the BNN engine's serial front end.

Written here rather than taken from amaranth-stdio, which has no release on PyPI (the only
registry this project installs from); it is a few dozen lines.
"""

from amaranth.hdl import Cat, Const, Module, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.cdc import FFSynchronizer
from amaranth.lib.wiring import In, Out

from .serial_protocol import FRAME_BITS

__all__ = ["UARTReceiver", "UARTTransmitter"]


def _check_divisor(divisor):
    if isinstance(divisor, bool) or not isinstance(divisor, int) or divisor < 4:
        raise ValueError(f"UART divisor must be an integer of at least 4, not {divisor!r}")


class UARTReceiver(wiring.Component):
    """Bytes from the ``rx`` line, ``divisor`` clock cycles per bit, on stream ``o``.

    ``rx`` is synchronised (two flip-flops), then sampled in the middle of each bit. A frame
    whose start bit is not low or whose stop bit is not high is dropped. There is no flow
    control on a UART: a byte the consumer has not taken when the next one ends is replaced
    by it.
    """

    rx: In(1, init=1)
    o: Out(stream.Signature(8))

    def __init__(self, divisor):
        _check_divisor(divisor)
        self._divisor = divisor
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        rx = Signal(init=1)
        m.submodules.rx_sync = FFSynchronizer(self.rx, rx, init=1)
        frame = Signal(FRAME_BITS)  # sampled bits, the first (start) bit ends lowest
        remaining = Signal(range(FRAME_BITS + 1))
        timer = Signal(range(self._divisor))

        with m.If(self.o.ready):
            m.d.sync += self.o.valid.eq(0)
        with m.If(remaining == 0):
            with m.If(~rx):
                m.d.sync += [remaining.eq(FRAME_BITS), timer.eq(self._divisor // 2)]
        with m.Elif(timer != 0):
            m.d.sync += timer.eq(timer - 1)
        with m.Else():
            sampled = Cat(frame[1:], rx)
            m.d.sync += [frame.eq(sampled), remaining.eq(remaining - 1),
                         timer.eq(self._divisor - 1)]
            with m.If((remaining == 1) & ~sampled[0] & sampled[-1]):
                m.d.sync += [self.o.payload.eq(sampled[1:-1]), self.o.valid.eq(1)]
        return m


class UARTTransmitter(wiring.Component):
    """Bytes from stream ``i`` onto the ``tx`` line, ``divisor`` clock cycles per bit.

    ``tx`` comes straight from a flip-flop (no glitches) and idles high; ``i.ready`` is high
    between frames.
    """

    i: In(stream.Signature(8))
    tx: Out(1, init=1)

    def __init__(self, divisor):
        _check_divisor(divisor)
        self._divisor = divisor
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        frame = Signal(FRAME_BITS, init=(1 << FRAME_BITS) - 1)  # bit 0 is on the line
        remaining = Signal(range(FRAME_BITS + 1))
        timer = Signal(range(self._divisor))

        m.d.comb += [self.tx.eq(frame[0]), self.i.ready.eq(remaining == 0)]
        with m.If(self.i.valid & self.i.ready):
            m.d.sync += [frame.eq(Cat(Const(0, 1), self.i.payload, Const(1, 1))),
                         remaining.eq(FRAME_BITS), timer.eq(self._divisor - 1)]
        with m.Elif(remaining != 0):
            m.d.sync += timer.eq(timer - 1)
            with m.If(timer == 0):
                m.d.sync += [frame.eq(Cat(frame[1:], Const(1, 1))), remaining.eq(remaining - 1),
                             timer.eq(self._divisor - 1)]
        return m
