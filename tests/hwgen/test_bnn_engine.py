# amaranth: UnusedElaboratable=no
"""The BNN engine in Amaranth's simulator: every score and class equals the golden model's
under random back-pressure, throughput is as documented, and a wrong weight bit or threshold is
caught."""

import numpy as np
import pytest
from amaranth.sim import Simulator

from amaranth_harness import run_engine, run_paced
from faults import broken_bnn

from axbnn.hwgen.argmax import Argmax
from axbnn.hwgen.bnn_engine import BNNEngine
from axbnn.hwgen.designs import parse_design
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.bnn_infer import infer
from axbnn.sim.threshold_tuning import tune_thresholds

IMAGES = 12


@pytest.fixture(scope="module")
def images():
    dataset = load_dataset()
    return parse_design("bnn-digits").model.binarize(dataset.x_test[:IMAGES])


@pytest.mark.parametrize("design, stall", [("bnn-digits", 0.3), ("bnn-digits-maj_not-c2", 0.5),
                                           ("bnn-digits-maj_not-l1", 0.0),
                                           ("bnn-digits-exact-p2", 0.3)])
def test_matches_golden_model(design, stall, images):
    config = parse_design(design)
    labels, scores, _ = run_engine(BNNEngine(config), images, stall=stall)
    expected = infer(config, images)
    np.testing.assert_array_equal(scores, expected["scores"])
    np.testing.assert_array_equal(labels, expected["labels"])


@pytest.mark.slow
def test_tuned_thresholds_match_golden_model(images, tmp_path):
    """A model from threshold tuning (thresholds moved up by maj_not's bias) in the engine."""
    config = parse_design("bnn-digits-maj_not")
    tune_thresholds(config, load_dataset(), source="bit_exact").save(tmp_path / "tuned.npz")
    tuned = config.replace(weights=str(tmp_path / "tuned.npz"))
    labels, scores, _ = run_engine(BNNEngine(tuned), images)
    expected = infer(tuned, images)
    assert not np.array_equal(expected["layers"][0], infer(config, images)["layers"][0])
    np.testing.assert_array_equal(scores, expected["scores"])
    np.testing.assert_array_equal(labels, expected["labels"])


# The mixed engine unrolls the small model (unrolling digits' first layer simulates for a minute).
@pytest.mark.parametrize("design", [
    "bnn-digits", "bnn-digits-exact-p2",
    "bnn-digits-small-unrolled+folded+unrolled-exact-p1+exact+exact"])
def test_pace_and_latency(design, digits):
    """Images offered back to back: the first result ``latency`` cycles after the first image is
    offered, then one every ``cycles_per_image``; images are taken as fast (sooner while a
    pipelined first layer fills)."""
    config = parse_design(design)
    images = config.model.binarize(digits.x_test[:5])
    transfers, valids, payloads = run_paced(BNNEngine(config), images[:5])
    assert set(np.diff(valids)) == {config.cycles_per_image}
    assert max(np.diff(transfers)) == (1 if config.style[0] == "unrolled"
                                       else config.cycles_per_image)
    assert valids[0] == config.latency
    labels = [int(payload.label) for payload in payloads]
    assert labels == infer(config, images[:5])["labels"].tolist()


@pytest.mark.parametrize("fault", ["weight", "threshold"])
def test_a_wrong_parameter_is_caught(fault, images, tmp_path):
    config = parse_design("bnn-digits")
    _, scores, _ = run_engine(BNNEngine(broken_bnn(config, fault, tmp_path)), images)
    assert not np.array_equal(scores, infer(config, images)["scores"])


def argmax_results(unit, vectors):
    """``(label, scores)`` per score vector, fed one a cycle into an always-ready consumer;
    each result is read one cycle (the documented latency) after its vector."""
    results = []

    async def testbench(ctx):
        ctx.set(unit.o.ready, 1)
        ctx.set(unit.i.valid, 1)
        for scores in vectors:
            for index, score in enumerate(scores):
                ctx.set(unit.i.payload[index], int(score))
            await ctx.tick()
            assert ctx.get(unit.o.valid)
            results.append((ctx.get(unit.o.payload.label),
                            [ctx.get(unit.o.payload.scores[index]) for index in
                             range(len(scores))]))

    simulator = Simulator(unit)
    simulator.add_clock(1e-6)
    simulator.add_testbench(testbench)
    simulator.run()
    return results


def test_argmax_picks_the_lowest_index_of_the_largest():
    vectors = [[3, 9, 9, 1, 9, 0, 2, 2, 8, 9], [5] * 10, [0, 0, 0, 0, 0, 0, 0, 0, 0, 7],
               [7, 6, 5, 4, 3, 2, 1, 0, 0, 0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 9]]
    results = argmax_results(Argmax(4, 10), vectors)
    assert results == [(int(np.argmax(scores)), scores) for scores in vectors]


def test_argmax_agrees_with_numpy_on_random_ties():
    """Two-bit scores make ties common; the lowest index of the largest must still win."""
    vectors = np.random.default_rng(0).integers(0, 4, (200, 10))
    labels = [label for label, _ in argmax_results(Argmax(2, 10), vectors)]
    assert labels == np.argmax(vectors, axis=1).tolist()
