"""The class of a score vector: the index of its largest score, as a stream stage."""

from amaranth.hdl import Module, Mux, Signal
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

__all__ = ["Argmax", "result_layout"]


def result_layout(score_width, classes):
    """``{label, scores}``: what the engine answers for each image."""
    return data.StructLayout({"label": range(classes),
                              "scores": data.ArrayLayout(score_width, classes)})


class Argmax(wiring.Component):
    """Passes each score vector on with the index of its largest score; the lowest index wins
    a tie, as NumPy's ``argmax`` does. Combinational: ``valid`` and ``ready`` pass straight
    through, so it adds no latency.
    """

    def __init__(self, score_width, classes):
        self._classes = classes
        super().__init__({
            "i": In(stream.Signature(data.ArrayLayout(score_width, classes))),
            "o": Out(stream.Signature(result_layout(score_width, classes))),
        })

    def elaborate(self, platform):
        m = Module()
        scores = self.i.payload
        best, label = scores[0], 0
        for index in range(1, self._classes):
            larger = Signal(name=f"larger{index}")
            m.d.comb += larger.eq(scores[index] > best)
            best, label = Mux(larger, scores[index], best), Mux(larger, index, label)
        m.d.comb += [self.o.payload.scores.eq(scores), self.o.payload.label.eq(label),
                     self.o.valid.eq(self.i.valid), self.i.ready.eq(self.o.ready)]
        return m
