"""The wrapper that puts an external Verilog multiplier where a generated unit would be."""

from amaranth.hdl import Instance, Module

from .component import DesignComponent
from .external_config import ExternalMultiplierConfig

__all__ = ["ExternalMultiplier"]


class ExternalMultiplier(DesignComponent):
    """Ports ``a``, ``b``, ``p`` wired to the module ``config.module`` (whose Verilog the flows
    read beside this one's: ``config.verilog_files``). Combinational as the module is."""

    config_class = ExternalMultiplierConfig

    def elaborate(self, platform):
        m = Module()
        a, b, p = self._config.ports
        m.submodules.core = Instance(self._config.module, **{
            f"i_{a}": self.a, f"i_{b}": self.b, f"o_{p}": self.p})
        return m
