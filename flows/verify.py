"""Cross-check generated RTL against the golden model in a real simulator, through cocotb.

One build per configuration and simulator, then every vector through that one build: a
Verilator build costs seconds of C++ compile, a vector microseconds.
"""

import json
from dataclasses import dataclass, field

import numpy as np

from ..hwgen.errors import DesignError
from ..hwgen.families import require
from ..hwgen.files import check_output_dir, check_output_file, write_atomically
from ..sim.units import evaluate
from ..sim.vectors import EXHAUSTIVE_BITS, as_python_ints, exhaustive_inputs, verification_inputs

from .cocotb_run import build_directory, read_response, run_cocotb
from ..hwgen.errors import FlowError

__all__ = ["verify", "verify_vectors", "Verification", "DEFAULT_VECTORS"]

DEFAULT_VECTORS = 2000
_SHOWN_MISMATCHES = 10


@dataclass
class Verification:
    """The outcome of one verification run; ``mismatches`` lists the first failing vectors."""
    design: str
    simulator: str
    vectors: int
    exhaustive: bool
    mismatches: list = field(default_factory=list)
    failed: int = 0
    build_seconds: float = 0.0
    run_seconds: float = 0.0

    @property
    def passed(self):
        return self.vectors - self.failed

    @property
    def ok(self):
        return self.failed == 0

    def summary(self):
        scope = "all" if self.exhaustive else "random and corner"
        return (f"{self.design} on {self.simulator}: {self.passed} of {self.vectors} {scope} "
                f"vectors match the golden model (build {self.build_seconds:.1f} s, "
                f"run {self.run_seconds:.1f} s)")


def _choose_inputs(config, vectors, exhaustive, seed):
    if exhaustive:
        return exhaustive_inputs(config), True
    if vectors is None:
        if config.input_bits <= 16:
            return exhaustive_inputs(config), True
        vectors = DEFAULT_VECTORS
    if isinstance(vectors, bool) or not isinstance(vectors, int) or vectors < 1:
        raise FlowError(f"Vector count must be a positive integer, not {vectors!r}")
    return verification_inputs(config, vectors, np.random.default_rng(seed)), False


def verify(config, *, simulator="verilator", vectors=None, exhaustive=False, seed=0,
           build_dir=None, waves=None):
    """Verify ``config``'s RTL against its golden model, the way its family's interface asks:
    a unit vector by vector (:func:`verify_vectors`), an engine by streaming the first
    ``vectors`` test images, or all of them (:func:`flows.bnn_verify.verify_bnn`)."""
    family = require(config, "verify")
    if build_dir is not None:
        check_output_dir(build_dir, what="Build directory")
    if waves is not None:
        check_output_file(waves, what="Waveform file")
    if family.interface == "ports":
        return verify_vectors(config, simulator=simulator, vectors=vectors,
                              exhaustive=exhaustive, seed=seed, build_dir=build_dir, waves=waves)
    from .bnn_verify import verify_bnn

    if exhaustive:
        raise DesignError(f"--exhaustive does not apply to {config.name}: it streams the test "
                          f"split (--vectors N: its first N images)")
    return verify_bnn(config, simulator=simulator, images=vectors, seed=seed,
                      build_dir=build_dir, waves=waves)


def verify_vectors(config, *, simulator="verilator", vectors=None, exhaustive=False, seed=0,
                   build_dir=None, waves=None):
    """Simulate the generated Verilog of ``config`` and compare every output with the model.

    Exhaustive with ``exhaustive=True`` (at most ``2**20`` vectors), and by default for units
    of at most 16 input bits; otherwise ``vectors`` random and corner vectors from ``seed``.
    Build products go to ``build_dir/<simulator>-<top>``; without a ``build_dir`` to a build
    cache, reused while the design's Verilog is unchanged (:func:`build_directory`). With
    ``waves`` (a path) the run is traced into that file. Returns a :class:`Verification`; raises
    :class:`FlowError` when a tool is missing or fails.
    """
    from ..hwgen.build import to_verilog

    if exhaustive and config.input_bits > EXHAUSTIVE_BITS:
        raise FlowError(f"Exhaustive verification needs at most {EXHAUSTIVE_BITS} input bits, "
                        f"but {config.name} has {config.input_bits}; give a vector count")
    inputs, exhaustive = _choose_inputs(config, vectors, exhaustive, seed)
    verilog = to_verilog(config)
    with build_directory(build_dir, simulator, config.top_name, verilog,
                         waves=waves is not None) as work:
        stimulus, response = work / "stimulus.json", work / "response.json"
        response.unlink(missing_ok=True)
        write_atomically(stimulus, json.dumps({
            "inputs": {name: as_python_ints(inputs[name], port.width)
                       for name, port in config.inputs.items()},
            "outputs": {name: port.signed for name, port in config.outputs.items()},
            "latency": config.latency,
        }))
        build_seconds, run_seconds, log = run_cocotb(
            verilog, config.top_name, simulator=simulator, work=work,
            test_module="axbnn.flows.combinational_tb", seed=seed, waves=waves,
            extra_env={"AXBNN_STIMULUS": str(stimulus), "AXBNN_RESPONSE": str(response)})
        responses = read_response(response, config.name, simulator, log)
    return _compare(config, simulator, inputs, responses, exhaustive, build_seconds, run_seconds)


def _compare(config, simulator, inputs, responses, exhaustive, build_seconds, run_seconds):
    expected = evaluate(config, inputs)
    count = len(next(iter(inputs.values())))
    wrong = np.zeros(count, dtype=bool)
    for name in config.outputs:
        simulated = np.array(responses[name], dtype=np.int64)
        if simulated.shape != (count,):
            raise FlowError(f"{simulator} returned {simulated.size} values of {name} for "
                            f"{count} vectors")
        wrong |= simulated != expected[name]
    mismatches = []
    for index in np.flatnonzero(wrong)[:_SHOWN_MISMATCHES]:
        mismatches.append({
            "inputs": {name: as_python_ints(inputs[name][index:index + 1], port.width)[0]
                       for name, port in config.inputs.items()},
            "expected": {name: int(expected[name][index]) for name in config.outputs},
            "simulated": {name: int(responses[name][index]) for name in config.outputs},
        })
    return Verification(config.name, simulator, count, exhaustive, mismatches,
                        int(wrong.sum()), build_seconds, run_seconds)
