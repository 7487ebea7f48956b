"""A BNN engine behind a UART: images in as bytes, classes out as bytes, self-tested at reset.

After reset the engine first classifies :class:`~hwgen.bnn_bist.BNNSelfTest`'s images and
shows the verdict; then it serves the host (protocol: :mod:`hwgen.serial_protocol`).
"""

from amaranth.hdl import Module, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from .bnn_bist import BNNSelfTest
from .bnn_config import BNNConfig
from .bnn_engine import BNNEngine
from .serial_protocol import FRAME_BITS, MAX_CLASSES, RESYNC_BYTE_TIMES, image_length
from .uart import UARTReceiver, UARTTransmitter

__all__ = ["BNNSerial"]


class BNNSerial(wiring.Component):
    """The engine of ``config`` on a serial line, ``divisor`` clock cycles per bit.

    Parameters
    ----------
    config : BNNConfig
    divisor : clock cycles per bit (:func:`hwgen.serial_protocol.divisor`)
    images, signature : the self-test's length and expected signature
        (:func:`sim.bist.bnn_signature`)

    Members
    -------
    rx : In(1), the line from the host
    tx : Out(1), the line to the host
    running, passed, failed : Out(1), the self-test's verdict (see
        :class:`~hwgen.bnn_bist.BNNSelfTest`); a host should wait the few milliseconds it
        takes before sending (an image that arrives meanwhile waits for the verdict).
    """

    rx: In(1, init=1)
    tx: Out(1, init=1)
    running: Out(1)
    passed: Out(1)
    failed: Out(1)

    def __init__(self, config, *, divisor, images, signature):
        if not isinstance(config, BNNConfig):
            raise TypeError(f"Configuration must be a BNNConfig, not {config!r}")
        if config.model.n_classes > MAX_CLASSES:
            raise ValueError(f"A serial BNN engine must have at most {MAX_CLASSES} classes "
                             f"(one answer byte), not {config.model.n_classes}")
        self._config = config
        self._divisor = divisor
        self._selftest = BNNSelfTest(config, images=images, signature=signature)
        self._receiver = UARTReceiver(divisor)  # checks the divisor
        super().__init__()

    def elaborate(self, platform):
        m = Module()
        m.submodules.engine = engine = BNNEngine(self._config)
        m.submodules.selftest = selftest = self._selftest
        m.submodules.receiver = receiver = self._receiver
        m.submodules.transmitter = transmitter = UARTTransmitter(self._divisor)
        m.d.comb += [receiver.rx.eq(self.rx), self.tx.eq(transmitter.tx),
                     self.running.eq(selftest.running), self.passed.eq(selftest.passed),
                     self.failed.eq(selftest.failed)]

        # Bytes into an image, lowest bits first.
        length = image_length(len(engine.i.payload))
        image = Signal(8 * length)
        filled = Signal(range(length + 1))
        timeout = RESYNC_BYTE_TIMES * FRAME_BITS * self._divisor
        idle = Signal(range(timeout + 1))
        complete = filled == length
        m.d.comb += receiver.o.ready.eq(~complete)
        with m.If(receiver.o.valid & receiver.o.ready):
            m.d.sync += [image.word_select(filled, 8).eq(receiver.o.payload),
                         filled.eq(filled + 1), idle.eq(0)]
        with m.Elif((filled != 0) & ~complete):
            m.d.sync += idle.eq(idle + 1)
            with m.If(idle == timeout):  # the host gave up on this image
                m.d.sync += [filled.eq(0), idle.eq(0)]

        # The self-test owns the engine until its verdict, then the host does.
        with m.If(selftest.running):
            wiring.connect(m, selftest.o, engine.i)
            wiring.connect(m, engine.o, selftest.i)
        with m.Else():
            m.d.comb += [engine.i.payload.eq(image), engine.i.valid.eq(complete),
                         transmitter.i.payload.eq(engine.o.payload.label),
                         transmitter.i.valid.eq(engine.o.valid),
                         engine.o.ready.eq(transmitter.i.ready)]
            with m.If(engine.i.valid & engine.i.ready):
                m.d.sync += filled.eq(0)
        return m
