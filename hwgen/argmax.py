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
    through, so it adds no latency. The comparisons form a tournament tree (log2 of the class
    count deep, not a chain): a right-hand contender, holding higher indices, wins only when
    strictly greater.
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
        contenders = [(scores[index], index) for index in range(self._classes)]
        while len(contenders) > 1:
            rounds = []
            for (left, left_label), (right, right_label) in zip(contenders[::2],
                                                                 contenders[1::2]):
                right_wins = Signal(name=f"right_wins{len(contenders)}_{len(rounds)}")
                m.d.comb += right_wins.eq(right > left)
                rounds.append((Mux(right_wins, right, left),
                               Mux(right_wins, right_label, left_label)))
            contenders = rounds + contenders[len(rounds) * 2:]
        _, label = contenders[0]
        m.d.comb += [self.o.payload.scores.eq(scores), self.o.payload.label.eq(label),
                     self.o.valid.eq(self.i.valid), self.i.ready.eq(self.o.ready)]
        return m
