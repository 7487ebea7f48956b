"""A binary MLP engine: one :class:`~hwgen.mvtu.MVTU` per layer, chained by streams, then argmax.

Layers work on different images at once, so a new image enters every
:attr:`~hwgen.bnn_config.BNNConfig.cycles_per_image` cycles (the slowest layer's); each stream
carries a whole vector per transfer and honours back-pressure, so a stalled output holds every
layer behind it without losing an image.
"""

from amaranth.hdl import Module
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from .argmax import Argmax, result_layout
from .bnn_config import BNNConfig
from .component import DesignComponent
from .mvtu import MVTU

__all__ = ["BNNEngine"]


class BNNEngine(DesignComponent):
    """The engine of ``config``: images in on ``i`` (one bit per input), results out on ``o``
    (``label`` and the last layer's ``scores``)."""

    config_class = BNNConfig

    def members(self, config):
        return {"i": In(stream.Signature(config.model.layers[0])),
                "o": Out(stream.Signature(result_layout(config.score_width,
                                                        config.model.n_classes)))}

    def elaborate(self, platform):
        m = Module()
        config, model = self._config, self._config.model
        upstream = wiring.flipped(self.i)
        for index, (weights, pe, simd, chunk) in enumerate(
                zip(model.weights, config.pe, config.simd, config.chunks)):
            thresholds = model.thresholds[index] if index < len(model.thresholds) else None
            layer = MVTU(weights=weights, thresholds=thresholds, pe=pe, simd=simd, chunk=chunk)
            m.submodules[f"layer{index + 1}"] = layer
            wiring.connect(m, upstream, layer.i)
            upstream = layer.o
        m.submodules.argmax = argmax = Argmax(config.score_width, model.n_classes)
        wiring.connect(m, upstream, argmax.i)
        wiring.connect(m, argmax.o, wiring.flipped(self.o))
        return m
