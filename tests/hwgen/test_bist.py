# amaranth: UnusedElaboratable=no
"""The built-in self-test in Amaranth's simulator: passes on the generated unit, fails on a
unit with a stuck-at output bit, and its plain-data shift registers behave as specified."""

import pytest
from amaranth.sim import Simulator

from axbnn.hwgen import bist_plan
from axbnn.hwgen.bist import SelfTest
from faults import StuckAt
from axbnn.hwgen.designs import parse_design
from axbnn.sim.bist import signature


def run(selftest):
    """The verdict lines around the self-test's last cycle."""
    verdicts = {}

    async def testbench(ctx):
        assert ctx.get(selftest.running)
        await ctx.tick().repeat(selftest.duration - 1)
        verdicts["before_end"] = ctx.get(selftest.running)
        await ctx.tick()
        verdicts.update(running=ctx.get(selftest.running), passed=ctx.get(selftest.passed),
                        failed=ctx.get(selftest.failed))
        await ctx.tick().repeat(3)
        verdicts["held"] = ctx.get(selftest.passed) == verdicts["passed"]

    simulator = Simulator(selftest)
    simulator.add_clock(1e-6)
    simulator.add_testbench(testbench)
    simulator.run()
    return verdicts


@pytest.mark.parametrize("design", ["mul8-3330", "smul8-2220", "popcount-64-maj_not-c2",
                                    "add-8-loa-3", "popcount-64-maj_not-c2-p1",
                                    "popcount-256-exact-p2"])
def test_passes_on_the_generated_unit(design):
    config, cycles = parse_design(design), 300
    verdicts = run(SelfTest(config, cycles=cycles, signature=signature(config, cycles)))
    assert verdicts == {"before_end": 1, "running": 0, "passed": 1, "failed": 0, "held": True}


@pytest.mark.parametrize("design, bit, value", [("mul8-3330", 0, 1), ("mul8-3330", 15, 0),
                                                ("popcount-64-maj_not-c2", 3, 1),
                                                ("popcount-64-maj_not-c2-p1", 0, 0)])
def test_fails_on_a_stuck_output_bit(design, bit, value):
    config, cycles = parse_design(design), 300
    selftest = SelfTest(config, cycles=cycles, signature=signature(config, cycles),
                        unit=StuckAt(config, bit, value))
    verdicts = run(selftest)
    assert (verdicts["running"], verdicts["passed"], verdicts["failed"]) == (0, 0, 1)


def test_lfsr_has_maximal_period_prefix():
    # A maximal 32-bit LFSR does not revisit its seed early: check the first 100,000 states.
    state, seen = bist_plan.SEED, set()
    for _ in range(100_000):
        assert state not in seen
        seen.add(state)
        state = bist_plan.step(state)


def test_fold():
    assert bist_plan.fold(0x1_0000_0003, 33) == 0x2
    assert bist_plan.fold(0xFFFF, 16) == 0xFFFF


def test_parameters_are_checked():
    config = parse_design("fa-exact")
    with pytest.raises(ValueError, match=r"^Self-test cycles must be an integer from 1 to "
                                         r"16777215, not 0$"):
        SelfTest(config, cycles=0, signature=0)
    with pytest.raises(ValueError, match=r"^Self-test signature must be a 32-bit unsigned "
                                         r"integer, not -1$"):
        SelfTest(config, cycles=5, signature=-1)
