"""What every generated component shares: built from one configuration, ports described once.

A unit's ports come from its configuration's plain-data description (``config.inputs`` and
``config.outputs``, which the golden model and the testbenches read too); an engine declares
stream ports of its own. Either way :func:`port_table` reads the ports back from the component's
signature, so the manifest names exactly the ports the Verilog has.
"""

from amaranth.hdl import Shape, signed, unsigned
from amaranth.lib import stream, wiring
from amaranth.lib.wiring import In, Out

from .argmax import result_layout

__all__ = ["DesignComponent", "StreamEngine", "design_signature", "port_table"]


def _shape(port):
    return signed(port.width) if port.signed else unsigned(port.width)


def design_signature(config):
    """``{name: In(shape) | Out(shape)}`` for ``config.inputs`` and ``config.outputs``."""
    members = {name: In(_shape(port)) for name, port in config.inputs.items()}
    members.update({name: Out(_shape(port)) for name, port in config.outputs.items()})
    return members


def port_table(component):
    """``{verilog name: {"direction", "width", "signed"}}`` of a top-level ``component``.

    Names are the ones Amaranth's Verilog gives flattened members (``i__payload``, ``o__valid``);
    the clock and reset of a synchronous design are not members, so they are not listed.
    """
    table = {}
    for path, member, _ in component.signature.flatten(component):
        shape = Shape.cast(member.shape)  # a payload's layout counts as its bits
        table["__".join(map(str, path))] = {
            "direction": "input" if member.flow == In else "output",
            "width": shape.width, "signed": shape.signed}
    return table


class DesignComponent(wiring.Component):
    """A component built from one configuration of :attr:`config_class`.

    Subclasses set :attr:`config_class`, and :attr:`requires` where they build only some of its
    configurations (``{"xnor": True}``); they may refine :meth:`members` (by default the ports
    ``config.inputs`` and ``config.outputs`` describe) and implement ``elaborate``.
    """
    config_class = None
    requires = {}

    def __init__(self, config):
        if not isinstance(config, self.config_class):
            name = self.config_class.__name__
            article = "an" if name[0] in "AEIOU" else "a"
            raise TypeError(f"Configuration must be {article} {name}, not {config!r}")
        for field, value in self.requires.items():
            if getattr(config, field) != value:
                raise ValueError(f"Configuration {field} must be {value} for this component, "
                                 f"not {getattr(config, field)!r}")
        self._config = config
        super().__init__(self.members(config))

    def members(self, config):
        return design_signature(config)

    @property
    def config(self):
        return self._config


class StreamEngine(DesignComponent):
    """A network engine: images in on the stream ``i``, ``config.input_bits`` a beat; for each,
    its class scores and label out on ``o``."""

    def members(self, config):
        return {"i": In(stream.Signature(config.input_bits)),
                "o": Out(stream.Signature(result_layout(config.score_width,
                                                        config.model.n_classes)))}
