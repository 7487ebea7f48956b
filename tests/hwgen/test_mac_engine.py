# amaranth: UnusedElaboratable=no
"""The MAC engine in Amaranth's simulator: every score and class equals the golden model's
under random back-pressure, and it takes an image every ``cycles_per_image`` cycles."""

import numpy as np
import pytest

from amaranth_harness import run_engine, run_paced

from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.mac_engine import MACEngine
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.mac_infer import infer

IMAGES = 6


@pytest.fixture(scope="module")
def images():
    return parse_design("bwnn-digits").model.binarize(load_dataset().x_test[:IMAGES])


@pytest.mark.parametrize("design, stall", [("bwnn-digits", 0.3), ("bwnn-digits-loa-4", 0.6)])
def test_matches_golden_model(design, stall, images):
    config = parse_design(design)
    labels, scores, _ = run_engine(MACEngine(config), images, stall=stall,
                                   width=config.activation_bits)
    expected = infer(config, images)
    np.testing.assert_array_equal(scores, expected["scores"])
    np.testing.assert_array_equal(labels, expected["labels"])


def test_pace(images):
    """Images offered back to back: one taken and one answered every ``cycles_per_image``."""
    config = parse_design("bwnn-digits")
    transfers, valids, _ = run_paced(MACEngine(config), images, width=config.activation_bits)
    assert set(np.diff(valids)) == set(np.diff(transfers)) == {config.cycles_per_image}
