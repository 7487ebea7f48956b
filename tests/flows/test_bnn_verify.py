"""The generated BNN engine in real simulators: the whole digits test split streams through it
with random back-pressure, and every class and score equals the golden model's."""

import pytest

from axbnn.flows.bnn_verify import verify_bnn
from axbnn.hwgen.designs import parse_design

# Every test streams the test split through the engine in a real simulator.
pytestmark = pytest.mark.slow


# The small model's engines: four times fewer cycles per image than digits' (whose exact and
# approximate engines axbnn front proves over the split). Icarus cross-checks one of them: the
# approximate plans are the same Verilog constructs, 50 s more on Icarus.
@pytest.mark.parametrize("design, simulator", [
    ("bnn-digits-small", "verilator"), ("bnn-digits-small", "icarus"),
    ("bnn-digits-small-maj_not-l1", "verilator"), ("bnn-digits-small-maj4", "verilator"),
], indirect=["simulator"])
def test_test_split(design, simulator, tmp_path):
    config = parse_design(design)
    result = verify_bnn(config, simulator=simulator, stall=0.3, seed=3, build_dir=tmp_path)
    assert result.images == result.results == 360
    assert result.ok, result.mismatches
    if design == "bnn-digits-small":  # the exact engine classifies as training's integer check did
        assert result.accuracy == config.model.metadata["test_accuracy"]
