"""Build one Verilog design for a simulator and run a cocotb test module on it.

A build is reused while its Verilog is unchanged: a Verilator build costs seconds of C++ compile,
a run of a unit's vectors about a second. Without a build directory of the caller's, builds live
in the user's cache directory, one per simulator, top and Verilog text.
"""

import fcntl
import hashlib
import json
import logging
import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import platformdirs

from ..hwgen.errors import FlowError
from ..hwgen.files import check_output_dir, refuse_links, write_atomically
from .simulators import prepare_simulator

__all__ = ["run_cocotb", "read_response", "log_tail", "build_directory", "BUILD_CACHE"]

logger = logging.getLogger(__name__)

#: Where builds go by default; ``AXBNN_BUILD_CACHE`` moves it.
BUILD_CACHE = Path(platformdirs.user_cache_dir("axbnn")) / "builds"


@contextmanager
def build_directory(build_dir, simulator, top, verilog, *, waves=False):
    """The directory ``simulator`` builds and runs ``top`` in, held under a lock: one run at a
    time uses a build. ``build_dir/<simulator>-<top>``, or without ``build_dir`` a cached one
    named by the Verilog's SHA-256, so verifying an unchanged design again does not rebuild.
    A build that traces ``waves`` is another build."""
    name = f"{simulator}-{top}" + ("-waves" if waves else "")
    if build_dir is None:
        digest = hashlib.sha256(verilog.encode()).hexdigest()[:16]
        build_dir = Path(os.environ.get("AXBNN_BUILD_CACHE", BUILD_CACHE))
        work = build_dir / f"{name}-{digest}"
    else:
        work = Path(build_dir) / name
    check_output_dir(build_dir, what="Build directory")
    refuse_links(work, what="Build directory")  # the simulator would write through them
    work = work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    with open(work / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield work


def _runner(simulator):
    """cocotb's runner for ``simulator``, its commands run in the environment
    :func:`prepare_simulator` gives instead of one set on this process: a run must not change
    what a later run, or a test after it, sees.

    cocotb's runner copies ``os.environ`` into its own ``env`` before every build and test (and
    lets it override ``extra_env``), so the simulator's variables go in after that copy.
    """
    from cocotb_tools.runner import get_runner

    class Runner(type(get_runner(simulator))):
        def _set_env_common(self):
            super()._set_env_common()
            self.env = prepare_simulator(simulator, self.env)

        def _simulator_in_path_build_only(self):
            # Verilator's runner looks for its executable on this process's PATH; the packaged
            # Verilator is only on the PATH of the prepared environment.
            self.executable = shutil.which("verilator", path=self.env["PATH"])
            if self.executable is None:
                raise SystemExit("ERROR: verilator executable not found!")

    return Runner()


def read_response(path, design, simulator, log):
    """The JSON a testbench wrote to ``path``, or a :class:`FlowError` with the log's end."""
    if not path.exists():
        raise FlowError(f"{simulator} ran {design} but the testbench wrote no response; "
                        f"last lines of {log}:\n{log_tail(log)}")
    return json.loads(path.read_text())


def log_tail(path, lines=15):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def run_cocotb(verilog, top, *, simulator, work, test_module, extra_env, seed=0, waves=None):
    """Write ``verilog`` to ``work/<top>.v``, build it (reusing an up-to-date build) and run
    ``test_module`` with ``extra_env``. Returns ``(build_seconds, run_seconds, test_log)``.
    With ``waves`` (a path) the run is traced and its waveform (Verilator: VCD, Icarus: FST)
    is written there, in a ``work`` of :func:`build_directory` with ``waves=True``.

    Amaranth's Verilog has no timescale, so one is given; Verilator builds with -Wno-fatal
    because that Verilog trips width-expansion lint. cocotb's runner does not raise when a test
    fails outside pytest: the caller judges the run by what the test module wrote.
    """
    prepare_simulator(simulator)  # a missing simulator is a FlowError before anything is written
    source = work / f"{top}.v"
    if not source.exists() or source.read_text() != verilog:  # same text: keep the build
        logger.info(f"{simulator}: building {top} (seconds to a minute, once while its Verilog is "
                 f"unchanged)")
        write_atomically(source, verilog)
    runner = _runner(simulator)
    build_log, test_log = work / "build.log", work / "test.log"
    started = time.perf_counter()
    try:
        runner.build(sources=[source], hdl_toplevel=top, build_dir=work,
                     build_args=["-Wno-fatal"] if simulator == "verilator" else [],
                     timescale=("1ns", "1ps"), log_file=build_log, waves=bool(waves))
    except (subprocess.CalledProcessError, SystemExit, RuntimeError) as error:
        raise FlowError(f"{simulator} could not build {top} ({error}); last lines of "
                        f"{build_log}:\n{log_tail(build_log)}") from None
    built = time.perf_counter()
    runner.test(test_module=test_module, hdl_toplevel=top, build_dir=work, test_dir=work,
                seed=seed, log_file=test_log, extra_env=extra_env, waves=bool(waves))
    if waves:
        _keep_waves(work / _WAVES[simulator].format(top=top), Path(waves))
    return built - started, time.perf_counter() - built, test_log


_WAVES = {"verilator": "dump.vcd", "icarus": "{top}.fst"}  # where cocotb's runners dump


def _keep_waves(dump, path):
    if not dump.exists():
        raise FlowError(f"The traced run left no waveform {dump.name} in {dump.parent}")
    write_atomically(path, dump.read_bytes())
