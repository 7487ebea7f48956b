"""The sequencer of a folded layer (:class:`~hwgen.mvtu.MVTU`, :class:`~hwgen.mac_layer.MACLayer`):
which chunk is issued, what follows it down the pipeline, when the output register is written.

A layer reads its input vector from the upstream's held payload, one chunk per issue, and takes
it (``i.ready``) with its last chunk, so it keeps no copy of the vector: a copy costs ``n_in``
flip-flops per input bit, and an iCE40 flip-flop without a LUT of its own takes a whole cell.
The output register is written neuron fold by neuron fold. The pipeline advances under one
enable that drops only while a write would overwrite an output still offered and not taken, so
the layer works on its next vector while the downstream reads its output: the chained layers
keep the pace of the slowest as long as a layer's first output fold comes no sooner than its
downstream reads the previous output.
"""

from amaranth.hdl import Signal
from amaranth.lib import data

__all__ = ["FoldSequencer"]


class FoldSequencer:
    """The issue, control and output stages of a folded layer, built into ``m``.

    Parameters
    ----------
    m : the layer's module
    i, o : the layer's input and output streams (its ports)
    folds : ``(neuron folds, synapse folds)``

    Members
    -------
    enable : the pipeline's enable; every register of the layer advances under it
    issue : the control (``valid``, ``nf``, ``sf``) of the chunk issued this cycle
    """

    def __init__(self, m, i, o, folds):
        self._m, self._i, self._o = m, i, o
        self._folds = neuron_folds, synapse_folds = folds
        self._layout = data.StructLayout({"valid": 1, "nf": range(neuron_folds),
                                          "sf": range(synapse_folds)})
        self.enable = Signal()
        self.issue = Signal(self._layout)
        nf, sf = Signal(range(neuron_folds)), Signal(range(synapse_folds))
        last_chunk = (nf == neuron_folds - 1) & (sf == synapse_folds - 1)
        m.d.comb += [self.issue.valid.eq(i.valid), self.issue.nf.eq(nf), self.issue.sf.eq(sf),
                     i.ready.eq(self.enable & last_chunk)]
        with m.If(self.enable & i.valid):
            m.d.sync += sf.eq(sf + 1)
            with m.If(sf == synapse_folds - 1):
                m.d.sync += [sf.eq(0), nf.eq(nf + 1)]
                with m.If(nf == neuron_folds - 1):
                    m.d.sync += nf.eq(0)

    @property
    def address(self):
        """The weight ROM's word of the issued chunk: ``nf * synapse folds + sf``."""
        return self.issue.nf * self._folds[1] + self.issue.sf

    def chunk(self, width):
        """The issued chunk of the held input, ``width`` bits, registered: it arrives with the
        weight ROM's word."""
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
