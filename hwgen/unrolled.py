"""An unrolled binary layer: every neuron its own XNOR-popcount, weights and thresholds constants.

A weight is a constant, so the XNOR of an input with it is the input itself (weight 1) or its
inversion (weight 0), which the first LUT level of the tree absorbs: no logic of its own.
Each neuron counts its ``n_in`` agreeing bits through the layer's compressor tree
(:class:`~hwgen.popcount.Popcount`, pipelined when the plan has ``-p<k>``) and compares the
count with its constant threshold (hidden layers) or passes it on as its score (the last
layer). Arithmetically this is :mod:`hwgen.mvtu` with PE = ``n_out`` and SIMD = ``n_in``: one
chunk per neuron, so :mod:`sim.bnn_infer` models it unchanged.

Throughput: one input vector per cycle while the consumer is ready. Latency from an accepted
input to a valid output: the tree's latency plus one (the output register).
"""

from amaranth.hdl import Cat, EnableInserter, Module, Signal, unsigned
from amaranth.lib import data, stream, wiring
from amaranth.lib.wiring import In, Out

from .popcount import Popcount

__all__ = ["UnrolledLayer"]


class UnrolledLayer(wiring.Component):
    """One layer of a binary MLP with all its neurons side by side.

    The whole layer is one pipeline under one enable, ``~o.valid | o.ready``: it advances
    when the output register is empty or being read, so a stalled consumer holds every stage
    (no vector is lost, no skid buffer is needed) and ``o.valid``, a register, never depends
    on ``o.ready``. ``i.ready`` is that enable.

    Parameters
    ----------
    weights : (n_out, n_in) array of 0/1
    thresholds : n_out integers, or None for the last layer (its output is the scores)
    chunk : the XNOR-popcount :class:`~hwgen.config.PopcountConfig` of ``n_in`` inputs

    Members
    -------
    i : In(stream of n_in bits)
    o : Out(stream of n_out bits, or of an array of n_out scores of ``chunk.out_width`` bits)
    """

    def __init__(self, *, weights, thresholds, chunk):
        n_out, n_in = weights.shape
        if chunk.width != n_in or not chunk.xnor:
            raise ValueError(f"UnrolledLayer popcount must be an XNOR-popcount of its {n_in} "
                             f"inputs, not {chunk.name}")
        self._weights, self._thresholds, self._chunk = weights, thresholds, chunk
        output = (unsigned(n_out) if thresholds is not None
                  else data.ArrayLayout(chunk.out_width, n_out))
        super().__init__({"i": In(stream.Signature(n_in)), "o": Out(stream.Signature(output))})

    @property
    def latency(self):
        """Cycles from an accepted input to its valid output."""
        return self._chunk.latency + 1

    def elaborate(self, platform):
        m = Module()
        enable = Signal()
        m.d.comb += [enable.eq(~self.o.valid | self.o.ready), self.i.ready.eq(enable)]

        tree = self._chunk.replace(xnor=False)
        for neuron, row in enumerate(self._weights):
            counter = Popcount(tree)
            m.submodules[f"n{neuron}"] = EnableInserter(enable)(counter)
            m.d.comb += counter.a.eq(Cat(bit if weight else ~bit
                                         for bit, weight in zip(self.i.payload, row)))
            if self._thresholds is None:
                result = counter.count
            else:
                result = counter.count >= int(self._thresholds[neuron])
            with m.If(enable):
                m.d.sync += self.o.payload[neuron].eq(result)

        # valid travels beside the tree's pipeline registers, one flag per stage.
        valid = self.i.valid
        for stage in range(self._chunk.latency):
            staged = Signal(name=f"valid_p{stage + 1}")
            with m.If(enable):
                m.d.sync += staged.eq(valid)
            valid = staged
        with m.If(enable):
            m.d.sync += self.o.valid.eq(valid)
        return m
