"""From a configuration to its component and to deterministic Verilog."""

from amaranth.back import verilog

from .adder import ApproxAdder
from .behavioural import Behavioural
from .bnn_config import BNNConfig
from .bnn_engine import BNNEngine
from .config import AdderConfig, FullAdderConfig, MultiplierConfig, PopcountConfig
from .fulladder import FullAdder
from .mul8 import ApproxMultiplier8, SignMagnitudeMultiplier8
from .popcount import Popcount, XNORPopcount

__all__ = ["elaborate", "to_verilog"]


def elaborate(config, *, behavioural=False):
    """The :class:`~amaranth.lib.wiring.Component` that implements ``config``, or with
    ``behavioural`` the plain-arithmetic baseline of its exact function."""
    if behavioural:
        return Behavioural(config)
    if isinstance(config, FullAdderConfig):
        return FullAdder(config)
    if isinstance(config, PopcountConfig):
        return XNORPopcount(config) if config.xnor else Popcount(config)
    if isinstance(config, MultiplierConfig):
        return SignMagnitudeMultiplier8(config) if config.signed else ApproxMultiplier8(config)
    if isinstance(config, AdderConfig):
        return ApproxAdder(config)
    if isinstance(config, BNNConfig):
        return BNNEngine(config)
    raise TypeError(f"Configuration must be one of hwgen.config's, not {config!r}")


def to_verilog(config, *, behavioural=False):
    """Verilog text of ``config`` (see :func:`elaborate`) with top module ``config.top_name``.

    Deterministic: source locations are left out, so the text depends only on the
    configuration and the tool versions, never on paths.
    """
    return verilog.convert(elaborate(config, behavioural=behavioural), name=config.top_name,
                           emit_src=False)
