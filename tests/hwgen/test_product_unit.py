"""Product units: each lane's product, read through NumPy's operations, against plain
arithmetic, and the codes the ROM holds within their bits."""

import numpy as np
import pytest

from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.product_unit import (FIXED_WIDTHS, PRODUCTS, BinaryProduct, PowerOfTwoProduct,
                                      SignMagnitudeProduct)
from axbnn.sim.mac_infer import NUMPY_OPS


def test_binary_products_and_correction_are_the_weighted_sums():
    unit, bits = BinaryProduct(), 4
    rng = np.random.default_rng(0)
    weights = rng.choice([-1, 1], (5, 9))
    activations = rng.integers(0, 1 << bits, (7, 9))
    codes = unit.codes(weights)
    assert codes.min() >= 0 and codes.max() < 1 << unit.code_bits
    products = unit.form(NUMPY_OPS, activations[:, None, :], codes[None])
    sums = products.sum(axis=-1) + unit.correction(weights)
    assert np.array_equal(sums, activations @ weights.T)
    every = np.arange(1 << bits)
    for weight in (-1, 1):
        product = unit.form(NUMPY_OPS, every, unit.codes(np.array(weight)))
        assert np.all(np.abs(product) <= unit.bounds(np.array(weight), bits))
        assert np.all(product.astype(object) < 2 ** (unit.product_width(bits) - 1))


def test_registry_names_each_unit_by_its_kind():
    assert list(PRODUCTS) == ["binary", "power_of_two", "fixed4", "fixed8", "fixed16",
                              "sign_magnitude"]
    assert all(unit.kind == kind for kind, unit in PRODUCTS.items())
    assert [PRODUCTS[f"fixed{w}"].width for w in FIXED_WIDTHS] == [4, 8, 16]
    assert BinaryProduct.accepts(np.array([[1, -1]])) and not BinaryProduct.accepts(np.array([0]))


def _every_product(unit, bits, weights):
    """Each activation of ``bits`` bits times each weight, formed by ``unit`` (correction
    included) beside Python's integers; the unit's codes, bounds and width checked on the way."""
    weights = np.asarray(weights, dtype=np.int64)
    activations = np.arange(1 << bits)
    codes = unit.codes(weights[:, None])
    assert codes.min() >= 0 and codes.max() < 1 << unit.code_bits
    products = unit.form(NUMPY_OPS, activations[None, :], codes)
    assert np.all(np.abs(products) <= unit.bounds(weights[:, None], bits))
    assert np.all(np.abs(products) < 1 << unit.product_width(bits) - 1)
    formed = products + unit.correction(weights[:, None])[:, None]
    expected = [[int(a) * int(w) for a in activations] for w in weights]
    return formed.tolist(), expected


def test_power_of_two_products_are_shifts_of_every_activation():
    unit, magnitudes = PowerOfTwoProduct(), [0, 1, 2, 4, 8]
    weights = sorted({sign * m for m in magnitudes for sign in (-1, 1)})
    assert unit.accepts(np.array(weights))
    assert not any(unit.accepts(np.array([w])) for w in (3, -6, 16, -16))
    formed, expected = _every_product(unit, 4, weights)
    assert formed == expected


@pytest.mark.parametrize("width", FIXED_WIDTHS)
def test_fixed_products_are_exact_for_every_weight(width):
    unit = PRODUCTS[f"fixed{width}"]()
    low, high = -(1 << width - 1), (1 << width - 1) - 1
    assert unit.accepts(np.array([low, high])) and not unit.accepts(np.array([low - 1]))
    assert not unit.accepts(np.array([high + 1]))
    every = np.arange(low, high + 1)
    weights = every if width < 16 else np.r_[low, low + 1, -1, 0, 1, high,
                                             np.random.default_rng(0).choice(every, 40)]
    formed, expected = _every_product(unit, min(width, 8), weights)
    assert formed == expected
    if width == 16:  # the widest activations at the extreme weights
        top = (1 << 16) - 1
        products = unit.form(NUMPY_OPS, np.array([top]), unit.codes(np.array([low, high])))
        assert products.tolist() == [top * low, top * high]
        assert np.all(np.abs(products) < 1 << unit.product_width(16) - 1)
    unit.check(width)
    with pytest.raises(ValueError, match=rf"^Fixed-point products of width {width} take "
                                         rf"activations of {width} bits, not 3$"):
        unit.check(3)


# A sign-magnitude network is trained in float and converted (sim/q8_model.py), not quantised.
@pytest.mark.parametrize("kind", [kind for kind in PRODUCTS if kind != "sign_magnitude"])
def test_quantisers_give_weights_their_unit_takes_in_order(kind):
    unit = PRODUCTS[kind]()
    latent = np.linspace(-1, 1, 4001)
    weights = unit.quantise(latent)
    assert weights.dtype == np.int64 and unit.accepts(weights)
    assert np.all(np.diff(weights) >= 0)  # monotone: the straight-through gradient's sign holds
    assert weights[0] < 0 < weights[-1]


def test_power_of_two_quantiser_rounds_in_the_log_domain():
    latent = np.array([0.05, 0.07, 0.1, 0.2, 0.3, 0.6, 1.0, -0.2])
    assert PowerOfTwoProduct().quantise(latent).tolist() == [0, 1, 1, 2, 2, 4, 8, -2]


def test_sign_magnitude_products_on_the_exact_multiplier_are_every_plain_product():
    unit = SignMagnitudeProduct(parse_design("smul8-0000"))
    activations, weights = np.arange(128), np.arange(-127, 128)
    codes = unit.codes(weights)
    assert codes.min() >= 0 and codes.max() < 1 << unit.code_bits
    products = unit.form(NUMPY_OPS, activations[:, None], codes[None])
    assert np.array_equal(products, activations[:, None] * weights[None])
    assert not unit.correction(weights[None]).any()


@pytest.mark.parametrize("multiplier", ["smul8-3333", "smmul8-t5-orc7-or0630-nocomp"])
def test_sign_magnitude_bounds_hold_every_approximate_product(multiplier):
    unit, weights = SignMagnitudeProduct(parse_design(multiplier)), np.arange(-127, 128)
    products = unit.form(NUMPY_OPS, np.arange(128)[:, None], unit.codes(weights)[None])
    assert np.all(np.abs(products) <= unit.bounds(weights, 7))
    assert np.abs(products).max() < 2 ** (unit.product_width(7) - 1)


def test_sign_magnitude_needs_a_sign_magnitude_multiplier_and_7_bit_activations():
    with pytest.raises(ValueError, match=r"^A sign-magnitude product needs an 8x8 "
                                         r"sign-magnitude multiplier \(smul8-\.\.\., "
                                         r"smmul8-\.\.\.\), not 'mul8-3330'$"):
        SignMagnitudeProduct(parse_design("mul8-3330"))
    with pytest.raises(ValueError, match=r"^Sign-magnitude products take activations of up "
                                         r"to 7 bits, not 8$"):
        SignMagnitudeProduct(parse_design("smul8-3330")).check(8)
