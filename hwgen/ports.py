"""Amaranth signatures from a configuration's plain-data port description."""

from amaranth.hdl import signed, unsigned
from amaranth.lib.wiring import In, Out

__all__ = ["design_signature"]


def _shape(port):
    return signed(port.width) if port.signed else unsigned(port.width)


def design_signature(config):
    """``{name: In(shape) | Out(shape)}`` for ``config.inputs`` and ``config.outputs``."""
    members = {name: In(_shape(port)) for name, port in config.inputs.items()}
    members.update({name: Out(_shape(port)) for name, port in config.outputs.items()})
    return members
