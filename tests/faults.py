# amaranth: UnusedElaboratable=no
"""Fault injection: a generated unit with one output bit stuck, a BNN with one wrong parameter."""

import dataclasses

from amaranth.hdl import Module
from amaranth.lib import wiring

from axbnn.hwgen.build import elaborate
from axbnn.hwgen.component import design_signature


class StuckAt(wiring.Component):
    """``config``'s unit with bit ``bit`` of its first output stuck at ``value``."""

    def __init__(self, config, bit, value):
        self._config, self._bit, self._value = config, bit, value
        super().__init__(design_signature(config))

    def elaborate(self, platform):
        m = Module()
        m.submodules.unit = unit = elaborate(self._config)
        for name in self._config.inputs:
            m.d.comb += getattr(unit, name).eq(getattr(self, name))
        first, *others = self._config.outputs
        result = getattr(unit, first).as_unsigned()
        forced = result | (1 << self._bit) if self._value else result & ~(1 << self._bit)
        m.d.comb += getattr(self, first).eq(forced)
        for name in others:
            m.d.comb += getattr(self, name).eq(getattr(unit, name))
        return m


def broken_bnn(config, fault, directory):
    """``config`` with one weight bit of the last layer flipped (``fault="weight"``: one class
    score of every image moves by one) or eight thresholds raised by 3 (``"threshold"``), its
    model saved in ``directory``."""
    model = config.model
    weights, thresholds = list(model.weights), list(model.thresholds)
    if fault == "weight":
        weights[-1] = weights[-1].copy()
        weights[-1][3, 7] ^= 1
    else:
        thresholds[0] = thresholds[0].copy()
        thresholds[0][:8] += 3
    path = directory / f"broken-{fault}.npz"
    dataclasses.replace(model, weights=tuple(weights), thresholds=tuple(thresholds)).save(path)
    return config.replace(weights=str(path))
