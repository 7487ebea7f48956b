"""A FINN-style matrix-vector-threshold unit: one binary layer on PE x SIMD XNOR-popcounts.

Each cycle, every one of the ``pe`` processing elements XNORs a ``simd``-bit chunk of the input
vector with a chunk of its neuron's weights, counts it through the layer's compressor tree
and adds the count to its accumulator exactly. After a neuron's last chunk the PE compares the
sum with the neuron's threshold (hidden layers) or keeps it as a score (the last layer).
Weights and thresholds live in ROMs (:class:`amaranth.lib.memory.Memory`, synchronous read).

Throughput: one input vector every ``neuron_folds * synapse_folds + 2`` cycles (one cycle to
take the vector, one for the ROM read and accumulation of the last chunk). Latency from an
accepted input to a valid output: ``neuron_folds * synapse_folds + 1`` cycles.
"""

import numpy as np
from amaranth.hdl import Module, Mux, Signal, unsigned
from amaranth.lib import data, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from .popcount import XNORPopcount

__all__ = ["MVTU"]


class MVTU(wiring.Component):
    """One layer of a binary MLP (see :mod:`hwgen.bnn_model` for the arithmetic).

    Parameters
    ----------
    weights : (n_out, n_in) array of 0/1
    thresholds : n_out integers, or None for the last layer (its output is the scores)
    pe, simd : neurons in parallel, input bits per cycle; they divide n_out and n_in
    chunk : the XNOR-popcount :class:`~hwgen.config.PopcountConfig` of ``simd`` inputs

    Members
    -------
    i : In(stream of n_in bits)
    o : Out(stream of n_out bits, or of an array of n_out scores)
    """

    def __init__(self, *, weights, thresholds, pe, simd, chunk):
        n_out, n_in = weights.shape
        if n_out % pe or n_in % simd or chunk.width != simd or not chunk.xnor:
            raise ValueError(f"MVTU PE must divide {n_out}, SIMD {n_in}, and the popcount must "
                             f"be an XNOR-popcount of SIMD inputs; not PE {pe}, SIMD {simd}, "
                             f"{chunk.name}")
        if chunk.latency:
            raise ValueError(f"MVTU popcount must be combinational, not {chunk.name}")
        self._weights, self._thresholds = weights, thresholds
        self._pe, self._simd, self._chunk = pe, simd, chunk
        self._folds = (n_out // pe, n_in // simd)
        self._accumulator = unsigned((self._folds[1] * ((1 << chunk.out_width) - 1))
                                     .bit_length())
        output = (unsigned(n_out) if thresholds is not None
                  else data.ArrayLayout(self._accumulator, n_out))
        super().__init__({"i": In(stream.Signature(n_in)), "o": Out(stream.Signature(output))})

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

        m.submodules.weights = weights = Memory(
            shape=unsigned(pe * simd), depth=neuron_folds * synapse_folds,
            init=self._weight_words())
        weight_read = weights.read_port()
        if self._thresholds is not None:
            width = max(int(self._thresholds.max()), 1).bit_length()
            rows = self._thresholds.reshape(neuron_folds, pe)
            m.submodules.thresholds = thresholds = Memory(
                shape=data.ArrayLayout(width, pe), depth=neuron_folds,
                init=[[int(value) for value in row] for row in rows])
            threshold_read = thresholds.read_port()

        vector = Signal(len(self.i.payload))
        busy = Signal()  # issuing ROM addresses for the vector held
        nf, sf = Signal(range(neuron_folds)), Signal(range(synapse_folds))
        # The ROM's read stage: what the word arriving this cycle belongs to.
        read_valid = Signal()
        read_nf, read_sf = Signal.like(nf), Signal.like(sf)

        m.d.comb += self.i.ready.eq(~busy & ~read_valid & (~self.o.valid | self.o.ready))
        with m.If(self.o.valid & self.o.ready):
            m.d.sync += self.o.valid.eq(0)
        with m.If(self.i.valid & self.i.ready):
            m.d.sync += [vector.eq(self.i.payload), busy.eq(1), nf.eq(0), sf.eq(0)]

        m.d.comb += weight_read.addr.eq(nf * synapse_folds + sf)
        if self._thresholds is not None:
            m.d.comb += threshold_read.addr.eq(nf)
        m.d.sync += [read_valid.eq(busy), read_nf.eq(nf), read_sf.eq(sf)]
        with m.If(busy):
            m.d.sync += sf.eq(sf + 1)
            with m.If(sf == synapse_folds - 1):
                m.d.sync += [sf.eq(0), nf.eq(nf + 1)]
                with m.If(nf == neuron_folds - 1):
                    m.d.sync += busy.eq(0)

        chunk = vector.word_select(read_sf, simd)
        for p in range(pe):
            m.submodules[f"pe{p}"] = counter = XNORPopcount(self._chunk)
            accumulator = Signal(self._accumulator, name=f"acc{p}")
            total = Signal(self._accumulator, name=f"total{p}")
            m.d.comb += [counter.a.eq(chunk),
                         counter.w.eq(weight_read.data.word_select(p, simd)),
                         total.eq(Mux(read_sf == 0, 0, accumulator) + counter.count)]
            with m.If(read_valid):
                m.d.sync += accumulator.eq(total)
                with m.If(read_sf == synapse_folds - 1):
                    with m.Switch(read_nf):
                        for fold in range(neuron_folds):
                            with m.Case(fold):
                                neuron = fold * pe + p
                                if self._thresholds is None:
                                    m.d.sync += self.o.payload[neuron].eq(total)
                                else:
                                    m.d.sync += self.o.payload[neuron].eq(
                                        total >= threshold_read.data[p])
        last = (read_nf == neuron_folds - 1) & (read_sf == synapse_folds - 1)
        with m.If(read_valid & last):
            m.d.sync += self.o.valid.eq(1)
        return m
