"""Product units: each lane's product, read through NumPy's operations, against plain
arithmetic, and the codes the ROM holds within their bits."""

import numpy as np
import pytest

from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.product_unit import PRODUCTS, BinaryProduct, SignMagnitudeProduct
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
    assert PRODUCTS == {"binary": BinaryProduct, "sign_magnitude": SignMagnitudeProduct}
    assert BinaryProduct.accepts(np.array([[1, -1]])) and not BinaryProduct.accepts(np.array([0]))


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
