"""Simulate a board's top in a real simulator, before any board is involved."""

import json
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from amaranth.back import verilog

from ..hwgen.bist import SelfTest
from ..hwgen.bnn_serial import BNNSerial
from ..hwgen.errors import FlowError
from ..sim.bist import bnn_signature, signature
from .cocotb_run import log_tail, run_cocotb

__all__ = ["simulate_selftest", "simulated_board", "SimulatedBoard"]

SIMULATED_DIVISOR = 8  # clock cycles per UART bit: the protocol is the same at any rate
_CONNECT_TIMEOUT = 600  # seconds the simulated board waits for its host


def _run(top_module, top, *, simulator, work, test_module, extra_env):
    """Build ``top_module`` as ``top`` and run ``test_module`` on it; return the test log."""
    _, _, log = run_cocotb(verilog.convert(top_module, name=top, emit_src=False), top,
                           simulator=simulator, work=work, test_module=test_module,
                           extra_env=extra_env)
    return log


def simulate_selftest(config, *, cycles, simulator, work, unit=None):
    """Run :class:`~hwgen.bist.SelfTest` of ``config`` (or of ``unit`` in its place, to inject
    a fault) under cocotb; return ``{"cycles": ..., "passed": 0|1, "failed": 0|1}``."""
    selftest = SelfTest(config, cycles=cycles, signature=signature(config, cycles), unit=unit)
    work = Path(work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    response = work / "verdict.json"
    response.unlink(missing_ok=True)
    log = _run(selftest, f"selftest_{config.top_name}", simulator=simulator, work=work,
               test_module="axbnn.flows.selftest_tb",
               extra_env={"AXBNN_CYCLES": str(selftest.duration), "AXBNN_RESPONSE": str(response)})
    if not response.exists():
        raise FlowError(f"The self-test of {config.name} wrote no verdict; last lines of "
                        f"{log}:\n{log_tail(log)}")
    return json.loads(response.read_text())


@dataclass
class SimulatedBoard:
    """A running simulation of a BNN engine's serial top: connect a host to ``url``."""
    url: str
    verdict: dict


@contextmanager
def simulated_board(config, *, images, simulator, work, signature=None):
    """:class:`~hwgen.bnn_serial.BNNSerial` of ``config`` under cocotb, its serial line on a
    local socket; yields a :class:`SimulatedBoard` once the self-test of ``images`` images
    is over, and ends the simulation when the host closes its port.

    ``signature`` replaces the one the golden model predicts (to see the self-test fail).
    """
    if signature is None:
        signature = bnn_signature(config, images)
    top = BNNSerial(config, divisor=SIMULATED_DIVISOR, images=images, signature=signature)
    work = Path(work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    verdict, port = work / "verdict.json", work / "port"
    for path in (verdict, port):
        path.unlink(missing_ok=True)
    outcome = {}

    def simulate():
        try:
            outcome["log"] = _run(top, f"serial_{config.top_name}", simulator=simulator,
                                  work=work, test_module="axbnn.flows.serial_tb",
                                  extra_env={"AXBNN_DIVISOR": str(SIMULATED_DIVISOR),
                                             "AXBNN_VERDICT": str(verdict),
                                             "AXBNN_PORT": str(port),
                                             "AXBNN_CONNECT_TIMEOUT": str(_CONNECT_TIMEOUT)})
        except FlowError as error:
            outcome["error"] = error

    thread = threading.Thread(target=simulate, daemon=True)
    thread.start()
    while not port.exists() and thread.is_alive():
        time.sleep(0.1)
    if not port.exists():
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        raise FlowError(f"The simulated {config.name} board never listened; last lines of "
                        f"{outcome['log']}:\n{log_tail(outcome['log'])}")
    number = int(port.read_text())
    try:
        yield SimulatedBoard(f"socket://127.0.0.1:{number}", json.loads(verdict.read_text()))
    finally:
        try:  # a host that never connected: connect and hang up, so the simulation ends
            socket.create_connection(("127.0.0.1", number), timeout=1).close()
        except OSError:
            pass
        thread.join()
