"""A folded integer MAC engine: one :class:`~hwgen.mac_layer.MACLayer` per layer, chained by
streams, then argmax.

Layers work on different images at once, so a new image enters every
:attr:`~hwgen.mac_config.MACConfig.cycles_per_image` cycles (the slowest layer's); each stream
carries a whole activation vector per transfer and honours back-pressure. The first layer reads
the image in place (:func:`~hwgen.fold_sequencer.reads_in_place`): ``i`` transfers when the
layer has read it, ``cycles_per_image`` cycles after it is offered, so a source keeps the pace
if it has its next image ready then. The argmax scans the
scores one a cycle (:class:`~hwgen.serial_argmax.SerialArgmax`) when that keeps up with the
layers, else compares them all at once (:class:`~hwgen.argmax.Argmax`).
"""

from amaranth.hdl import Module
from amaranth.lib import wiring

from .component import StreamEngine
from .fold_sequencer import reads_in_place
from .mac_config import MACConfig
from .mac_layer import MACLayer
from .serial_argmax import engine_argmax

__all__ = ["MACEngine"]


class MACEngine(StreamEngine):
    """The engine of ``config``: images in on ``i`` (``activation_bits`` per input, input 0 in
    the low bits), results out on ``o`` (``label`` and the last layer's offset-binary
    ``scores``)."""

    config_class = MACConfig

    def elaborate(self, platform):
        m = Module()
        config, model = self._config, self._config.model
        shifts = (*model.shifts, None)
        scales = tuple(model.scale(index) for index in range(model.depth - 1)) + (None,)
        upstream, upstream_folds = wiring.flipped(self.i), None
        for index, layer_parts in enumerate(zip(
                model.weights, config.initial_values, shifts, scales, config.pe, config.simd,
                config.chunk_width, config.adders, config.folds)):
            weights, initial, shift, scale, pe, simd, chunk_width, adder, folds = layer_parts
            layer = MACLayer(weights=weights, initial=initial, shift=shift, scale=scale,
                             pe=pe, simd=simd, bits=model.activation_bits,
                             unit=config.product_unit, chunk_width=chunk_width, adder=adder,
                             in_place=reads_in_place(upstream_folds, folds))
            upstream_folds = folds
            m.submodules[f"layer{index + 1}"] = layer
            wiring.connect(m, upstream, layer.i)
            upstream = layer.o
        m.submodules.argmax = argmax = engine_argmax(config.score_width, model.n_classes,
                                                     config.cycles_per_image)
        wiring.connect(m, upstream, argmax.i)
        wiring.connect(m, argmax.o, wiring.flipped(self.o))
        return m
