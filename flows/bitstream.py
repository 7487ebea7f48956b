"""Bitstreams through amaranth-boards and the YoWASP tools, optionally programmed."""

import json
import logging
import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..boards.bnn_top import BNNSerialTop
from ..boards.catalog import BOARDS
from ..boards.selftest_top import SelfTestTop
from ..hwgen.bist_plan import DEFAULT_CYCLES, DEFAULT_IMAGES
from ..hwgen.errors import FlowError
from ..hwgen.families import require
from ..hwgen.files import check_output_dir, refuse_links
from ..hwgen.serial_protocol import BAUD
from ..sim.bist import bnn_signature, signature
from .tools import TOOLS, first_run_notice

__all__ = ["build_bitstream", "Build"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Build:
    """A bitstream and what nextpnr's report says of it: ``utilization`` is ``{cell kind:
    (used, available)}`` for the kinds in use, ``fmax_mhz`` the achieved clock (``None`` for a
    design without one) against the board's ``clock_mhz``."""
    bitstream: Path
    utilization: dict
    fmax_mhz: float
    clock_mhz: float

    @property
    def timing_met(self):
        return self.fmax_mhz is None or self.fmax_mhz >= self.clock_mhz

    def summary(self):
        cells = ", ".join(f"{kind} {used}/{available} ({used / available:.0%})"
                          for kind, (used, available) in self.utilization.items())
        timing = "no clock" if self.fmax_mhz is None else (
            f"Fmax {self.fmax_mhz:.1f} MHz against the board clock {self.clock_mhz:g} MHz: "
            f"{'PASS' if self.timing_met else 'FAIL'}")
        return f"{self.bitstream}\n  {cells}\n  {timing}"


def _read_build(bitstream, report, clock_hz):
    try:
        figures = json.loads(report.read_text())
    except (OSError, ValueError) as error:
        raise FlowError(f"nextpnr left no readable {report.name} beside the bitstream: "
                        f"{getattr(error, 'strerror', None) or 'not valid JSON'}") from None
    fmax = [clock["achieved"] for clock in figures.get("fmax", {}).values()]
    return Build(bitstream,
                 {kind: (use["used"], use["available"])
                  for kind, use in figures.get("utilization", {}).items() if use["used"]},
                 round(min(fmax), 2) if fmax else None, clock_hz / 1e6)

_FAMILY_TOOLS = {"ice40": ("yosys", "nextpnr-ice40", "icepack"),
                 "ecp5": ("yosys", "nextpnr-ecp5", "ecppack")}
_PROGRAMMERS = {"ulx3s-85f": ("OPENFPGALOADER", "openFPGALoader"),
                "orangecrab-25f": ("DFU_UTIL", "dfu-util"),
                "icebreaker": ("ICEPROG", "iceprog"), "icestick": ("ICEPROG", "iceprog")}


@contextmanager
def _environment(board, program):
    """YoWASP tools where the user named none; stand-ins for tools only programming needs."""
    changes = {variable: default for variable, default, *_ in TOOLS.values()
               if variable not in os.environ}
    if not program:
        # amaranth-boards requires these even with do_program=False (the ULX3S checks for
        # openFPGALoader, the OrangeCrab runs dfu-suffix on the bitstream); neither is needed
        # to build, so `true` stands in.
        changes.update({name: "true" for name in ("OPENFPGALOADER", "DFU_SUFFIX")
                        if name not in os.environ})
    saved = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _failure(build_dir, lines=8):
    """Why nextpnr failed: the over-full resources if the design does not fit, else its errors.

    nextpnr writes no JSON report when placement fails, so this reads its log; it is an error
    message for a person, not a figure for a report.
    """
    log = Path(build_dir) / "top.tim"
    if not log.exists():
        return "(nextpnr wrote no log)"
    text = log.read_text(errors="replace")
    over = [f"{kind} {used} of {available}" for kind, used, available in
            re.findall(r"^Info:\s+(\w+):\s+(\d+)/\s*(\d+)", text, re.MULTILINE)
            if int(used) > int(available)]
    if over:
        return "does not fit: it needs " + ", ".join(over)
    errors = [line for line in text.splitlines() if "ERROR" in line]
    return "\n".join((errors or text.splitlines())[-lines:])


def _selftest_top(config, board, *, cycles, images, baud):
    """A unit's self-test, expecting the signature the golden model predicts."""
    return SelfTestTop(config, board, cycles=cycles, signature=signature(config, cycles))


def _serial_top(config, board, *, cycles, images, baud):
    """An engine on the board's serial port, self-testing on ``images`` images first."""
    if not board.has_uart:
        with_uart = [name for name, other in BOARDS.items() if other.has_uart]
        raise FlowError(f"BNN engines answer over a UART, which the {board.name} lacks; "
                        f"board must be one of {', '.join(with_uart)}")
    try:
        return BNNSerialTop(config, board, images=images, baud=baud,
                            signature=bnn_signature(config, images))
    except ValueError as error:
        raise FlowError(str(error)) from None


#: The board top of a design, by its family's interface.
_TOPS = {"ports": _selftest_top, "stream": _serial_top}


def build_bitstream(config, board_name, out_dir, *, cycles=DEFAULT_CYCLES, images=DEFAULT_IMAGES,
                    baud=BAUD, program=False):
    """Build the bitstream of ``config`` for ``board_name``; return its :class:`Build`.

    A unit gets its self-test of ``cycles`` cycles; a BNN engine answers images over the
    board's UART at ``baud`` after its self-test of ``images`` images. With ``program=True``
    the board's programmer loads it (a clear error if that tool is missing). A design too
    large for the device fails with nextpnr's utilisation figures.
    """
    if board_name not in BOARDS:
        raise FlowError(f"Board must be one of {', '.join(BOARDS)}, not {board_name!r}")
    board = BOARDS[board_name]
    if program:
        variable, default = _PROGRAMMERS[board_name]
        tool = os.environ.get(variable, default)
        if shutil.which(tool) is None:
            raise FlowError(f"Programming the {board_name} needs {tool}, which is not on PATH "
                            f"(install it, or set {variable})")
    check_output_dir(out_dir)
    refuse_links(out_dir)  # Amaranth's build plan would write through them
    out_dir = Path(out_dir).resolve()
    top = _TOPS[require(config, "build").interface](config, board, cycles=cycles,
                                                       images=images, baud=baud)
    suffix = ".bin" if board.platform.__module__.endswith(("icebreaker", "icestick")) else ".bit"
    bitstream = out_dir / f"top{suffix}"
    bitstream.unlink(missing_ok=True)
    platform = board.platform()
    for tool in _FAMILY_TOOLS[platform.family.lower()]:  # "iCE40", "ecp5"
        notice = first_run_notice(tool)
        if notice:
            logger.info(notice)
    with _environment(board, program):
        try:
            platform.build(top, name="top", build_dir=out_dir, do_program=program,
                           nextpnr_opts="--report top.report.json")
        except subprocess.CalledProcessError:
            raise FlowError(f"{config.name} could not be built for the {board_name} "
                            f"({board.device}): {_failure(out_dir)}") from None
    if not bitstream.exists():
        raise FlowError(f"The {board_name} build left no {bitstream.name} in {out_dir}")
    return _read_build(bitstream, out_dir / "top.report.json", platform.default_clk_frequency)
