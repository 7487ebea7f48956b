"""Product units: each lane's product, read through NumPy's operations, against plain
arithmetic, and the codes the ROM holds within their bits."""

import numpy as np

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
