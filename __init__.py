"""axbnn: approximate neural-network accelerators, generated, modelled, verified and implemented.

The repository's folders are this package's subpackages (``pyproject.toml`` maps them), in
dependency order: :mod:`axbnn.hwgen` (configurations, plans, families; Amaranth generators),
:mod:`axbnn.sim` (NumPy golden models), :mod:`axbnn.boards` (board data and tops) and
:mod:`axbnn.flows` (tools, verbs, the command line). The common entry points are here::

    import axbnn
    config = axbnn.parse_design("popcount-256-maj_not-c3")
    axbnn.characterize(config)                 # error metrics of the bit-exact golden model
    axbnn.evaluate(config, inputs)             # the golden model's outputs for port values
    axbnn.to_verilog(config)                   # deterministic Verilog
    axbnn.generate(config, "out")              # out/<top>.v and out/manifest.json
    axbnn.verify(config)                       # the RTL in Verilator against the model
    axbnn.synthesize(config, "ice40-up5k", "build/synth")

They load on first use, so ``import axbnn`` costs no Amaranth or tool import.
"""

import importlib
import importlib.metadata

__version__ = importlib.metadata.version("axbnn")

# public name -> module (under axbnn) that defines it
_PUBLIC = {
    "AxbnnError": "hwgen.errors", "DesignError": "hwgen.errors", "FlowError": "hwgen.errors",
    "FAMILIES": "hwgen.families", "family_of": "hwgen.families",
    "parse_design": "hwgen.designs", "PRESETS": "hwgen.designs",
    "elaborate": "hwgen.build", "to_verilog": "hwgen.build",
    "evaluate": "sim.units", "characterize": "sim.characterize",
    "generate": "flows.generate", "verify": "flows.verify", "synthesize": "flows.synth",
}
__all__ = ["__version__", *_PUBLIC]


def __getattr__(name):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'axbnn' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)


def __dir__():
    return __all__
