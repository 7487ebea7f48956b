"""Synthesis, place-and-route and an ASIC area estimate, through the open tools pip brought.

FPGA targets synthesise :class:`hwgen.registered.RegisteredUnit` (the unit between registers, on
four pins) with Yosys and place and route it with nextpnr under a clock constraint. The unit is
kept a module of its own, so its LUTs, carries and flip-flops are counted apart from the
wrapper's shift registers. The ``asic`` target maps the bare unit onto generic gates with Yosys
and ABC and reports area in NAND2 equivalents and depth in cells (see :data:`CELL_AREAS`).

Every figure is read from ``stat -json``, nextpnr's ``--report`` JSON or the JSON netlist; logs
are kept for people. The output directory holds (Amaranth's product names): ``<top>.v``,
``<top>.ys``, ``<top>.rpt`` (Yosys log), ``<top>.json`` (netlist), ``<top>.stat.json``,
``<top>.tim`` (nextpnr log), ``<top>.report.json``, ``<top>.placed.json`` (the packed and
placed netlist), ``<top>.asc`` or ``<top>.config``, and ``synth.json`` with the figures.
The tools run in a private directory beside it, renamed into place once every figure is in: the
output directory holds one whole run or its old content, never a mix of two runs (two targets
into one directory: the last to finish wins) and never half a run (a failure or Ctrl-C).

The FPGA cost is ``lc``, what the unit occupies as the fabric counts it (:mod:`flows.packing`):
iCE40 logic cells, a LUT4, a carry and a flip-flop to a cell; ECP5 LUT4s, two to a CCU2C, with
``slices`` beside. ``lut4`` and ``carry`` are Yosys' counts before packing, kept as detail.
"""

import json
import logging
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..hwgen.errors import FlowError, InputError, PlacementError
from ..hwgen.families import require
from ..hwgen.files import check_output_dir, directory_atomically, write_atomically
from .packing import unit_cells
from .tools import first_run_notice, resolve_tool

__all__ = ["FPGATarget", "FPGA_TARGETS", "TARGETS", "synthesize", "synthesize_cached", "REPORT"]

logger = logging.getLogger(__name__)

REPORT = "synth.json"
# Generic cells for the ASIC estimate: Yosys gate type -> (cell name, area in um^2). Areas are
# the widths, in placement sites of 0.46 um x 2.72 um (1.2512 um^2), of the drive-1 cells of the
# open SkyWater sky130_fd_sc_hd library: INV, NAND2, NOR2 3 sites; AND2, OR2 5; XOR2, XNOR2 7;
# MUX2 9; AOI21, OAI21 4; a pipeline flip-flop (dfxtp_1) 16. ABC maps onto Yosys' built-in
# gate set rather than a liberty or genlib file because, under YoWASP (WASI), ABC cannot read a
# cell-library file: liberty fails with "cannot stat liberty file" and genlib leaves no output.
# That set has no 3-input majority cell (sky130 maj3_1, 8 sites), so a majority gate costs its
# AOI/OAI decomposition here.
CELL_AREAS = {
    "$_NOT_":  ("INV", 3.7536),
    "$_NAND_": ("NAND2", 3.7536),
    "$_NOR_":  ("NOR2", 3.7536),
    "$_AND_":  ("AND2", 6.256),
    "$_OR_":   ("OR2", 6.256),
    "$_XOR_":  ("XOR2", 8.7584),
    "$_XNOR_": ("XNOR2", 8.7584),
    "$_MUX_":  ("MUX2", 11.2608),
    "$_AOI3_": ("AOI21", 5.0048),
    "$_OAI3_": ("OAI21", 5.0048),
    "$_DFF_P_": ("DFF", 20.0192),
}
_FLIP_FLOPS = {"$_DFF_P_"}
NAND2_AREA = CELL_AREAS["$_NAND_"][1]
_ABC_GATES = "AND,NAND,OR,NOR,XOR,XNOR,MUX,AOI3,OAI3"


@dataclass(frozen=True)
class FPGATarget:
    """A device for nextpnr, and the clock it is asked to meet."""
    name: str
    family: str
    device_args: tuple
    frequency_mhz: float
    logic_cells: int  # LUT4 logic cells of the device

    @property
    def nextpnr(self):
        return f"nextpnr-{self.family}"


FPGA_TARGETS = {target.name: target for target in (
    # Constraints near each fabric's ceiling for a short path, so nextpnr optimises for speed.
    FPGATarget("ice40-up5k", "ice40", ("--up5k", "--package", "sg48"), 100, 5280),
    FPGATarget("ice40-hx8k", "ice40", ("--hx8k", "--package", "ct256"), 250, 7680),
    FPGATarget("ecp5-25k", "ecp5", ("--25k", "--package", "CABGA256"), 250, 24288),
    FPGATarget("ecp5-85k", "ecp5", ("--85k", "--package", "CABGA381"), 250, 83640),
)}
TARGETS = tuple(FPGA_TARGETS) + ("asic",)
_COSTS = {"asic": ("area_nand2", "area (NAND2 eq.)"),
          "ecp5": ("lc", "LUT4s (CCU2C = 2)"), "ice40": ("lc", "logic cells")}


def cost_of(target):
    """``(key, label)``: the figure of a synthesis report that is a target's cost, and its name
    for tables and plots."""
    return _COSTS["asic" if target == "asic" else FPGA_TARGETS[target].family]

# synth_ecp5's default wide-LUT mapping reports ~4 LUT4/bit plus PFUMX and L6MUX21 cells, which
# hides the real cost; -nowidelut keeps the count in LUT4s comparable with iCE40's. Neither
# family may use DSP blocks (synth_ice40 leaves them out by default): the figures are for logic.
_SYNTH = {"ice40": "synth_ice40", "ecp5": "synth_ecp5 -nowidelut -nodsp"}
_LUTS = {"SB_LUT4", "LUT4"}
_CARRIES = {"SB_CARRY", "CCU2C"}
_RAMS = {"SB_RAM40_4K", "DP16KD"}  # block RAMs: 4 kbit on iCE40, 18 kbit on ECP5
_FF_PREFIXES = ("SB_DFF", "TRELLIS_FF")
_OUTPUT_ARGS = {"ice40": "--asc", "ecp5": "--textcfg"}
_OUTPUT_SUFFIX = {"ice40": ".asc", "ecp5": ".config"}


def _log_tail(path, lines=12):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log was written)"


def run_tool(tool, arguments, *, cwd, log, expected):
    """Run ``tool`` in ``cwd``; fail clearly unless it exits 0 and every ``expected`` file exists.

    YoWASP's Yosys can stop early and still exit 0 when its output goes to a pipe, so success is
    judged by the files it was meant to write. Returns the wall time in seconds.
    """
    command, _ = resolve_tool(tool)
    notice = first_run_notice(tool)
    if notice:
        logger.info(notice)
    logger.debug(" ".join([command, *arguments]))
    for path in expected:
        (cwd / path).unlink(missing_ok=True)
    started = time.perf_counter()
    completed = subprocess.run([command, *arguments], cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    missing = [str(path) for path in expected if not (cwd / path).exists()]
    if completed.returncode != 0 or missing:
        reason = f"exited with {completed.returncode}" if completed.returncode else \
            f"left no {', '.join(missing)}"
        # The working directory is private and removed with the failure: name the log only.
        failure = PlacementError if tool.startswith("nextpnr") else FlowError
        raise failure(f"{tool} {reason}; last lines of {log}:\n{_log_tail(cwd / log)}")
    return seconds


def _read_json(path, tool):
    """The JSON file ``path`` that ``tool`` wrote, or a :class:`FlowError` naming both."""
    try:
        return json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not valid JSON"
        raise FlowError(f"{tool} wrote {Path(path).name} but it cannot be read: "
                        f"{reason}") from None


def _cells(stat, module):
    return dict(stat["modules"].get(f"\\{module}", {}).get("num_cells_by_type", {}))


def _fpga_figures(cells):
    figures = {"lut4": 0, "carry": 0, "ff": 0, "ram": 0, "other_cells": {}}
    for cell, count in sorted(cells.items()):
        if cell in _LUTS:
            figures["lut4"] += count
        elif cell in _RAMS:
            figures["ram"] += count
        elif cell in _CARRIES:
            figures["carry"] += count
        elif cell.startswith(_FF_PREFIXES):
            figures["ff"] += count
        elif not cell.startswith("$scopeinfo"):
            figures["other_cells"][cell] = count
    return figures


def _critical_path(report):
    paths = report.get("critical_paths") or []
    if not paths or not paths[0].get("path"):
        return None
    steps = paths[0]["path"]
    return {"from": steps[0]["from"]["cell"], "to": steps[-1]["to"]["cell"],
            "delay_ns": round(sum(step["delay"] for step in steps), 3)}


def _run_yosys(out_dir, top, commands, config):
    """Write ``<top>.ys`` (``commands`` after reading ``<top>.v`` and copies of
    ``config.verilog_files``; they must write ``<top>.json`` and ``<top>.stat.json``), run it,
    return ``(seconds, stat)``."""
    reads = [f"read_verilog {top}.v"]
    for index, path in enumerate(config.verilog_files):
        write_atomically(out_dir / f"{top}.source{index}.v", Path(path).read_bytes())
        reads.append(f"read_verilog {top}.source{index}.v")
    write_atomically(out_dir / f"{top}.ys", "\n".join(reads + commands) + "\n")
    seconds = run_tool("yosys", ["-q", "-l", f"{top}.rpt", f"{top}.ys"], cwd=out_dir,
                       log=f"{top}.rpt", expected=[f"{top}.json", f"{top}.stat.json"])
    return seconds, _read_json(out_dir / f"{top}.stat.json", "yosys")


def _synthesize_fpga(config, target, out_dir, progress, behavioural):
    from amaranth.back import verilog

    from ..hwgen.registered import RegisteredUnit

    top = config.top_name
    write_atomically(out_dir / f"{top}.v", verilog.convert(
        RegisteredUnit(config, behavioural=behavioural), name=top, emit_src=False))
    progress(f"yosys: {_SYNTH[target.family]}")
    yosys_seconds, stat = _run_yosys(out_dir, top, [
        f"hierarchy -top {top}",
        f"setattr -mod -set keep_hierarchy 1 {top}.unit",
        f"{_SYNTH[target.family]} -top {top} -json {top}.json",
        f"tee -q -o {top}.stat.json stat -json",
    ], config)

    progress(f"{target.nextpnr}: place and route at {target.frequency_mhz} MHz")
    placed = f"{top}{_OUTPUT_SUFFIX[target.family]}"
    pnr_seconds = run_tool(target.nextpnr, [
        *target.device_args, "--json", f"{top}.json", _OUTPUT_ARGS[target.family], placed,
        "--write", f"{top}.placed.json",
        "--report", f"{top}.report.json", "--freq", str(target.frequency_mhz),
        f"--{'pcf' if target.family == 'ice40' else 'lpf'}-allow-unconstrained",
        "--timing-allow-fail", "--seed", "1", "-q", "-l", f"{top}.tim",
    ], cwd=out_dir, log=f"{top}.tim",
        expected=[placed, f"{top}.report.json", f"{top}.placed.json"])
    report = _read_json(out_dir / f"{top}.report.json", target.nextpnr)
    clocks = list(report.get("fmax", {}).values())

    occupied = unit_cells((out_dir / f"{top}.placed.json").read_text(), target.family)
    figures = {"lc": occupied["lc"]}
    if occupied["slices"] is not None:
        figures["slices"] = occupied["slices"]
    figures.update(_fpga_figures(_cells(stat, f"{top}.unit")))
    fmax = round(clocks[0]["achieved"], 2) if clocks else None
    if hasattr(config, "cycles_per_image"):
        figures["cycles_per_image"] = config.cycles_per_image
        figures["images_per_second"] = round(fmax * 1e6 / config.cycles_per_image) if fmax else None
    return {
        **figures,
        "lc_per_input_bit": round(figures["lc"] / config.input_bits, 4),
        "fmax_mhz": fmax,
        "clock_constraint_mhz": target.frequency_mhz,
        "critical_path": _critical_path(report),
        "wrapper_cells": _cells(stat, top),
        "utilization": {kind: use["used"] for kind, use in report.get("utilization", {}).items()
                        if use["used"]},
        "seconds": {"yosys": round(yosys_seconds, 2), "nextpnr": round(pnr_seconds, 2)},
    }


def _logic_depth(netlist, top):
    """Longest path, in cells, of a flat netlist: from an input port or flip-flop output to an
    output port or flip-flop input."""
    module = netlist["modules"][top]
    driver = {}
    ends = [bit for port in module["ports"].values() if port["direction"] == "output"
            for bit in port["bits"]]
    for cell in module["cells"].values():
        if cell["type"] in _FLIP_FLOPS:
            ends += cell["connections"]["D"]
            continue
        for pin, direction in cell["port_directions"].items():
            if direction == "output":
                for bit in cell["connections"][pin]:
                    driver[bit] = cell
    depth_of = {}

    def depth(bit):
        cell = driver.get(bit)
        if cell is None:  # an input port, a flip-flop or a constant
            return 0
        key = id(cell)
        if key not in depth_of:
            inputs = [bit for pin, direction in cell["port_directions"].items()
                      if direction == "input" for bit in cell["connections"][pin]]
            depth_of[key] = 1 + max((depth(bit) for bit in inputs), default=0)
        return depth_of[key]

    return max((depth(bit) for bit in ends), default=0)


def _synthesize_asic(config, out_dir, progress, behavioural):
    from ..hwgen.build import to_verilog

    top = config.top_name
    write_atomically(out_dir / f"{top}.v", to_verilog(config, behavioural=behavioural))
    progress("yosys: abc onto generic cells")
    seconds, stat = _run_yosys(out_dir, top, [
        f"synth -flatten -top {top}",
        # Engines leave flip-flops with synchronous reset and enable ($_SDFFE_PP0P_, ...): the
        # estimate's one flip-flop cell takes them, their reset and enable becoming gates.
        "dfflegalize -cell $_DFF_P_ 01",
        f"abc -g {_ABC_GATES}",
        "opt_clean",
        f"tee -q -o {top}.stat.json stat -json",
        f"write_json {top}.json",
    ], config)
    gates = {cell: count for cell, count in _cells(stat, top).items()
             if not cell.startswith("$scopeinfo")}
    unmapped = sorted(set(gates) - set(CELL_AREAS))
    if unmapped:
        raise FlowError(f"ABC left cells outside the generic set: {', '.join(unmapped)}")
    cells = {CELL_AREAS[gate][0]: count for gate, count in sorted(gates.items())}
    area = sum(CELL_AREAS[gate][1] * count for gate, count in gates.items())
    netlist = _read_json(out_dir / f"{top}.json", "yosys")
    return {"area_um2": round(area, 4), "area_nand2": round(area / NAND2_AREA, 2),
            "cells": sum(cells.values()), "cells_by_type": cells,
            "depth": _logic_depth(netlist, top), "seconds": {"yosys": round(seconds, 2)}}


def synthesize(config, target, out_dir=None, *, behavioural=False, progress=None):
    """Synthesise ``config`` for ``target`` (one of :data:`TARGETS`) into ``out_dir`` (by
    default a temporary directory, removed after); with ``behavioural``, its exact function as
    plain arithmetic (:mod:`hwgen.behavioural`) instead.

    Returns the figures, also written to ``out_dir/synth.json`` once every tool has succeeded.
    Raises :class:`FlowError` when a tool is missing, fails, or leaves no output.
    """
    from ..hwgen.behavioural import behavioural_name

    require(config, "behavioural" if behavioural else "synth")
    if target not in TARGETS:
        raise FlowError(f"Target must be one of {', '.join(TARGETS)}, not {target!r}")
    device = FPGA_TARGETS.get(target)
    if device and config.least_cells > device.logic_cells:
        raise InputError(f"{config.name} needs at least {config.least_cells} logic cells for "
                         f"its unrolled layers, more than {target}'s {device.logic_cells}; fold "
                         f"a layer or choose a larger target")
    if out_dir is None:
        with tempfile.TemporaryDirectory(prefix="axbnn-synth-") as work:
            return synthesize(config, target, Path(work) / "synth", behavioural=behavioural,
                              progress=progress)
    progress = progress or (lambda message: None)
    out_dir = check_synth_dir(out_dir)
    with directory_atomically(out_dir) as work:
        if target == "asic":
            figures = _synthesize_asic(config, work, progress, behavioural)
        else:
            figures = _synthesize_fpga(config, FPGA_TARGETS[target], work, progress,
                                       behavioural)
        report = {"design": behavioural_name(config) if behavioural else config.name,
                  "target": target, **figures}
        write_atomically(work / REPORT, json.dumps(report, indent=2) + "\n")
    return report


def synthesize_cached(config, target, cache, out_dir=None, *, behavioural=False, progress=None):
    """``(figures, cached)``: :func:`synthesize`'s figures from ``cache`` (a
    :class:`flows.cache.ResultCache`), or from a run into ``out_dir`` that are then stored
    there. A hit writes no files."""
    return cache.fetch("synth", config, lambda: synthesize(
        config, target, out_dir, behavioural=behavioural, progress=progress),
        target=target, behavioural=behavioural)


def check_synth_dir(out_dir):
    """``out_dir`` as an absolute path (its last link not followed: a link there is replaced),
    or :class:`InputError` unless synthesis may replace it: new, empty, a link, or a former
    synthesis result (it holds ``synth.json``)."""
    out_dir = Path(os.path.abspath(out_dir))
    if out_dir == out_dir.parent:
        raise InputError(f"Synthesis output {str(out_dir)!r} must not be a root directory")
    check_output_dir(out_dir.parent, what=f"Synthesis output {str(out_dir)!r}: directory")
    if out_dir.is_symlink():
        return out_dir
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"Synthesis output {str(out_dir)!r} is not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / REPORT).is_file():
        raise InputError(f"Synthesis output {str(out_dir)!r} holds files but no {REPORT}; "
                         "synthesis replaces its directory whole: name a new or empty one")
    return out_dir
