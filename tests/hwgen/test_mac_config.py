"""MAC engine configurations: names, folding, accumulator widths, refused options and files."""

import pytest

from axbnn.hwgen.designs import design_from_dict, parse_design
from axbnn.hwgen.errors import DesignError
from axbnn.hwgen.mac_config import MACConfig
from axbnn.hwgen.models import MAC_MODELS, SHIPPED_MODELS


def test_names_round_trip():
    for name in ("bwnn-digits", "bwnn-digits-loa-4", "bwnn-digits-maj_not-3"):
        config = parse_design(name)
        assert isinstance(config, MACConfig) and config.name == name
    assert parse_design("bwnn-digits-exact").name == "bwnn-digits"
    config = parse_design("bwnn-digits").replace(pe=(8, 5))
    assert config.name == "bwnn-digits-pe8x5-simd1x1"
    assert config.cycles_per_image == 8 * 64


@pytest.mark.parametrize("name, product, pe", [
    ("pow2-digits", "power_of_two", (16, 10)), ("pow2-digits-maj_not-3", "power_of_two", (16, 10)),
    ("fixed-digits-4", "fixed4", (8, 5)), ("fixed-digits-8-loa-4", "fixed8", (4, 2)),
    ("fixed-digits-16", "fixed16", (2, 2))])
def test_product_units_name_their_engines(name, product, pe):
    """A fixed engine's width follows its model; its costlier lanes get fewer PEs by default."""
    config = parse_design(name)
    assert (config.name, config.product, config.pe) == (name, product, pe)
    assert config.model.product == product
    assert config.replace(pe=1).name == f"{name}-pe1x1-simd1x1"


@pytest.mark.parametrize("name, message", [
    ("fixed-digits", r"^fixed-digits: A fixed design names its width \(4, 8, 16\) after its "
                     r"model, and only a fixed design does, not 'fixed-digits'$"),
    ("pow2-digits-8", r"^pow2-digits-8: A fixed design names its width"),
    ("fixed-digits-12", r"^Design name must look like fixed-<model>-<4\|8\|16>\[-exact\|"),
])
def test_bad_product_names(name, message):
    with pytest.raises(DesignError, match=message):
        parse_design(name)


def test_accumulators_hold_every_exact_sum():
    config = parse_design("bwnn-digits")
    model = config.model
    for weights, initial, width in zip(model.weights, config.initial_values,
                                       config.accumulator_widths):
        largest = abs(initial).max() + 16 * abs(weights).sum(axis=1).max()
        assert 2 ** (width - 2) > largest
    assert config.adders[0].name == f"add-{config.accumulator_widths[0]}-ripple"
    assert parse_design("bwnn-digits-loa-4").adders[1].approx_bits == 4


@pytest.mark.parametrize("change, message", [
    ({"pe": 3}, r"^MAC PE of layer 1 must divide its 64 neurons, not 3$"),
    ({"simd": (1, 1, 1)}, r"^MAC simd must give one value per layer \(2\), not 3$"),
    ({"adder": "loa"}, r"^MAC adder must be exact or <kind>-<k> with a kind of loa, "),
    ({"weights": str(SHIPPED_MODELS["digits"])}, r"^MAC weights: Model file .* is not a MAC "),
])
def test_bad_configurations(change, message):
    with pytest.raises(ValueError, match=message):
        MACConfig(str(MAC_MODELS["bwnn-digits"])).replace(**change)


def test_bad_adder_name():
    with pytest.raises(DesignError, match=r"^bwnn-digits-loa-13: MAC adder loa-13: its "):
        parse_design("bwnn-digits-loa-13")


def test_q8_names_multipliers_and_plans():
    config = parse_design("q8-digits-3330")
    assert (config.product, config.multiplier, config.name) == ("sign_magnitude", "smul8-3330",
                                                                "q8-digits-3330")
    assert config.exact().name == "q8-digits" and config.exact().multiplier == "smul8-0000"
    assert parse_design("q8-digits-smmul8-t5-orc7-or0630-nocomp").plans == (
        "smmul8-t5-orc7-or0630-nocomp",)
    assert config.with_plan("3333").name == "q8-digits-3333"
    assert config.front_plans == MACConfig.FRONT_MULTIPLIERS
    assert parse_design("bwnn-digits").front_plans == MACConfig.FRONT_PLANS
    assert design_from_dict(config.to_dict()) == config
    assert config.chunk_width == (16, 16) and config.pe == (4, 2)
    with pytest.raises(ValueError, match=r"^A q8 plan must be a multiplier, <dddd> for "):
        config.with_plan("loa-4")


@pytest.mark.parametrize("change, message", [
    ({"adder": "loa-4"}, r"^MAC adder of sign_magnitude products must be exact \(their "
                         r"accumulators are\), not 'loa-4'$"),
    ({"multiplier": "mul8-3330"}, r"^MAC multiplier: A sign-magnitude product needs an 8x8 "),
])
def test_bad_q8_configurations(change, message):
    with pytest.raises(ValueError, match=message):
        parse_design("q8-digits").replace(**change)


def test_a_binary_engine_takes_no_multiplier():
    with pytest.raises(ValueError, match=r"^MAC multiplier applies to sign_magnitude products, "
                                         r"not binary ones \('smul8-3330'\)$"):
        parse_design("bwnn-digits").replace(multiplier="smul8-3330")
