"""The BNN engine configuration: folding defaults, per-layer options and styles, names and clear
errors."""

import pytest

from axbnn.hwgen.bnn_config import (DEFAULT_WEIGHT_BITS, MAX_DEFAULT_SIMD, BNNConfig,
                                     _default_folding, _fewest_bits)
from axbnn.hwgen.designs import DesignError, design_from_dict, parse_design


def test_defaults_and_names():
    config = parse_design("bnn-digits")
    assert (config.pe, config.simd, config.popcount) == ((8, 4, 1), (32, 32, 32),
                                                          ("exact",) * 3)
    assert config.folds == ((32, 8), (32, 8), (10, 4))
    assert config.cycles_per_image == 256
    assert parse_design("bnn-digits-maj_not-c2").chunks[0].name == "xnorpop-32-maj_not-c2"
    mixed = parse_design("bnn-digits-exact+maj_not-l1+exact")
    assert mixed.popcount == ("exact", "maj_not-l1", "exact")
    assert mixed.name == "bnn-digits-exact+maj_not-l1+exact"
    folded = BNNConfig(pe=(8, 8, 5), simd=16)
    assert folded.name == "bnn-digits-pe8x8x5-simd16x16x16"
    assert parse_design("bnn-digits-maj_not").exact() == parse_design("bnn-digits")
    assert design_from_dict(folded.to_dict()) == folded


@pytest.mark.parametrize("layers, pe, simd", [
    ((64, 128, 128, 10), (4, 8, 1), (32, 32, 32)),  # 64 cycles, 416 bits a cycle
    ((192, 256, 256, 10), (4, 8, 1), (32, 32, 32)),  # 384 cycles, 416 bits a cycle
    ((64, 128, 10), (8, 2), (32, 32)),  # 32 cycles, 320 bits a cycle
    ((256, 256, 128, 10), (8, 4, 1), (32, 32, 32)),  # digits: 256 cycles, 416 bits
])
def test_default_folding_is_the_fastest_within_the_weight_bits(layers, pe, simd):
    """The slowest layer sets the pace, so every layer is folded just fast enough for the
    fewest cycles at which the weight bits read a cycle stay within the budget."""
    style = ("folded",) * (len(layers) - 1)
    assert _default_folding(layers, style) == (pe, simd)
    folds = [(n_out // p) * (n_in // s) for p, s, n_in, n_out in zip(pe, simd, layers,
                                                                        layers[1:])]
    assert sum(p * s for p, s in zip(pe, simd)) <= DEFAULT_WEIGHT_BITS
    assert max(simd) <= MAX_DEFAULT_SIMD
    # One cycle fewer would need more bits than the budget.
    faster = [_fewest_bits(n_in, n_out, max(folds) - 1) for n_in, n_out in zip(layers,
                                                                               layers[1:])]
    assert sum(p * s for p, s in faster) > DEFAULT_WEIGHT_BITS


@pytest.mark.parametrize("name, style, cycles", [
    ("bnn-digits-small-unrolled", ("unrolled",) * 3, 1),
    ("bnn-digits-small-unrolled-maj_not-l1", ("unrolled",) * 3, 1),
    ("bnn-digits-small-unrolled-exact-p2", ("unrolled",) * 3, 1),
    ("bnn-digits-small-folded+folded+unrolled", ("folded", "folded", "unrolled"), 64),
    ("bnn-digits-small-unrolled+folded+unrolled-exact-p1+maj_not-c2+exact",
     ("unrolled", "folded", "unrolled"), 32),
])
def test_unrolled_layers(name, style, cycles):
    """An unrolled layer is one chunk per neuron: PE and SIMD are the layer's size."""
    config = parse_design(name)
    assert config.style == style and config.name == name
    assert config.cycles_per_image == cycles
    for layer_style, pe, simd, n_in, n_out in zip(style, config.pe, config.simd,
                                                  config.model.layers, config.model.layers[1:]):
        if layer_style == "unrolled":
            assert (pe, simd) == (n_out, n_in)
    assert config.score_width == config.chunks[-1].out_width == 7
    assert design_from_dict(config.to_dict()) == config
    assert config.structure["styles"] == list(style)
    assert f"{', '.join(style)} layers" in config.description


def test_unrolled_names_are_their_own():
    unrolled = parse_design("bnn-digits-small-unrolled-exact-p2")
    assert unrolled.chunks[0].name == "xnorpop-128-exact-p2"
    assert unrolled.exact() == parse_design("bnn-digits-small-unrolled")
    assert BNNConfig(style=("folded",) * 3) == parse_design("bnn-digits")
    assert (BNNConfig("digits-small", style="unrolled", pe=(128, 64, 10)).name
            == "bnn-digits-small-unrolled")


@pytest.mark.parametrize("changes, message", [
    ({"pe": 3}, r"^BNN PE of layer 1 must divide its 256 neurons, not 3$"),
    ({"simd": (32, 32)}, r"^BNN simd must give one value per layer \(3\), not 2$"),
    ({"simd": (32, 48, 32)}, r"^BNN SIMD of layer 2 must divide its 256 inputs, not 48$"),
    ({"popcount": "maj_not-x"}, r"^Popcount plan must look like"),
    ({"popcount": "exact-p9"}, r"^Popcount pipeline must be an integer from 1 to \d+, not 9$"),
    ({"style": "rolled"}, r"^BNN style of layer 1 must be folded or unrolled, not 'rolled'$"),
    ({"style": ("folded", "unrolled")}, r"^BNN style must give one value per layer \(3\), "
                                        r"not 2$"),
    ({"style": "unrolled", "pe": 4},
     r"^BNN PE of unrolled layer 1 must be its 256 neurons, not 4$"),
    ({"style": ("folded", "folded", "unrolled"), "simd": 32},
     r"^BNN SIMD of unrolled layer 3 must be its 128 inputs, not 32$"),
    ({"style": "unrolled", "popcount": "exact-p9"},
     r"^Popcount pipeline must be an integer from 1 to \d+, not 9$"),
    ({"weights": "nowhere.npz"}, r"^BNN weights: Model file nowhere.npz cannot be read"),
])
def test_errors(changes, message):
    with pytest.raises(ValueError, match=message):
        BNNConfig(**changes)


def test_bad_name():
    with pytest.raises(DesignError, match=r"^bnn-digits-magic: Popcount full-adder variant"):
        parse_design("bnn-digits-magic")
    with pytest.raises(DesignError, match=r"^bnn-digits-small-unrolled-magic: Popcount full-adder "
                                          r"variant"):
        parse_design("bnn-digits-small-unrolled-magic")
