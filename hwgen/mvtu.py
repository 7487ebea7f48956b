"""A FINN-style matrix-vector-threshold unit: one binary layer on PE x SIMD XNOR-popcounts.

Each cycle, every one of the ``pe`` processing elements XNORs a ``simd``-bit chunk of the input
vector with a chunk of its neuron's weights, counts it through the layer's compressor tree
and adds the count to its accumulator exactly. After a neuron's last chunk the PE compares the
sum with the neuron's threshold (hidden layers) or keeps it as a score (the last layer).
Weights and thresholds live in ROMs (:class:`amaranth.lib.memory.Memory`, synchronous read).
The weights ask for block RAM (``ram_style``): left to itself, Yosys mapped the digits
model's first- and last-layer weight ROMs (8 and 1.3 kbit) into LUTs on iCE40, while reading
block RAM is what folding is for.

The path is a pipeline, so that no cycle holds more than one of its slow steps: issue a ROM
address and select the input's chunk (:class:`~hwgen.fold_sequencer.FoldSequencer`: the input
read in place and taken with its last chunk, or copied and taken with its first); XNOR the
chunk with the ROM's word (registered); count (registered, after the tree's own
``chunk.latency`` stages); accumulate (registered); compare into the output register.

Throughput: one input vector every ``neuron_folds * synapse_folds`` cycles while the consumer
keeps up. Latency: ``o.valid`` rises ``neuron_folds * synapse_folds + chunk.latency + 4``
cycles after an idle layer is offered a vector (:attr:`MVTU.latency`).
"""

import numpy as np
from amaranth.hdl import EnableInserter, Module, Mux, Signal, unsigned
from amaranth.lib import data, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from .bnn_config import FOLDED_REGISTERS
from .fold_sequencer import FoldSequencer
from .popcount import Popcount

__all__ = ["MVTU"]


class MVTU(wiring.Component):
    """One layer of a binary MLP (see :mod:`hwgen.bnn_model` for the arithmetic).

    The whole pipeline advances under one enable, which drops only while a neuron fold's
    results would overwrite an output not yet taken, so no vector is lost; ``o.valid``, a
    register, never depends on ``o.ready``.

    Parameters
    ----------
    weights : (n_out, n_in) array of 0/1
    thresholds : n_out integers, or None for the last layer (its output is the scores)
    pe, simd : neurons in parallel, input bits per cycle; they divide n_out and n_in
    chunk : the XNOR-popcount :class:`~hwgen.config.PopcountConfig` of ``simd`` inputs,
        pipelined or not
    in_place : read the input vector from the held payload, taking it with the last chunk,
        rather than copy it as the first chunk is issued
        (:func:`~hwgen.fold_sequencer.reads_in_place`)

    Members
    -------
    i : In(stream of n_in bits)
    o : Out(stream of n_out bits, or of an array of n_out scores)
    """

    def __init__(self, *, weights, thresholds, pe, simd, chunk, in_place=True):
        n_out, n_in = weights.shape
        if n_out % pe or n_in % simd or chunk.width != simd or not chunk.xnor:
            raise ValueError(f"MVTU PE must divide {n_out}, SIMD {n_in}, and the popcount must "
                             f"be an XNOR-popcount of SIMD inputs; not PE {pe}, SIMD {simd}, "
                             f"{chunk.name}")
        self._weights, self._thresholds = weights, thresholds
        self._pe, self._simd, self._chunk = pe, simd, chunk
        self._in_place = in_place
        self._folds = (n_out // pe, n_in // simd)
        self._accumulator = unsigned((self._folds[1] * ((1 << chunk.out_width) - 1))
                                     .bit_length())
        output = (unsigned(n_out) if thresholds is not None
                  else data.ArrayLayout(self._accumulator, n_out))
        super().__init__({"i": In(stream.Signature(n_in)), "o": Out(stream.Signature(output))})

    @property
    def cycles_per_vector(self):
        """Cycles between input vectors while the consumer keeps up: one per chunk and PE."""
        return self._folds[0] * self._folds[1]

    @property
    def latency(self):
        """Cycles from the first in which an idle layer is offered a vector to the first with
        ``o.valid``."""
        return self.cycles_per_vector + self._chunk.latency + FOLDED_REGISTERS

    def _weight_words(self):
        """ROM word ``nf * SF + sf``: PE ``p``'s chunk ``sf`` of neuron ``nf * PE + p``."""
        neuron_folds, synapse_folds = self._folds
        pe, simd = self._pe, self._simd
        chunks = self._weights.reshape(neuron_folds, pe, synapse_folds, simd)
        bit_values = 1 << np.arange(pe * simd, dtype=object)
        words = []
        for nf in range(neuron_folds):
            for sf in range(synapse_folds):
                bits = chunks[nf, :, sf, :].reshape(-1).astype(object)
                words.append(int(np.sum(bits * bit_values)))
        return words

    def elaborate(self, platform):
        m = Module()
        neuron_folds, synapse_folds = self._folds
        pe, simd = self._pe, self._simd
        sequencer = FoldSequencer(m, self.i, self.o, self._folds,
                                  in_place=self._in_place)
        enable, follow = sequencer.enable, sequencer.follow

        m.submodules.weights = weights = Memory(
            shape=unsigned(pe * simd), depth=neuron_folds * synapse_folds,
            init=self._weight_words(), attrs={"ram_style": "block"})
        weight_read = weights.read_port()
        m.d.comb += [weight_read.en.eq(enable), weight_read.addr.eq(sequencer.address)]

        # Read: the ROM's word meets the chunk; their XNOR is registered.
        read = follow(sequencer.issue, "read")
        chunk = sequencer.chunk(simd, read)
        agree = Signal(pe * simd)
        with m.If(enable):
            m.d.sync += agree.eq(~(weight_read.data ^ chunk.replicate(pe)))
        counted = follow(follow(read, "agree"), "count_in", self._chunk.latency)
        tree = self._chunk.replace(xnor=False)

        # The counts, then the sums; the threshold ROM is read as the sums are registered.
        summed = follow(counted, "count")
        compared = follow(summed, "sum")
        if self._thresholds is not None:
            width = max(int(self._thresholds.max()), 1).bit_length()
            rows = self._thresholds.reshape(neuron_folds, pe)
            m.submodules.thresholds = thresholds = Memory(
                shape=data.ArrayLayout(width, pe), depth=neuron_folds,
                init=[[int(value) for value in row] for row in rows])
            threshold_read = thresholds.read_port()
            m.d.comb += [threshold_read.addr.eq(summed.nf), threshold_read.en.eq(enable)]

        results = []
        for p in range(pe):
            counter = Popcount(tree)
            m.submodules[f"pe{p}"] = EnableInserter(enable)(counter)
            count = Signal.like(counter.count, name=f"count{p}")
            accumulator = Signal(self._accumulator, name=f"acc{p}")
            m.d.comb += counter.a.eq(agree.word_select(p, simd))
            with m.If(enable):
                m.d.sync += [count.eq(counter.count),
                             accumulator.eq(Mux(summed.sf == 0, 0, accumulator) + count)]
            results.append(accumulator if self._thresholds is None
                           else accumulator >= threshold_read.data[p])

        sequencer.write(compared, results, lambda index: self.o.payload[index])
        return m
