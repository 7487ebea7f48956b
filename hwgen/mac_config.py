"""The configuration of a folded integer MAC engine: which model, how each layer folds, which
accumulator adder, which multiplier.

Layer ``k`` computes its ``n_out`` neurons ``pe[k]`` at a time and reads ``simd[k]`` of its
``n_in`` activations a cycle: ``n_out / pe * n_in / simd`` cycles per image. Each cycle every
PE forms ``simd`` products in its product unit (the model's ``product``,
:mod:`hwgen.product_unit`: a binary weight makes an add or a subtract; a sign-magnitude weight
goes through the ``multiplier``, an ``smul8-<dddd>`` or ``smmul8-<plan>`` design), sums them
exactly and adds the sum to its accumulator through the
accumulator adder ``adder`` (``exact``, or an approximate kind and its approximate low bits,
as in the ``add-`` designs: ``loa-4``, ``maj_not-3``), sized per layer by
:attr:`MACConfig.accumulator_widths`. The golden model (:mod:`sim.mac_infer`) and the generator
(:mod:`hwgen.mac_engine`) both follow this order. This module imports no Amaranth.
"""

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from .bnn_config import per_layer
from .config import ADDER_KINDS, PRODUCT_PLAN, AdderConfig, _Design, folding_suffix
from .errors import ModelError
from .mac_model import load_mac_model
from .models import MAC_MODELS
from .product_unit import FIXED_WIDTHS, PRODUCTS

__all__ = ["MACConfig", "PREFIXES", "MAX_DEFAULT_PE"]

#: Design-name prefix of each product unit; a fixed-point design names its width after its
#: model (``fixed-digits-8``: product ``fixed8``).
PREFIXES = {"bwnn": "binary", "pow2": "power_of_two", "fixed": "fixed", "q8": "sign_magnitude"}
_WIDTH = "|".join(map(str, FIXED_WIDTHS))
#: The multiplier of an engine of sign-magnitude products unless named otherwise: exact.
EXACT_MULTIPLIER = "smul8-0000"
#: The most PEs a layer gets by default: each is an accumulator, its adder and its
#: requantisation, and more PEs than this left the digits engine too big for an UP5K. Costlier
#: lanes lower it (a product unit's ``max_default_pe``).
MAX_DEFAULT_PE = 16
_ADDER = rf"exact|(?:{'|'.join(kind for kind in ADDER_KINDS if kind != 'ripple')})-\d+"
#: A multiplier as a design name shows it: ``smul8-<dddd>``'s digits, or an ``smmul8-`` name.
_MULTIPLIER = rf"\d{{4}}|smmul8-{PRODUCT_PLAN}"


def _default_pe(n_out, limit):
    return max(d for d in range(1, min(n_out, limit or MAX_DEFAULT_PE) + 1) if n_out % d == 0)


@dataclass(frozen=True, eq=False)
class MACConfig(_Design):
    """A folded MAC engine for ``weights`` (a shipped model name such as ``bwnn-digits`` or an
    ``.npz`` path) of product ``product``; ``pe`` and ``simd`` per layer or for all (default:
    :data:`MAX_DEFAULT_PE` at most, or the product unit's ``max_default_pe``; one activation a
    cycle); ``multiplier`` (sign-magnitude products only, default :data:`EXACT_MULTIPLIER`) the
    design of every lane."""
    weights: str = "bwnn-digits"
    product: str = "binary"
    adder: str = "exact"
    pe: tuple = None
    simd: tuple = 1
    multiplier: str = None
    family = "mac"
    NAME = re.compile(rf"({'|'.join(PREFIXES)})-([a-z0-9_]+?)(?:-({_WIDTH}))?"
                      rf"(?:-({_ADDER}|{_MULTIPLIER}))?")
    NAME_FORMS = {"bwnn": "bwnn-<model>[-exact|-<adder kind>-<k>]",
                  "pow2": "pow2-<model>[-exact|-<adder kind>-<k>]",
                  "fixed": "fixed-<model>-<4|8|16>[-exact|-<adder kind>-<k>]",
                  "q8": "q8-<model>[-<dddd> (smul8-<dddd>)|-smmul8-<plan>]"}

    def __post_init__(self):
        self._check_multiplier()
        if self.product not in PRODUCTS:
            raise ValueError(f"MAC product must be one of {', '.join(PRODUCTS)}, "
                             f"not {self.product!r}")
        if not isinstance(self.adder, str) or not re.fullmatch(_ADDER, self.adder):
            kinds = ", ".join(kind for kind in ADDER_KINDS if kind != "ripple")
            raise ValueError(f"MAC adder must be exact or <kind>-<k> with a kind of {kinds}, "
                             f"not {self.adder!r}")
        model = self.model
        depth, sizes = model.depth, model.layers
        limit = self.product_unit.max_default_pe
        pe = tuple(_default_pe(n_out, limit) if value is None else value for value, n_out
                   in zip(per_layer("pe", self.pe, depth, engine="MAC"), sizes[1:]))
        simd = per_layer("simd", self.simd, depth, engine="MAC")
        for layer, (p, s, n_in, n_out) in enumerate(zip(pe, simd, sizes, sizes[1:]), 1):
            for name, value, size, what in (("PE", p, n_out, "neurons"),
                                            ("SIMD", s, n_in, "inputs")):
                if isinstance(value, bool) or not isinstance(value, int) or value < 1 \
                        or size % value:
                    raise ValueError(f"MAC {name} of layer {layer} must divide its {size} "
                                     f"{what}, not {value!r}")
        object.__setattr__(self, "pe", pe)
        object.__setattr__(self, "simd", simd)
        self.adders  # validates the approximate bits against every layer's width
        self.product_unit.check(model.activation_bits)

    def _check_multiplier(self):
        """Only sign-magnitude products take a multiplier (an exact one unless named), and their
        accumulators are exact."""
        if self.product != "sign_magnitude":
            if self.multiplier is not None:
                raise ValueError(f"MAC multiplier applies to sign_magnitude products, not "
                                 f"{self.product} ones ({self.multiplier!r})")
            return
        if self.adder != "exact":
            raise ValueError(f"MAC adder of sign_magnitude products must be exact (their "
                             f"accumulators are), not {self.adder!r}")
        if self.multiplier is None:
            object.__setattr__(self, "multiplier", EXACT_MULTIPLIER)
        if not isinstance(self.multiplier, str):
            raise TypeError(f"MAC multiplier must be a design name, not {self.multiplier!r}")

    @classmethod
    def _from_match(cls, match):
        prefix, model, width, option = match.groups()
        if (prefix == "fixed") != (width is not None):
            raise ValueError(f"A fixed design names its width ({', '.join(map(str, FIXED_WIDTHS))})"
                             f" after its model, and only a fixed design does, not "
                             f"{match[0]!r}")
        product = PREFIXES[prefix] + (width or "")
        weights = f"{prefix}-{model}{'-' + width if width else ''}"
        if option is None or option == "exact":
            return cls(weights, product=product)
        if product == "sign_magnitude":
            if not re.fullmatch(_MULTIPLIER, option):
                raise ValueError(f"A q8 design takes a multiplier after its model (<dddd> for "
                                 f"smul8-<dddd>, or smmul8-<plan>), not the adder {option!r}")
            return cls(weights, product=product,
                       multiplier=f"smul8-{option}" if option.isdigit() else option)
        if not re.fullmatch(_ADDER, option):
            raise ValueError(f"A {prefix} design takes an accumulator adder after its model, "
                             f"not {option!r}")
        return cls(weights, product=product, adder=option)

    @cached_property
    def model(self):
        """The :class:`~hwgen.mac_model.MACModel` the engine holds."""
        if not isinstance(self.weights, (str, Path)):
            raise TypeError(f"MAC weights must be a model name or a path, not {self.weights!r}")
        path = MAC_MODELS.get(str(self.weights), self.weights)
        try:
            return load_mac_model(path, product=self.product)
        except ModelError as error:
            raise ValueError(f"MAC weights: {error}") from None

    @cached_property
    def product_unit(self):
        """The :class:`~hwgen.product_unit.ProductUnit` of every PE lane."""
        if self.multiplier is None:
            return PRODUCTS[self.product]()
        from .designs import parse_design  # the registry imports this module

        try:
            return PRODUCTS[self.product](parse_design(self.multiplier))
        except ValueError as error:
            raise ValueError(f"MAC multiplier: {error}") from None

    @property
    def _multiplier_suffix(self):
        """The multiplier as the design name shows it (``3330`` for ``smul8-3330``)."""
        return self.multiplier.removeprefix("smul8-") if self.multiplier else None

    @property
    def prefix(self):
        return next(prefix for prefix, product in PREFIXES.items()
                    if product == self.product.rstrip("0123456789"))

    def _shipped(self, model_name):
        """The shipped model of ``model_name`` that this engine's name would read."""
        return f"{self.prefix}-{model_name}{self.product_unit.name_suffix}"

    @property
    def model_name(self):
        """A shipped model's name after the prefix, else the file's stem (``_user`` marked)."""
        weights = str(self.weights)
        if weights in MAC_MODELS:
            return weights.removeprefix(f"{self.prefix}-").removesuffix(
                self.product_unit.name_suffix)
        stem = Path(weights).stem
        return f"{stem}_user" if self._shipped(stem) in MAC_MODELS else stem

    @property
    def name(self):
        name = self._shipped(self.model_name)
        if self.adder != "exact":
            name += f"-{self.adder}"
        if self.multiplier not in (None, EXACT_MULTIPLIER):
            name += f"-{self._multiplier_suffix}"
        defaults = tuple(_default_pe(n, self.product_unit.max_default_pe)
                         for n in self.model.layers[1:])
        if (self.pe, self.simd) != (defaults, (1,) * self.model.depth):
            name += folding_suffix(self.pe, self.simd)
        return name

    def __eq__(self, other):
        return isinstance(other, MACConfig) and self.to_dict() == other.to_dict()

    def __hash__(self):
        return hash(self.name)

    def exact(self):
        return self.replace(adder="exact", multiplier=self.multiplier and EXACT_MULTIPLIER)

    #: The approximations ``axbnn front`` puts beside the exact engine by default: accumulator
    #: adders of binary products, multipliers of sign-magnitude ones.
    FRONT_PLANS = ("loa-2", "loa-3", "loa-4", "maj_not-2", "maj_not-3")
    FRONT_MULTIPLIERS = ("3330", "3333", "2220", "smmul8-t5-orc7-or0630-nocomp")

    @property
    def front_plans(self):
        return self.FRONT_PLANS if self.multiplier is None else self.FRONT_MULTIPLIERS

    @property
    def plans(self):
        """What the front varies: the accumulator adder, or the multiplier."""
        return (self.adder,) if self.multiplier is None else (self._multiplier_suffix,)

    def with_plan(self, plan):
        if self.multiplier is None:
            return self.replace(adder=plan)
        if not isinstance(plan, str) or not re.fullmatch(_MULTIPLIER, plan):
            raise ValueError(f"A q8 plan must be a multiplier, <dddd> for smul8-<dddd> or "
                             f"smmul8-<plan>, not {plan!r}")
        return self.replace(multiplier=f"smul8-{plan}" if plan.isdigit() else plan)

    @property
    def style(self):
        """Every layer folded."""
        return ("folded",) * self.model.depth

    @property
    def description(self):
        sizes = "-".join(map(str, self.model.layers))
        arithmetic = (f"accumulator adder {self.adder}" if self.multiplier is None
                      else f"multiplier {self.multiplier}")
        return (f"{self.product}-weight MLP {sizes} ({self.model_name}), "
                f"{self.model.activation_bits}-bit activations, PE {self.pe}, SIMD {self.simd}, "
                f"{arithmetic}")

    @cached_property
    def initial_values(self):
        """Per layer, each neuron's accumulator start: its bias plus the product unit's
        correction (binary: one for every -1 weight, whose ones' complement is one short)."""
        unit = self.product_unit
        return tuple(biases + unit.correction(weights)
                     for weights, biases in zip(self.model.weights, self.model.biases))

    @cached_property
    def accumulator_widths(self):
        """Per layer, two's-complement bits that hold any exact partial sum with a bit to
        spare (an approximate adder's sum may stray; hardware and model wrap alike)."""
        bits = self.model.activation_bits
        return tuple((int(np.abs(initial).max()) + int(
            self.product_unit.bounds(weights, bits).sum(axis=1).max())).bit_length() + 2
                     for weights, initial in zip(self.model.weights, self.initial_values))

    @property
    def chunk_width(self):
        """Per layer, bits of a chunk's exact sum (signed), what the adder tree gives."""
        product_width = self.product_unit.product_width(self.model.activation_bits)
        return tuple(product_width + (simd - 1).bit_length() for simd in self.simd)

    @cached_property
    def adders(self):
        """Per layer, the :class:`~hwgen.config.AdderConfig` of its accumulators."""
        if self.adder == "exact":
            return tuple(AdderConfig(width) for width in self.accumulator_widths)
        kind, bits = self.adder.rsplit("-", 1)
        adders = []
        for layer, width in enumerate(self.accumulator_widths, 1):
            if not 1 <= int(bits) < width:
                raise ValueError(f"MAC adder {self.adder}: its approximate bits must be from 1 "
                                 f"to below layer {layer}'s {width}-bit accumulator")
            adders.append(AdderConfig(width, kind, int(bits)))
        return tuple(adders)

    @property
    def folds(self):
        sizes = self.model.layers
        return tuple((n_out // p, n_in // s)
                     for p, s, n_in, n_out in zip(self.pe, self.simd, sizes, sizes[1:]))

    @property
    def score_width(self):
        return self.accumulator_widths[-1]

    @property
    def activation_bits(self):
        return self.model.activation_bits

    @property
    def cycles_per_image(self):
        return max(neuron * synapse for neuron, synapse in self.folds)

    @property
    def input_bits(self):
        return self.model.layers[0] * self.model.activation_bits

    @property
    def label_width(self):
        return max(self.model.n_classes - 1, 1).bit_length()

    @property
    def structure(self):
        structure = {
            "model_sha256": self.model.sha256, "layers": list(self.model.layers),
            "product": self.product, "activation_bits": self.model.activation_bits,
            "accumulator_widths": list(self.accumulator_widths),
            "folds": [{"neuron": neuron, "synapse": synapse} for neuron, synapse in self.folds],
            "cycles_per_image": self.cycles_per_image, "model_metadata": self.model.metadata}
        if self.multiplier is not None:
            structure["multiplier"] = self.multiplier
        return structure

    def to_dict(self):
        fields = {"family": self.family, "weights": str(self.weights), "product": self.product,
                  "adder": self.adder, "pe": list(self.pe), "simd": list(self.simd)}
        if self.multiplier is not None:
            fields["multiplier"] = self.multiplier
        return fields
