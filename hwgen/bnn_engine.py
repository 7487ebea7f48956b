"""A binary MLP engine: one layer component per layer, chained by streams, then argmax.

Each layer is built in its style (:data:`LAYER_STYLES`): folded, an :class:`~hwgen.mvtu.MVTU`,
or unrolled, an :class:`~hwgen.unrolled.UnrolledLayer`. Layers work on different images at once,
so a new image enters every :attr:`~hwgen.bnn_config.BNNConfig.cycles_per_image` cycles (the
slowest layer's; one when all are unrolled); each stream carries a whole vector per transfer
and honours back-pressure, so a stalled output holds every layer behind it without losing an
image.
"""

from amaranth.hdl import Module
from amaranth.lib import wiring

from .bnn_config import BNNConfig
from .component import StreamEngine
from .fold_sequencer import reads_in_place
from .mvtu import MVTU
from .serial_argmax import engine_argmax
from .unrolled import UnrolledLayer

__all__ = ["BNNEngine", "LAYER_STYLES"]

#: The component of a layer of each style, from its weights, thresholds, folding, chunk
#: popcount and whether it reads its input in place. An unrolled layer's folding is its whole
#: size (the configuration fixed it).
LAYER_STYLES = {
    "folded": lambda weights, thresholds, pe, simd, chunk, in_place: MVTU(
        weights=weights, thresholds=thresholds, pe=pe, simd=simd, chunk=chunk,
        in_place=in_place),
    "unrolled": lambda weights, thresholds, pe, simd, chunk, in_place: UnrolledLayer(
        weights=weights, thresholds=thresholds, chunk=chunk),
}


class BNNEngine(StreamEngine):
    """The engine of ``config``: images in on ``i`` (one bit per input), results out on ``o``
    (``label`` and the last layer's ``scores``)."""

    config_class = BNNConfig

    def elaborate(self, platform):
        m = Module()
        config, model = self._config, self._config.model
        upstream = wiring.flipped(self.i)
        upstream_folds = None  # an unrolled upstream has its next output ready
        for index, (weights, pe, simd, chunk, style, folds) in enumerate(zip(
                model.weights, config.pe, config.simd, config.chunks, config.style,
                config.folds)):
            thresholds = model.thresholds[index] if index < len(model.thresholds) else None
            # The first layer copies the image: the self-test and serial tops build their next
            # image in the register they offer, while the engine works on this one.
            layer = LAYER_STYLES[style](weights, thresholds, pe, simd, chunk,
                                        index > 0 and reads_in_place(upstream_folds, folds))
            upstream_folds = folds if style == "folded" else None
            m.submodules[f"layer{index + 1}"] = layer
            wiring.connect(m, upstream, layer.i)
            upstream = layer.o
        m.submodules.argmax = argmax = engine_argmax(config.score_width, model.n_classes,
                                                     config.cycles_per_image)
        wiring.connect(m, upstream, argmax.i)
        wiring.connect(m, argmax.o, wiring.flipped(self.o))
        return m
