"""An ensemble engine: one image stream broadcast to k member engines, their answers combined.

The broadcast holds each image in a register with one pending bit per member; a member's
``valid`` is its pending bit, cleared when it takes the image, and the next image is taken as
the last member takes its copy. The members answer in image order, so their ``k``-th answers belong
to one image: the combiner waits until every member has one, forms each class's key (a vote
or a sum of scores, :mod:`hwgen.ensemble_config`) into a register, and an argmax picks the
class: scanning the keys one a cycle (:class:`~hwgen.serial_argmax.SerialArgmax`) when an image
takes more cycles than there are classes, as the MAC engine's does, else all at once
(:class:`~hwgen.argmax.Argmax`). Every ``valid`` is a register, and a stalled consumer holds
the combiner, the members and the broadcast behind it without losing an image.

Throughput: one image every :attr:`~hwgen.ensemble_config.EnsembleConfig.cycles_per_image`
cycles. Latency: the slowest member's plus two cycles (broadcast, combiner) plus the argmax's
(one cycle, or one per class when it scans).
"""

from amaranth.hdl import Cat, Module, Signal
from amaranth.lib import data, stream, wiring

from .component import StreamEngine
from .ensemble_config import EnsembleConfig
from .families import family_of, load
from .serial_argmax import engine_argmax

__all__ = ["EnsembleEngine"]


class EnsembleEngine(StreamEngine):
    """The ensemble of ``config``: images in on ``i`` (the members' image word), results out on
    ``o`` (``label`` and each class's key as ``scores``)."""

    config_class = EnsembleConfig

    def elaborate(self, platform):
        m = Module()
        config = self._config
        classes, k = config.model.n_classes, config.k
        engines = []
        for index, member in enumerate(config.members):
            engine = load("hwgen", family_of(member).component)(member)
            m.submodules[f"member{index}"] = engine
            engines.append(engine)

        image = Signal(config.input_bits)
        pending = Signal(k)
        # The next image is taken in the cycle the last member takes this one, so that members
        # that read their input in place lose no cycle to the broadcast.
        m.d.comb += self.i.ready.eq(Cat(*(~pending[index] | engine.i.ready
                                          for index, engine in enumerate(engines))).all())
        for index, engine in enumerate(engines):
            m.d.comb += [engine.i.valid.eq(pending[index]), engine.i.payload.eq(image)]
            with m.If(engine.i.ready & pending[index]):
                m.d.sync += pending[index].eq(0)
        with m.If(self.i.valid & self.i.ready):
            m.d.sync += [image.eq(self.i.payload), pending.eq((1 << k) - 1)]

        keys = stream.Signature(data.ArrayLayout(config.score_width, classes)).create()
        enable, answered = Signal(), Signal()
        m.d.comb += [enable.eq(~keys.valid | keys.ready),
                     answered.eq(Cat(*(engine.o.valid for engine in engines)).all())]
        for engine in engines:
            m.d.comb += engine.o.ready.eq(enable & answered)
        with m.If(enable):
            m.d.sync += keys.valid.eq(answered)
            for label in range(classes):
                m.d.sync += keys.payload[label].eq(self._key(engines, label))

        m.submodules.argmax = argmax = engine_argmax(config.score_width, classes,
                                                     config.cycles_per_image)
        wiring.connect(m, keys, argmax.i)
        wiring.connect(m, argmax.o, wiring.flipped(self.o))
        return m

    def _key(self, engines, label):
        """Class ``label``'s key from the members' answers (see :mod:`hwgen.ensemble_config`)."""
        if self._config.combine == "sum":
            return sum(engine.o.payload.scores[label] for engine in engines)
        voted = [engine.o.payload.label == label for engine in engines]
        votes = sum(vote.as_unsigned() for vote in voted)
        return Cat(*reversed(voted), votes)  # member 0 the highest voter bit
