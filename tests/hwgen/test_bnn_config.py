"""The BNN engine configuration: folding defaults, per-layer options, names and clear errors."""

import pytest

from axbnn.hwgen.bnn_config import BNNConfig
from axbnn.hwgen.designs import DesignError, design_from_dict, parse_design


def test_defaults_and_names():
    config = parse_design("bnn-digits")
    assert (config.pe, config.simd, config.popcount) == ((4, 4, 2), (32, 32, 32),
                                                          ("exact",) * 3)
    assert config.folds == ((32, 2), (32, 4), (5, 4))
    assert config.cycles_per_image == 32 * 4 + 2
    assert parse_design("bnn-digits-maj_not-c2").chunks[0].name == "xnorpop-32-maj_not-c2"
    mixed = parse_design("bnn-digits-exact+maj_not-l1+exact")
    assert mixed.popcount == ("exact", "maj_not-l1", "exact")
    assert mixed.name == "bnn-digits-exact+maj_not-l1+exact"
    folded = BNNConfig(pe=(8, 8, 5), simd=16)
    assert folded.name == "bnn-digits-pe8x8x5-simd16x16x16"
    assert parse_design("bnn-digits-maj_not").exact() == parse_design("bnn-digits")
    assert design_from_dict(folded.to_dict()) == folded


@pytest.mark.parametrize("changes, message", [
    ({"pe": 3}, r"^BNN PE of layer 1 must divide its 128 neurons, not 3$"),
    ({"simd": (32, 32)}, r"^BNN simd must give one value per layer \(3\), not 2$"),
    ({"simd": (32, 48, 32)}, r"^BNN SIMD of layer 2 must divide its 128 inputs, not 48$"),
    ({"popcount": "maj_not-x"}, r"^Popcount plan must look like"),
    ({"popcount": "maj_not-p1"}, r"^BNN popcount plans must be combinational"),
    ({"weights": "nowhere.npz"}, r"^BNN weights: Model file nowhere.npz cannot be read"),
])
def test_errors(changes, message):
    with pytest.raises(ValueError, match=message):
        BNNConfig(**changes)


def test_bad_name():
    with pytest.raises(DesignError, match=r"^bnn-digits-magic: Popcount full-adder variant"):
        parse_design("bnn-digits-magic")
