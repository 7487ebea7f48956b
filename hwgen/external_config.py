"""A multiplier from elsewhere: a Verilog file, its top module and the names of its ports.

It stands in the flows beside generated units (``axbnn report --external FILE.v --top NAME``):
synthesised through the same wrapper and tools, characterised from its own simulated products
(:mod:`flows.external`, which checks the file before anything is written). Plain data.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import Port, ProductMultiplierConfig, _Design

__all__ = ["ExternalMultiplierConfig", "EXTERNAL_PORTS"]

#: The port widths an external 8x8 multiplier must have, by role.
EXTERNAL_PORTS = {"a": 8, "b": 8, "p": 16}


@dataclass(frozen=True)
class ExternalMultiplierConfig(_Design):
    """An unsigned 8x8 multiplier in ``path``, module ``module``, whose ports ``ports`` (names
    of ``a``, ``b`` and ``p``, in that order) take 8, 8 and 16 bits.

    ``products`` holds its 65,536 products, ``products[a * 256 + b]``, once simulated; its
    golden model (:mod:`sim.external_multiplier`) reads them.
    """
    path: str
    module: str
    ports: tuple = ("a", "b", "p")
    products: tuple = field(default=None, compare=False, repr=False)
    family = "external"
    NAME_FORMS = {}

    def __post_init__(self):
        identifier = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
        if not isinstance(self.module, str) or not identifier.fullmatch(self.module):
            raise ValueError(f"External top must be a Verilog module name, not {self.module!r}")
        if (not isinstance(self.ports, tuple) or len(self.ports) != 3
                or not all(isinstance(p, str) and identifier.fullmatch(p) for p in self.ports)):
            raise ValueError(f"External ports must be three port names (a, b, p), "
                             f"not {self.ports!r}")

    @property
    def name(self):
        return f"ext-{self.module}"

    @property
    def verilog_files(self):
        return (self.path,)

    def exact(self):
        """The exact multiplier it is compared with: axbnn's own."""
        return ProductMultiplierConfig()

    @property
    def description(self):
        return f"external 8x8 multiplier {self.module} from {self.path}"

    def to_dict(self):
        return {"family": self.family, "path": self.path, "module": self.module,
                "ports": list(self.ports)}

    @property
    def structure(self):
        """The file's SHA-256: results of an external design are kept by its content (the
        result cache keys by structure), not by a path whose file may change."""
        return {"sha256": hashlib.sha256(Path(self.path).read_bytes()).hexdigest()}

    @property
    def inputs(self):
        return {"a": Port(EXTERNAL_PORTS["a"]), "b": Port(EXTERNAL_PORTS["b"])}

    @property
    def outputs(self):
        return {"p": Port(EXTERNAL_PORTS["p"])}
