"""The class of a score vector found one score a cycle: one comparator instead of a plane.

:class:`~hwgen.argmax.Argmax` compares every pair of scores at once: 45 comparators of the score
width for ten classes, each an iCE40 carry chain, over a thousand cells for the 13-bit scores
of the MAC engine (1160 of its 3643). An engine that takes an image every few hundred cycles
has the time to scan its scores instead: this stage keeps a running maximum and reads the
scores from the upstream's held payload, so it has no score register of its own either.
"""

from amaranth.hdl import Module, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from .argmax import result_layout
from .config import scans_scores

__all__ = ["SerialArgmax", "engine_argmax"]


class SerialArgmax(wiring.Component):
    """Passes each score vector on with the index of its largest score; the lowest index wins
    a tie, as NumPy's ``argmax`` does.

    While ``i`` offers a vector, one score a cycle is compared with the running maximum; after
    the last, ``o.valid`` rises with the label, and the scores are ``i``'s payload, which the
    upstream holds until ``o`` transfers (then ``i`` transfers in the same cycle).

    Throughput: one vector every ``classes + 1`` cycles (:attr:`cycles_per_vector`). Latency:
    ``o.valid`` rises ``classes`` cycles after ``i.valid``; it is a register and never depends
    on ``o.ready``.
    """

    def __init__(self, score_width, classes):
        self._classes = classes
        super().__init__({
            "i": In(stream.Signature(data.ArrayLayout(score_width, classes))),
            "o": Out(stream.Signature(result_layout(score_width, classes))),
        })

    @property
    def cycles_per_vector(self):
        return self._classes + 1

    def elaborate(self, platform):
        m = Module()
        index = Signal(range(self._classes))
        best = Signal.like(self.i.payload[0], name="best")
        label = Signal(range(self._classes))
        score = Signal.like(best, name="score")
        m.d.comb += [score.eq(self.i.payload[index]),
                     self.o.payload.scores.eq(self.i.payload),
                     self.o.payload.label.eq(label),
                     self.i.ready.eq(self.o.valid & self.o.ready)]
        with m.If(self.i.valid & ~self.o.valid):
            with m.If((index == 0) | (score > best)):
                m.d.sync += [best.eq(score), label.eq(index)]
            m.d.sync += index.eq(index + 1)
            with m.If(index == self._classes - 1):
                m.d.sync += [index.eq(0), self.o.valid.eq(1)]
        with m.If(self.o.valid & self.o.ready):
            m.d.sync += self.o.valid.eq(0)
        return m


def engine_argmax(score_width, classes, cycles_per_image):
    """An engine's last stage: the scan where it keeps up with an image every
    ``cycles_per_image`` cycles (:func:`hwgen.config.scans_scores`), else every pair compared
    at once."""
    from .argmax import Argmax

    ranking = SerialArgmax if scans_scores(classes, cycles_per_image) else Argmax
    return ranking(score_width, classes)
