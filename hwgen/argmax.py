"""The class of a score vector: the index of its largest score, as a stream stage."""

from amaranth.hdl import Cat, Const, Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

__all__ = ["Argmax", "result_layout"]


def result_layout(score_width, classes):
    """``{label, scores}``: what the engine answers for each image."""
    return data.StructLayout({"label": range(classes),
                              "scores": data.ArrayLayout(score_width, classes)})


class Argmax(wiring.Component):
    """Passes each score vector on with the index of its largest score; the lowest index wins
    a tie, as NumPy's ``argmax`` does.

    Every pair of scores is compared at once and the comparisons are registered with the
    scores; the label follows from the registers through AND and OR planes. A tournament of
    comparators in series (four for ten classes) took over 40 ns on UP5K; this path is one
    comparator, the other two or three LUT levels. Class ``k`` wins when it is greater than
    every score below it and no less than every score above it.

    Throughput: one vector per cycle. Latency: one cycle. The register advances under
    ``~o.valid | o.ready``, so ``o.valid`` never depends on ``o.ready``.
    """

    def __init__(self, score_width, classes):
        self._classes = classes
        super().__init__({
            "i": In(stream.Signature(data.ArrayLayout(score_width, classes))),
            "o": Out(stream.Signature(result_layout(score_width, classes))),
        })

    def elaborate(self, platform):
        m = Module()
        enable = Signal()
        m.d.comb += [enable.eq(~self.o.valid | self.o.ready), self.i.ready.eq(enable)]
        scores = self.i.payload
        beats = {}
        for low in range(self._classes):
            for high in range(low + 1, self._classes):
                beats[high, low] = Signal(name=f"beats{high}_{low}")
                with m.If(enable):
                    m.d.sync += beats[high, low].eq(scores[high] > scores[low])
        with m.If(enable):
            m.d.sync += [self.o.payload.scores.eq(scores), self.o.valid.eq(self.i.valid)]
        label = 0
        for k in range(self._classes):
            wins = Signal(name=f"wins{k}")
            m.d.comb += wins.eq(Cat(*(beats[k, low] for low in range(k)),
                                    *(~beats[high, k] for high in range(k + 1, self._classes)),
                                    Const(1)).all())
            label = label | Mux(wins, k, 0)
        m.d.comb += self.o.payload.label.eq(label)
        return m
