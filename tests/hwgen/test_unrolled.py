# amaranth: UnusedElaboratable=no
"""Unrolled layers in Amaranth's simulator: every score and class of all-unrolled, mixed and
pipelined engines equals the golden model's under random back-pressure, one image per cycle,
and a wrong weight or threshold is caught.

The fast tier runs a small random model (24-16-16-6), whose simulator builds in a second; the
digits engines (a few hundred trees of 64 and 128 inputs) take tens of seconds to build, so
they run in the slow tier.
"""

import numpy as np
import pytest
from amaranth.sim import Simulator

from amaranth_harness import bits_to_int, run_engine
from faults import broken_bnn

from axbnn.hwgen.bnn_config import BNNConfig
from axbnn.hwgen.bnn_engine import BNNEngine
from axbnn.hwgen.bnn_model import BNNModel
from axbnn.hwgen.config import PopcountConfig
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.unrolled import UnrolledLayer
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.bnn_infer import infer, layer_counts

SMALL_LAYERS = (24, 16, 16, 6)


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """A random model whose thresholds include the never (0) and always (n_in + 1) firing."""
    rng = np.random.default_rng(7)
    weights = tuple(rng.integers(0, 2, (n_out, n_in), dtype=np.uint8)
                    for n_in, n_out in zip(SMALL_LAYERS, SMALL_LAYERS[1:]))
    thresholds = []
    for n_in, n_out in zip(SMALL_LAYERS, SMALL_LAYERS[1:-1]):
        row = rng.integers(n_in // 2 - 3, n_in // 2 + 4, n_out).astype(np.int64)
        row[-2:] = (0, n_in + 1)  # past the eight a fault raises
        thresholds.append(row)
    path = tmp_path_factory.mktemp("model") / "small.npz"
    BNNModel(SMALL_LAYERS, weights, tuple(thresholds), (0.5,)).save(path)
    return str(path)


@pytest.fixture(scope="module")
def small_images():
    return np.random.default_rng(1).integers(0, 2, (60, SMALL_LAYERS[0]), dtype=np.uint8)


def _check(config, images, *, stall):
    labels, scores, _ = run_engine(BNNEngine(config), images, stall=stall)
    expected = infer(config, images)
    np.testing.assert_array_equal(scores, expected["scores"])
    np.testing.assert_array_equal(labels, expected["labels"])


@pytest.mark.parametrize("style, popcount", [
    ("unrolled", "exact"),
    ("unrolled", "maj_not-l1"),
    ("unrolled", "exact-p2"),
    ("unrolled", "maj_not-p1"),
    (("folded", "folded", "unrolled"), "exact"),
    (("unrolled", "folded", "unrolled"), ("maj_not-p2", "maj_not-c2", "exact-p1")),
])
def test_small_engine_matches_golden_model(style, popcount, small_model, small_images):
    config = BNNConfig(small_model, style=style, popcount=popcount)
    _check(config, small_images, stall=0.4)


def test_one_image_per_cycle(small_model, small_images):
    config = BNNConfig(small_model, style="unrolled", popcount="exact-p1")
    assert config.cycles_per_image == 1
    _, _, accepted = run_engine(BNNEngine(config), small_images)
    assert set(np.diff(accepted)) == {1}


@pytest.mark.parametrize("fault", ["weight", "threshold"])
def test_a_wrong_parameter_is_caught(fault, small_model, small_images, tmp_path):
    """The comparison can fail: a layer-2 weight bit flipped or eight thresholds raised."""
    config = BNNConfig(small_model, style="unrolled")
    _, scores, _ = run_engine(BNNEngine(broken_bnn(config, fault, tmp_path)), small_images)
    assert not np.array_equal(scores, infer(config, small_images)["scores"])


def test_layer_latency_and_valid_without_ready():
    """Each vector comes out ``latency`` cycles after it went in, and ``o.valid`` does not
    follow ``o.ready`` within a cycle."""
    rng = np.random.default_rng(3)
    weights = rng.integers(0, 2, (5, 12), dtype=np.uint8)
    thresholds = np.array([0, 13, 5, 6, 7], dtype=np.int64)
    chunk = PopcountConfig.from_plan(12, "exact-p1", xnor=True)
    layer = UnrolledLayer(weights=weights, thresholds=thresholds, chunk=chunk)
    assert layer.latency == chunk.latency + 1 == 3
    vectors = rng.integers(0, 2, (8, 12), dtype=np.uint8)
    expected = layer_counts(vectors, weights, chunk=chunk) >= thresholds
    seen = []

    async def testbench(ctx):
        ctx.set(layer.i.valid, 1)
        for index in range(len(vectors) + layer.latency):
            if index < len(vectors):
                ctx.set(layer.i.payload, bits_to_int(vectors[index]))
            ctx.set(layer.o.ready, 0)
            valid = ctx.get(layer.o.valid)
            ctx.set(layer.o.ready, 1)
            assert ctx.get(layer.o.valid) == valid
            assert valid == (index >= layer.latency)
            if valid:
                seen.append([(ctx.get(layer.o.payload) >> bit) & 1 for bit in range(5)])
            await ctx.tick()

    simulator = Simulator(layer)
    simulator.add_clock(1e-6)
    simulator.add_testbench(testbench)
    simulator.run()
    np.testing.assert_array_equal(seen, expected[:len(seen)])
    assert len(seen) == len(vectors)


def test_layer_rejects_a_chunk_of_another_width():
    chunk = PopcountConfig.from_plan(8, "exact", xnor=True)
    with pytest.raises(ValueError, match=r"^UnrolledLayer popcount must be an XNOR-popcount "
                                         r"of its 12 inputs, not xnorpop-8-exact$"):
        UnrolledLayer(weights=np.zeros((5, 12), dtype=np.uint8), thresholds=None, chunk=chunk)


@pytest.fixture(scope="module")
def digits_images():
    return parse_design("bnn-digits-small").model.binarize(load_dataset().x_test[:60])


@pytest.mark.slow
# Pipelined plans are covered by the small model above; here the real network's sizes matter.
@pytest.mark.parametrize("design, images", [
    ("bnn-digits-small-unrolled", 30), ("bnn-digits-small-unrolled-maj4", 20),
    ("bnn-digits-small-folded+folded+unrolled", 20)])
def test_digits_engine_matches_golden_model(design, images, digits_images):
    _check(parse_design(design), digits_images[:images], stall=0.3)


@pytest.mark.slow
def test_digits_one_image_per_cycle(digits_images):
    _, _, accepted = run_engine(BNNEngine(parse_design("bnn-digits-small-unrolled")),
                                digits_images[:20])
    assert set(np.diff(accepted)) == {1}
