# amaranth: UnusedElaboratable=no
"""The BNN self-test in Amaranth's simulator: it passes on the engine the golden model
predicts and fails when one weight bit or threshold is wrong."""

import numpy as np
import pytest
from amaranth.hdl import Module
from amaranth.lib import wiring
from amaranth.sim import Simulator

from faults import broken_bnn
from axbnn.hwgen import bist_plan
from axbnn.hwgen.bnn_bist import BNNSelfTest
from axbnn.hwgen.bnn_engine import BNNEngine
from axbnn.hwgen.designs import parse_design
from axbnn.sim.bist import bnn_images, bnn_signature

IMAGES = 6


def run_selftest(config, engine_config, *, images=IMAGES):
    """``(cycles, passed, failed)`` of the self-test expecting ``config``'s signature, run on
    the engine of ``engine_config``."""
    m = Module()
    m.submodules.selftest = selftest = BNNSelfTest(config, images=images,
                                                   signature=bnn_signature(config, images))
    m.submodules.engine = engine = BNNEngine(engine_config)
    wiring.connect(m, selftest.o, engine.i)
    wiring.connect(m, engine.o, selftest.i)
    verdict = {}

    async def testbench(ctx):
        cycles = 0
        while ctx.get(selftest.running):
            await ctx.tick()
            cycles += 1
        verdict.update(cycles=cycles, passed=ctx.get(selftest.passed),
                       failed=ctx.get(selftest.failed))

    simulator = Simulator(m)
    simulator.add_clock(1e-6)
    simulator.add_testbench(testbench)
    simulator.run()
    return verdict["cycles"], verdict["passed"], verdict["failed"]


@pytest.mark.parametrize("design", ["bnn-digits", "bnn-digits-maj_not-c2"])
def test_passes_on_the_predicted_engine(design):
    config = parse_design(design)
    cycles, passed, failed = run_selftest(config, config)
    assert (passed, failed) == (1, 0)
    # The first image needs n_in shifts and the engine's latency; then the engine sets the pace.
    assert cycles <= config.model.layers[0] + config.latency + IMAGES * config.cycles_per_image


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["weight", "threshold"])
def test_fails_on_a_wrong_parameter(fault, tmp_path):
    config = parse_design("bnn-digits")
    _, passed, failed = run_selftest(config, broken_bnn(config, fault, tmp_path), images=40)
    assert (passed, failed) == (0, 1)


def test_images_are_the_lfsr_windows():
    """Image k is the LFSR's output bits (k+1)*n_in-1 down to k*n_in, the newest at bit 0."""
    config = parse_design("bnn-digits")
    inputs = config.model.layers[0]
    state, stream = bist_plan.SEED, []
    for _ in range(3 * inputs):
        stream.append(bist_plan.feedback(state))
        state = bist_plan.step(state)
    expected = [stream[(k + 1) * inputs - 1::-1][:inputs] for k in range(3)]
    np.testing.assert_array_equal(bnn_images(config, 3), expected)


@pytest.mark.parametrize("images, signature, message", [
    (0, 0, r"^Self-test images must be an integer from 1 to 16777215, not 0$"),
    (4, -1, r"^Self-test signature must be a 32-bit unsigned integer, not -1$"),
])
def test_parameters_are_checked(images, signature, message):
    with pytest.raises(ValueError, match=message):
        BNNSelfTest(parse_design("bnn-digits"), images=images, signature=signature)
