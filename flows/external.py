"""External Verilog multipliers in axbnn's flows: checked, simulated exhaustively, then compared.

    axbnn report --external FILE.v --top NAME [--ports A,B,O] ...

:func:`load_external` reads the file with Yosys (the module must exist and its ports take 8, 8
and 16 bits), then simulates all 65,536 operand pairs with cocotb in Verilator or Icarus
(the testbench of every generated unit), and returns an
:class:`~hwgen.external_config.ExternalMultiplierConfig` holding the products. From there
``report`` synthesises it through the same wrapper and tools as a generated unit and
characterises it from those products. Any problem with the file is one line before anything is
written.
"""

import json
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..hwgen.errors import FlowError, InputError
from ..hwgen.external_config import EXTERNAL_PORTS, ExternalMultiplierConfig
from ..hwgen.files import check_output_dir, write_atomically
from .cocotb_run import log_tail, run_cocotb
from .tools import resolve_tool

__all__ = ["load_external", "load_externals", "module_ports", "simulate_products"]


def module_ports(path, module):
    """``{port: (direction, width)}`` of ``module`` in the Verilog file ``path``, read by Yosys;
    an :class:`InputError` when the file cannot be read or has no such module."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"--external {path}: no such file")
    command, _ = resolve_tool("yosys")
    with tempfile.TemporaryDirectory(prefix="axbnn-external-") as work:
        # YoWASP's Yosys sees its working directory only: it reads a copy.
        write_atomically(Path(work, "source.v"), path.read_bytes())
        script = f"read_verilog source.v; hierarchy -top {module}; write_json ports.json"
        completed = subprocess.run([command, "-q", "-l", "yosys.log", "-p", script], cwd=work,
                                   capture_output=True, text=True)
        log = Path(work, "yosys.log")
        text = log.read_text(errors="replace") if log.exists() else completed.stderr
        if completed.returncode != 0 or not Path(work, "ports.json").exists():
            if re.search(r"Module `\\?" + re.escape(module) + r"' not found", text):
                raise InputError(f"--external {path}: no module named {module!r} (--top)")
            error = next((line for line in text.splitlines() if "ERROR" in line),
                         "Yosys could not read it")
            raise InputError(f"--external {path}: {error.strip()}")
        netlist = json.loads(Path(work, "ports.json").read_text())
    ports = netlist["modules"][module]["ports"]
    return {name: (port["direction"], len(port["bits"])) for name, port in ports.items()}


def _check_ports(path, module, names, ports):
    wanted = dict(zip(names, zip(("input", "input", "output"), EXTERNAL_PORTS.values())))
    if any(ports.get(name) != shape for name, shape in wanted.items()):
        found = ", ".join(f"{name} {direction} {width}"
                          for name, (direction, width) in ports.items())
        want = ", ".join(f"{name} {direction} {width}"
                         for name, (direction, width) in wanted.items())
        raise InputError(f"--external {path}: module {module} must have ports {want} "
                         f"(--ports), not {found}")


def simulate_products(config, *, simulator="verilator", work):
    """All 65,536 products of the external multiplier ``config``, ``products[a * 256 + b]``,
    simulated with cocotb in ``simulator``, build products in ``work``."""
    a, b, p = config.ports
    pairs = np.arange(1 << 16)
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    stimulus, response = work / "stimulus.json", work / "response.json"
    response.unlink(missing_ok=True)
    write_atomically(stimulus, json.dumps({
        "inputs": {a: (pairs >> 8).tolist(), b: (pairs & 255).tolist()},
        "outputs": {p: False}, "latency": 0}))
    _, _, log = run_cocotb(Path(config.path).read_text(), config.module, simulator=simulator,
                           work=work, test_module="axbnn.flows.combinational_tb",
                           extra_env={"AXBNN_STIMULUS": str(stimulus),
                                      "AXBNN_RESPONSE": str(response)})
    if not response.exists():
        raise FlowError(f"{simulator} ran {config.module} but the testbench wrote no response; "
                        f"last lines of {log}:\n{log_tail(log)}")
    products = json.loads(response.read_text())[p]
    if len(products) != 1 << 16:
        raise FlowError(f"{simulator} returned {len(products)} products of {config.module}")
    return tuple(products)


def load_external(path, module, ports=("a", "b", "p"), *, simulator="verilator", work=None):
    """The external multiplier ``module`` of ``path`` with its products simulated.

    Checks the file and the ports first (an :class:`InputError`, nothing written); simulation
    builds in ``work`` (a temporary directory by default).
    """
    try:
        config = ExternalMultiplierConfig(str(Path(path).resolve()), module, tuple(ports))
    except ValueError as error:
        raise InputError(str(error)) from None
    _check_ports(path, module, config.ports, module_ports(path, module))
    if work is None:
        with tempfile.TemporaryDirectory(prefix="axbnn-external-") as temporary:
            return load_external(path, module, ports, simulator=simulator, work=temporary)
    products = simulate_products(config, simulator=simulator, work=Path(work) / module)
    return config.replace(products=products)


def load_externals(paths, tops, ports, out_dir, *, simulator="verilator"):
    """:func:`load_external` of each of ``paths``, module ``tops[i]`` (by default the file's
    stem), ports named by ``ports`` (``"A,B,O"``). Every file and ``out_dir`` are checked before
    the first simulation; simulations build in a temporary directory."""
    if tops and len(tops) != len(paths):
        raise InputError(f"--top must be given once per --external ({len(paths)}), "
                         f"not {len(tops)} times")
    names = tuple(ports.split(","))
    if paths:
        check_output_dir(Path(out_dir))
    tops = tops or [Path(path).stem for path in paths]
    for path, top in zip(paths, tops):
        try:
            ExternalMultiplierConfig(str(path), top, names)
        except ValueError as error:
            raise InputError(str(error)) from None
        _check_ports(path, top, names, module_ports(path, top))
    with tempfile.TemporaryDirectory(prefix="axbnn-external-") as work:
        return [load_external(path, top, names, simulator=simulator, work=work)
                for path, top in zip(paths, tops)]
