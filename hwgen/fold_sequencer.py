"""The sequencer of a folded layer (:class:`~hwgen.mvtu.MVTU`, :class:`~hwgen.mac_layer.MACLayer`):
which chunk is issued, what follows it down the pipeline, when the output register is written.

The output register is written neuron fold by neuron fold. The pipeline advances under one
enable that drops only while a write would overwrite an output still offered and not taken, so a
layer works on its next vector while its downstream reads its output.

A layer can read its input vector in place, from the upstream's held payload, one chunk per
issue, and take it (``i.ready``) with its last chunk: then it keeps no copy of the vector, which
costs a flip-flop per input bit, and an iCE40 flip-flop without a LUT of its own takes a whole
cell. Reading in place holds the upstream's output for the whole read, so it keeps the pace only
where the upstream writes its next output's first fold no sooner (:func:`reads_in_place`);
otherwise the layer copies the vector as its first chunk is issued and takes it at once.
"""

from amaranth.hdl import Signal
from amaranth.lib import data

__all__ = ["FoldSequencer", "reads_in_place"]


def reads_in_place(upstream_folds, folds):
    """Whether a layer of ``(neuron folds, synapse folds)`` ``folds`` can read its input in
    place and keep the pace: its read takes no longer than a folded upstream (of
    ``upstream_folds``) takes to its next first output fold, or the upstream (``None``) has its
    next output ready when this one is taken."""
    return upstream_folds is None or folds[0] * folds[1] <= upstream_folds[1]


class FoldSequencer:
    """The issue, control and output stages of a folded layer, built into ``m``.

    Parameters
    ----------
    m : the layer's module
    i, o : the layer's input and output streams (its ports)
    folds : ``(neuron folds, synapse folds)``
    in_place : read the input from ``i``'s held payload, else from a copy

    Members
    -------
    enable : the pipeline's enable; every register of the layer advances under it
    issue : the control (``valid``, ``nf``, ``sf``) of the chunk issued this cycle
    """

    def __init__(self, m, i, o, folds, *, in_place):
        self._m, self._i, self._o = m, i, o
        self._folds = neuron_folds, synapse_folds = folds
        self._layout = data.StructLayout({"valid": 1, "nf": range(neuron_folds),
                                          "sf": range(synapse_folds)})
        self.enable = Signal()
        self.issue = Signal(self._layout)
        nf, sf = Signal(range(neuron_folds)), Signal(range(synapse_folds))
        last_chunk = (nf == neuron_folds - 1) & (sf == synapse_folds - 1)
        m.d.comb += [self.issue.nf.eq(nf), self.issue.sf.eq(sf)]
        if in_place:
            self._vector = None
            m.d.comb += [self.issue.valid.eq(i.valid), i.ready.eq(self.enable & last_chunk)]
        else:
            self._vector = Signal(len(i.payload), name="vector")
            busy = Signal()  # between a vector's first and last chunk
            m.d.comb += [self.issue.valid.eq(busy | i.valid), i.ready.eq(self.enable & ~busy)]
            with m.If(i.ready & i.valid):
                m.d.sync += self._vector.eq(i.payload)
            with m.If(self.enable & self.issue.valid):
                m.d.sync += busy.eq(~last_chunk)
        with m.If(self.enable & self.issue.valid):
            m.d.sync += sf.eq(sf + 1)
            with m.If(sf == synapse_folds - 1):
                m.d.sync += [sf.eq(0), nf.eq(nf + 1)]
                with m.If(nf == neuron_folds - 1):
                    m.d.sync += nf.eq(0)

    @property
    def address(self):
        """The weight ROM's word of the issued chunk: ``nf * synapse folds + sf``."""
        return self.issue.nf * self._folds[1] + self.issue.sf

    def chunk(self, width, read):
        """The issued chunk of the input, ``width`` bits, at control ``read`` (the stage after
        issue): it arrives with the weight ROM's word."""
        if self._vector is not None:
            return self._vector.word_select(read.sf, width)
        chunk = Signal(width, name="chunk")
        with self._m.If(self.enable):
            self._m.d.sync += chunk.eq(self._i.payload.word_select(self.issue.sf, width))
        return chunk

    def follow(self, previous, name, stages=1):
        """``previous`` control, ``stages`` enabled registers later."""
        for stage in range(stages):
            staged = Signal(self._layout, name=f"{name}{stage}" if stages > 1 else name)
            with self._m.If(self.enable):
                self._m.d.sync += staged.eq(previous)
            previous = staged
        return previous

    def write(self, stage, results, word):
        """At control ``stage``, each PE ``p``'s ``results[p]`` goes into output ``word(index)``
        of neuron ``nf * PE + p`` after a neuron's last chunk; ``o.valid`` rises with the last
        neuron fold and falls when ``o`` transfers."""
        m, o = self._m, self._o
        neuron_folds, synapse_folds = self._folds
        writes = stage.valid & (stage.sf == synapse_folds - 1)
        m.d.comb += self.enable.eq(~(o.valid & ~o.ready & writes))
        with m.If(o.ready):
            m.d.sync += o.valid.eq(0)
        with m.If(self.enable & writes):
            with m.Switch(stage.nf):
                for fold in range(neuron_folds):
                    with m.Case(fold):
                        m.d.sync += [word(fold * len(results) + p).eq(result)
                                     for p, result in enumerate(results)]
            with m.If(stage.nf == neuron_folds - 1):
                m.d.sync += o.valid.eq(1)
