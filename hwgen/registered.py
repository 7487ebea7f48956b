"""A synthesis wrapper: any generated unit between registers, on four pins.

Inputs arrive through a shift register (``si``, flip-flops only, no LUTs) and the registered
outputs leave through another (``load`` copies them in, then they shift out on ``so``). So a
1024-input popcount fits a 48-pin package, the unit's own path runs register to register and
gives a meaningful Fmax, and the unit stays a module of its own (``<top>.unit``) whose cells can
be counted apart from the wrapper's.
"""

from amaranth.hdl import Cat, Module, Mux, Signal
from amaranth.lib import wiring
from amaranth.lib.wiring import In, Out

from .build import elaborate

__all__ = ["RegisteredUnit"]


class RegisteredUnit(wiring.Component):
    """``config``'s unit between a serial-in input register and a parallel-load output register.

    Latency from a complete input vector to its output register: 1 cycle plus the unit's own
    ``config.latency`` (none for the ``behavioural`` baseline). The unit sees a new vector
    every cycle (the input register shifts by one bit per cycle).
    """

    si: In(1)
    load: In(1)
    so: Out(1)

    def __init__(self, config, *, behavioural=False):
        self._config = config
        self._behavioural = behavioural
        super().__init__()

    @property
    def config(self):
        return self._config

    def elaborate(self, platform):
        m = Module()
        m.submodules.unit = unit = elaborate(self._config, behavioural=self._behavioural)
        # Every port, streams' valid and ready included, by its direction.
        members = list(unit.signature.flatten(unit))
        inputs = Cat(value for _, member, value in members if member.flow == In)
        outputs = Cat(value for _, member, value in members if member.flow == Out)
        shift_in = Signal(len(inputs), reset_less=True)
        result = Signal(len(outputs), reset_less=True)
        shift_out = Signal(len(outputs), reset_less=True)
        m.d.sync += [
            shift_in.eq(Cat(self.si, shift_in[:-1])),
            result.eq(outputs),
            shift_out.eq(Mux(self.load, result, shift_out >> 1)),
        ]
        m.d.comb += [inputs.eq(shift_in), self.so.eq(shift_out[0])]
        return m
