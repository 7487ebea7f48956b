"""One folded layer of integer MACs: PE accumulators fed SIMD products a cycle, then requantised.

Each cycle, every one of the ``pe`` processing elements forms the products of a ``simd``-wide
chunk of the input activations with its neuron's weight codes in its lanes, as the layer's
:class:`~hwgen.product_unit.ProductUnit` says (a binary weight passes the activation or its
ones' complement ``~a = -a - 1``; the missing ones are in the neuron's initial value), sums
them exactly, and adds the sum to its accumulator through the layer's
accumulator adder (:class:`~hwgen.adder.ApproxAdder`, exact or approximate), the first chunk
onto the neuron's initial value. After a neuron's last chunk a hidden layer's PE outputs
``clip(acc >> shift, 0, 2**bits - 1)`` (with a ``scale``, ``(acc * scale + 2**(shift - 1)) >>
shift``, a constant multiplier per PE); the last layer keeps ``acc`` as a score, in offset
binary (sign bit flipped) so that the argmax compares it unsigned. Weights and initial values
live in ROMs (synchronous read; the weights ask for block RAM).

The path is a pipeline, so that no cycle holds more than one slow step: issue a ROM address
and select the input's chunk (:class:`~hwgen.fold_sequencer.FoldSequencer`: the input read in
place and taken with its last chunk, or copied and taken with its first); form and sum the
chunk's products (registered); accumulate (registered); requantise into the output register.

Throughput: one input vector every ``neuron_folds * synapse_folds`` cycles while the consumer
keeps up. Latency: ``o.valid`` rises ``neuron_folds * synapse_folds + 3`` cycles after an idle
layer is offered a vector.
"""

import numpy as np
import itertools
import operator

from amaranth.hdl import Cat, Module, Mux, Signal, signed, unsigned
from amaranth.lib import data, stream, wiring
from amaranth.lib.memory import Memory
from amaranth.lib.wiring import In, Out

from .adder import ApproxAdder
from .families import family_of, load
from .fold_sequencer import FoldSequencer
from .product_unit import ProductOps

__all__ = ["MACLayer"]


class MACLayer(wiring.Component):
    """One layer of a multi-bit MLP (see :mod:`hwgen.mac_model` for the arithmetic).

    The whole pipeline advances under one enable, which drops only while a neuron fold's
    results would overwrite an output not yet taken; ``o.valid``, a register, never depends on
    ``o.ready``.

    Parameters
    ----------
    weights : (n_out, n_in) integer array, weights ``unit`` takes
    initial : n_out integers, each accumulator's start
    shift : the hidden layer's requantisation shift, or None for the last layer (scores)
    scale : the hidden layer's requantisation multiplier (rounded multiply-shift), or None
    pe, simd : neurons in parallel, activations per cycle; they divide n_out and n_in
    bits : bits of an activation, in and out
    unit : the :class:`~hwgen.product_unit.ProductUnit` of every lane
    chunk_width : signed bits of a chunk's product sum
    adder : the :class:`~hwgen.config.AdderConfig` of the accumulators (its width theirs)
    in_place : read the input vector from the held payload, taking it with the last chunk,
        rather than copy it as the first chunk is issued
        (:func:`~hwgen.fold_sequencer.reads_in_place`)

    Members
    -------
    i : In(stream of n_in activations of ``bits`` bits)
    o : Out(stream of n_out activations, or of an array of n_out offset-binary scores)
    """

    def __init__(self, *, weights, initial, shift, scale=None, pe, simd, bits, unit,
                 chunk_width, adder, in_place=True):
        n_out, n_in = weights.shape
        if n_out % pe or n_in % simd:
            raise ValueError(f"MAC layer PE must divide {n_out} and SIMD {n_in}, not PE {pe}, "
                             f"SIMD {simd}")
        self._weights, self._initial, self._shift, self._scale = weights, initial, shift, scale
        self._pe, self._simd, self._bits, self._unit = pe, simd, bits, unit
        self._chunk_width, self._adder, self._in_place = chunk_width, adder, in_place
        self._folds = (n_out // pe, n_in // simd)
        output = (unsigned(n_out * bits) if shift is not None
                  else data.ArrayLayout(adder.width, n_out))
        super().__init__({"i": In(stream.Signature(n_in * bits)),
                          "o": Out(stream.Signature(output))})

    @property
    def cycles_per_vector(self):
        return self._folds[0] * self._folds[1]

    def _weight_words(self):
        """ROM word ``nf * SF + sf``: PE ``p``'s chunk ``sf`` of neuron ``nf * PE + p``, the
        unit's code of each weight, lane ``p * SIMD + lane`` in code slot ``p * SIMD + lane``."""
        neuron_folds, synapse_folds = self._folds
        codes = self._unit.codes(self._weights)
        chunks = codes.reshape(neuron_folds, self._pe, synapse_folds, self._simd)
        slot_values = 1 << (self._unit.code_bits * np.arange(self._pe * self._simd,
                                                             dtype=object))
        return [int(np.sum(chunks[nf, :, sf, :].reshape(-1).astype(object) * slot_values))
                for nf in range(neuron_folds) for sf in range(synapse_folds)]

    @staticmethod
    def _multiply(m, name, multiplier, a, b):
        """The signed product of ``a`` and ``b`` through a new instance of ``multiplier``."""
        m.submodules[name] = unit = load("hwgen", family_of(multiplier).component)(multiplier)
        m.d.comb += [unit.a.eq(a), unit.b.eq(b)]
        return unit.p.as_signed()

    def elaborate(self, platform):
        m = Module()
        lanes = itertools.count()
        neuron_folds, synapse_folds = self._folds
        pe, simd, bits, width = self._pe, self._simd, self._bits, self._adder.width
        unit, code_bits = self._unit, self._unit.code_bits
        ops = ProductOps(select=Mux, invert=operator.invert,
                         signed=lambda code, width: code[:width].as_signed(),
                         multiply=lambda multiplier, a, b: self._multiply(
                             m, f"multiplier{next(lanes)}", multiplier, a, b))
        sequencer = FoldSequencer(m, self.i, self.o, self._folds,
                                  in_place=self._in_place)
        enable = sequencer.enable

        m.submodules.weights = weights = Memory(
            shape=unsigned(pe * simd * code_bits), depth=neuron_folds * synapse_folds,
            init=self._weight_words(), attrs={"ram_style": "block"})
        weight_read = weights.read_port()
        m.d.comb += [weight_read.en.eq(enable), weight_read.addr.eq(sequencer.address)]
        mask = (1 << width) - 1
        m.submodules.initial = initial = Memory(
            shape=data.ArrayLayout(width, pe), depth=neuron_folds,
            init=[[int(value) & mask for value in row]
                  for row in self._initial.reshape(neuron_folds, pe)])
        initial_read = initial.read_port()
        m.d.comb += initial_read.en.eq(enable)

        # Read: the weights meet the chunk; each PE's product sum is registered.
        read = sequencer.follow(sequencer.issue, "read")
        chunk = sequencer.chunk(simd * bits, read)
        m.d.comb += initial_read.addr.eq(read.nf)
        summed = sequencer.follow(read, "summed")
        accumulated = sequencer.follow(summed, "accumulated")
        top = (1 << bits) - 1
        results = []
        for p in range(pe):
            products = []
            for lane in range(simd):
                activation = Signal(signed(self._chunk_width), name=f"a{p}_{lane}")
                m.d.comb += activation.eq(chunk.word_select(lane, bits))
                code = weight_read.data.word_select(p * simd + lane, code_bits)
                products.append(unit.form(ops, activation, code))
            chunk_sum = Signal(signed(self._chunk_width), name=f"chunk{p}")
            with m.If(enable):
                m.d.sync += chunk_sum.eq(sum(products))

            # Accumulate through the layer's adder, the first chunk onto the initial value.
            m.submodules[f"adder{p}"] = adder = ApproxAdder(self._adder)
            addend = Signal(signed(width), name=f"addend{p}")
            accumulator = Signal(width, name=f"acc{p}")
            m.d.comb += [adder.a.eq(Mux(summed.sf == 0, initial_read.data[p], accumulator)),
                         addend.eq(chunk_sum), adder.b.eq(addend)]
            with m.If(enable):
                m.d.sync += accumulator.eq(adder.s[:width])

            if self._shift is None:
                result = Cat(accumulator[:width - 1], ~accumulator[width - 1])
            else:
                shifted = accumulator.as_signed()
                if self._scale is not None:
                    # Negative sums stay below 2**(shift - 1) and so still shift to 0 or less.
                    shifted = shifted * self._scale + ((1 << self._shift) >> 1)
                shifted = shifted >> self._shift
                result = Mux(accumulator[width - 1], 0, Mux(shifted > top, top, shifted[:bits]))
            results.append(result)

        sequencer.write(accumulated, results,
                        (lambda index: self.o.payload[index]) if self._shift is None
                        else (lambda index: self.o.payload.word_select(index, bits)))
        return m
