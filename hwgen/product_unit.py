"""How a MAC engine's PE lane forms a product: one plain-data unit that generator and model share.

A product unit names what a model's weights may be (its ``kind``, stored in the model file),
the code the weight ROM holds per weight (``code_bits`` wide, :meth:`ProductUnit.codes`), how a
lane forms the signed product of an unsigned activation and a weight code
(:meth:`ProductUnit.form`), the bits of that product, a bound on its magnitude per weight (which
sizes the accumulators) and a per-neuron correction the accumulator starts with.

:meth:`ProductUnit.form` is written once against the operations of :class:`ProductOps`: the
generator (:mod:`hwgen.mac_layer`) passes Amaranth's, the golden model (:mod:`sim.mac_infer`)
NumPy's (arrays broadcast over samples, neurons and inputs), so the two cannot drift apart. A
new unit (power-of-two weights, fixed point) is a :class:`ProductUnit` subclass in
:data:`PRODUCTS`; an operation it needs that :class:`ProductOps` lacks is added there and to
both readers. This module imports no Amaranth.
"""

from dataclasses import dataclass
from typing import Callable, ClassVar, NamedTuple

import numpy as np

__all__ = ["ProductOps", "ProductUnit", "BinaryProduct", "PowerOfTwoProduct", "FixedProduct",
           "SignMagnitudeProduct", "FIXED_WIDTHS", "PRODUCTS"]


class ProductOps(NamedTuple):
    """The operations a product unit forms its product with, as one reader implements them.

    ``select(condition, if_true, if_false)``: a multiplexer (``Mux``, ``np.where``);
    ``invert(value)``: the ones' complement of a signed value, ``-value - 1``;
    ``signed(code, width)``: a ``width``-bit code read as a two's-complement number;
    ``multiply(multiplier, a, b)``: the signed product output ``p`` of the multiplier design
    ``multiplier`` (a configuration of an 8x8 unit such as ``smul8-3330``) for inputs ``a``, ``b``.
    """
    select: Callable
    invert: Callable
    signed: Callable
    multiply: Callable


class ProductUnit:
    """The interface every product unit gives (see the module docstring).

    Members
    -------
    kind : the model's product, as stored in its file
    allowed : what a weight may be, for messages
    code_bits : bits of a weight's code in the ROM
    name_suffix : what a design name shows of the unit after its model (``-8`` for fixed-8)
    max_default_pe : the most PEs a layer gets by default for lanes this costly (None: the
        engine's own limit)
    """
    kind: ClassVar[str]
    allowed: ClassVar[str]
    code_bits: ClassVar[int]
    name_suffix: ClassVar[str] = ""
    max_default_pe: ClassVar[int] = None

    @staticmethod
    def accepts(weights):
        """Whether every weight of an int64 array is one this unit takes."""
        raise NotImplementedError

    def check(self, activation_bits):
        """Raise ``ValueError`` if the unit cannot take activations of ``activation_bits``."""

    def codes(self, weights):
        """The ROM code of each weight (same shape, int64, ``0 <= code < 2**code_bits``)."""
        raise NotImplementedError

    def correction(self, weights):
        """Per neuron (row of ``weights``), what its accumulator starts with beyond its bias."""
        return np.zeros(len(weights), dtype=np.int64)

    def bounds(self, weights, activation_bits):
        """The largest magnitude each weight's product can take, an int64 array like it."""
        raise NotImplementedError

    def product_width(self, activation_bits):
        """Signed bits of one lane's product."""
        raise NotImplementedError

    def form(self, ops, activation, code):
        """The lane's signed product of ``activation`` and weight ``code`` through ``ops``."""
        raise NotImplementedError

    def quantise(self, latent):
        """Training's weights: the integer weights (int64) of real latent weights in [-1, 1];
        gradients pass straight through."""
        raise NotImplementedError


@dataclass(frozen=True)
class BinaryProduct(ProductUnit):
    """Weights -1 or +1, one bit each (1 for +1): the lane passes the activation or its ones'
    complement ``~a = -a - 1``, an adder's worth of logic without the carry-in; the ones
    missing for each -1 weight are in the neuron's :meth:`correction`."""
    kind: ClassVar[str] = "binary"
    allowed: ClassVar[str] = "-1 or +1"
    code_bits: ClassVar[int] = 1

    @staticmethod
    def accepts(weights):
        return bool(np.all(np.abs(weights) == 1))

    def codes(self, weights):
        return (weights > 0).astype(np.int64)

    def correction(self, weights):
        return (weights < 0).sum(axis=1)

    def bounds(self, weights, activation_bits):
        return (1 << activation_bits) * np.abs(weights)  # ~a reaches -2**bits

    def product_width(self, activation_bits):
        return activation_bits + 1

    def form(self, ops, activation, code):
        return ops.select(code, activation, ops.invert(activation))

    def quantise(self, latent):
        return np.where(latent >= 0, 1, -1)


@dataclass(frozen=True)
class PowerOfTwoProduct(ProductUnit):
    """Weights 0 or +-2**k for k up to :attr:`MAX_EXPONENT`: the lane shifts the activation by
    k and passes it or its ones' complement (the missing ones, one per negative weight, are in
    the neuron's :meth:`correction`, as for binary weights), or 0. Code: bit 0 says nonzero,
    bit 1 negative, the bits above hold k."""
    kind: ClassVar[str] = "power_of_two"
    MAX_EXPONENT: ClassVar[int] = 3
    allowed: ClassVar[str] = f"0 or +-2**k for k from 0 to {MAX_EXPONENT}"
    code_bits: ClassVar[int] = 2 + MAX_EXPONENT.bit_length()

    @classmethod
    def accepts(cls, weights):
        magnitudes = np.abs(weights)
        return bool(np.all((magnitudes == 0) | (((magnitudes & (magnitudes - 1)) == 0)
                                                & (magnitudes <= 1 << cls.MAX_EXPONENT))))

    def codes(self, weights):
        magnitudes = np.abs(weights)
        exponents = np.log2(np.maximum(magnitudes, 1)).astype(np.int64)
        return (magnitudes > 0) | (weights < 0) << 1 | exponents << 2

    def correction(self, weights):
        return (weights < 0).sum(axis=1)

    def bounds(self, weights, activation_bits):
        return (1 << activation_bits) * np.abs(weights)  # ~(a << k) reaches -2**(bits + k)

    def product_width(self, activation_bits):
        return activation_bits + self.MAX_EXPONENT + 1

    def form(self, ops, activation, code):
        shifted = activation << (code >> 2)
        return ops.select(code & 1, ops.select(code & 2, ops.invert(shifted), shifted), 0)

    def quantise(self, latent):
        """``latent * 2**MAX_EXPONENT`` to the nearest power of two in the log domain, 0 below
        one half."""
        scaled = np.abs(latent) * (1 << self.MAX_EXPONENT)
        exponents = np.clip(np.rint(np.log2(np.maximum(scaled, 0.5))), 0, self.MAX_EXPONENT)
        return (np.where(scaled < 0.5, 0, 1 << exponents.astype(np.int64))
                * np.where(latent < 0, -1, 1))


#: The widths of the fixed-point products, each a unit of its own kind (``fixed8``).
FIXED_WIDTHS = (4, 8, 16)


@dataclass(frozen=True)
class FixedProduct(ProductUnit):
    """``width``-bit two's-complement weights times ``width``-bit unsigned activations, an exact
    multiplier in every lane (``*``: synthesis maps it); the code is the weight's own bits.
    One subclass per width of :data:`FIXED_WIDTHS`."""
    width: ClassVar[int]

    @classmethod
    def accepts(cls, weights):
        return bool(np.all((weights >= -(1 << cls.width - 1)) & (weights < 1 << cls.width - 1)))

    def check(self, activation_bits):
        if activation_bits != self.width:
            raise ValueError(f"Fixed-point products of width {self.width} take activations of "
                             f"{self.width} bits, not {activation_bits!r}")

    def codes(self, weights):
        return weights & ((1 << self.width) - 1)

    def bounds(self, weights, activation_bits):
        return ((1 << activation_bits) - 1) * np.abs(weights)

    def product_width(self, activation_bits):
        return activation_bits + self.width

    def form(self, ops, activation, code):
        return activation * ops.signed(code, self.width)

    def quantise(self, latent):
        limit = 1 << self.width - 1
        return np.clip(np.rint(latent * limit), -limit, limit - 1).astype(np.int64)


def _fixed_unit(width):
    # A lane's multiplier grows as width**2: with 16 PEs, fixed-digits-4 placed 5509 logic
    # cells of the UP5K's 5280; 32 // width PEs at most fit each width.
    return type(f"Fixed{width}Product", (FixedProduct,), {
        "__doc__": f"{width}-bit fixed-point products (see :class:`FixedProduct`).",
        "width": width, "kind": f"fixed{width}", "code_bits": width, "name_suffix": f"-{width}",
        "max_default_pe": 32 // width,
        "allowed": f"integers from {-(1 << width - 1)} to {(1 << width - 1) - 1}"})


@dataclass(frozen=True)
class SignMagnitudeProduct(ProductUnit):
    """8-bit sign-magnitude weights (magnitudes to 127, bit 7 the sign) through an 8x8
    sign-magnitude ``multiplier`` (``smul8-...``, ``smmul8-...``; exact or approximate) in every
    lane; an activation, non-negative and of 7 bits at most, is its own sign-magnitude code."""
    multiplier: object
    kind: ClassVar[str] = "sign_magnitude"
    allowed: ClassVar[str] = "integers from -127 to 127"
    code_bits: ClassVar[int] = 8
    # A lane adds a multiplier (smul8-0000: 155 LC) and 7-bit activations fill registers: with
    # PE 8 and 5 (13 lanes) q8-digits did not fit an UP5K.
    max_default_pe: ClassVar[int] = 4

    def __post_init__(self):
        ports = getattr(self.multiplier, "inputs", None), getattr(self.multiplier, "outputs", None)
        if (ports[0] is None or {name: port.width for name, port in ports[0].items()}
                != {"a": 8, "b": 8} or list(ports[1]) != ["p"] or not ports[1]["p"].signed):
            name = getattr(self.multiplier, "name", self.multiplier)
            raise ValueError(f"A sign-magnitude product needs an 8x8 sign-magnitude multiplier "
                             f"(smul8-..., smmul8-...), not {name!r}")

    @staticmethod
    def accepts(weights):
        return bool(np.all(np.abs(weights) <= 127))

    def check(self, activation_bits):
        if activation_bits > 7:
            raise ValueError(f"Sign-magnitude products take activations of up to 7 bits, "
                             f"not {activation_bits!r}")

    def codes(self, weights):
        return np.abs(weights) | (weights < 0).astype(np.int64) << 7

    def bounds(self, weights, activation_bits):
        # An approximate product may stray from a * w (and from 0 for w = 0): the port bounds it.
        return np.full(weights.shape, 1 << (self.product_width(activation_bits) - 1),
                       dtype=np.int64)

    def product_width(self, activation_bits):
        return self.multiplier.outputs["p"].width

    def form(self, ops, activation, code):
        return ops.multiply(self.multiplier, activation, code)


#: Every product unit by the ``kind`` a model names.
PRODUCTS = {unit.kind: unit for unit in (BinaryProduct, PowerOfTwoProduct,
                                         *map(_fixed_unit, FIXED_WIDTHS), SignMagnitudeProduct)}
