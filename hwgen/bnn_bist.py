"""A built-in self-test for a streaming engine: LFSR images in, MISR over the results out.

The stimulus and signature registers are those of :mod:`hwgen.bist_plan`, which also fixes
the images: the LFSR shifts one bit per cycle into an image-wide window and image ``k`` is the
window after ``(k + 1) * n_in`` shifts (the window shifts only until it is offered), so the
images do not depend on when the engine takes them. :func:`sim.bist.bnn_signature` predicts
the signature from the golden model.
"""

from amaranth.hdl import Cat, Module, Signal
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from . import bist_plan
from .argmax import result_layout
from .bist import check_selftest, feedback, fold

__all__ = ["BNNSelfTest"]


class BNNSelfTest(wiring.Component):
    """Feeds ``images`` generated images to a BNN engine of ``config`` and checks its results.

    Members
    -------
    o : Out(stream of images), to the engine's ``i``
    i : In(stream of results), from the engine's ``o``; always ready
    running, passed, failed : Out(1)
        ``running`` is high until the last result arrives, then exactly one of ``passed``
        (the MISR holds ``signature``) and ``failed`` stays high.
    """

    def __init__(self, config, *, images, signature):
        check_selftest("images", images, signature)
        self._images, self._signature = images, signature
        self._inputs = config.model.layers[0]
        super().__init__({
            "o": Out(stream.Signature(self._inputs)),
            "i": In(stream.Signature(result_layout(config.score_width,
                                                   config.model.n_classes))),
            "running": Out(1), "passed": Out(1), "failed": Out(1),
        })

    def elaborate(self, platform):
        m = Module()
        lfsr = Signal(bist_plan.WIDTH, init=bist_plan.SEED)
        shifted = Signal(range(self._inputs + 1))
        sent = Signal(range(self._images + 1))
        received = Signal(range(self._images + 1))
        misr = Signal(bist_plan.WIDTH)

        with m.If((shifted != self._inputs) & (sent != self._images)):
            m.d.sync += [lfsr.eq(Cat(feedback(lfsr), lfsr[:-1])),
                         self.o.payload.eq(Cat(feedback(lfsr), self.o.payload[:-1])),
                         shifted.eq(shifted + 1)]
        m.d.comb += self.o.valid.eq(shifted == self._inputs)
        with m.If(self.o.valid & self.o.ready):
            m.d.sync += [shifted.eq(0), sent.eq(sent + 1)]

        m.d.comb += [self.i.ready.eq(1), self.running.eq(received != self._images)]
        with m.If(self.i.valid & self.running):
            m.d.sync += [misr.eq(Cat(feedback(misr), misr[:-1]) ^ fold(self.i.payload.as_value())),
                         received.eq(received + 1)]
        match = misr == self._signature
        m.d.comb += [self.passed.eq(~self.running & match),
                     self.failed.eq(~self.running & ~match)]
        return m
