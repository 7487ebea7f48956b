"""The configuration of a BNN engine: which trained model, how each layer folds, which popcount.

Layer ``k`` computes its ``n_out`` neurons ``pe[k]`` at a time and reads its ``n_in`` input bits
``simd[k]`` at a time (FINN's PE and SIMD): ``n_out / pe`` neuron folds times ``n_in / simd``
synapse folds cycles per image. Every cycle each PE counts one SIMD-wide chunk of XNORed bits
through the compressor tree ``popcount[k]`` (a plan name such as ``exact`` or ``maj_not-c3``)
and adds it exactly to its accumulator. The golden model (:mod:`sim.bnn_infer`) and the
generator (:mod:`hwgen.bnn_engine`) both follow this order. This module imports no Amaranth.

A layer's ``style`` is ``folded`` (the PE x SIMD unit of :mod:`hwgen.mvtu`) or ``unrolled``
(:mod:`hwgen.unrolled`: every neuron its own tree, weights and threshold constants, one vector
per cycle). Arithmetically an unrolled layer is a folded one with PE = ``n_out`` and SIMD =
``n_in``, so it takes exactly those and the golden model needs nothing more. Either style's
tree may be pipelined (``-p<k>``): registers change when a count arrives, not what it is.
"""

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .bnn_model import ModelError, load_model
from .config import PopcountConfig, _Design, folding_suffix, scans_scores
from .models import SHIPPED_MODELS

__all__ = ["BNNConfig", "SHIPPED_MODELS", "DEFAULT_WEIGHT_BITS", "MAX_DEFAULT_SIMD",
           "FOLDED_REGISTERS", "STYLES"]

#: Weight bits the folded layers read per cycle, together, by default: the UP5K's block RAM,
#: 30 EBRs of 16 bits each read once a cycle (thresholds, a few bits per neuron, are extra).
DEFAULT_WEIGHT_BITS = 480
#: The widest default chunk: the digits engine with 64- and 128-bit chunks (PE 2, 2, 5; SIMD
#: 64, 128, 4) did not route on UP5K (nextpnr left 1000 arcs overused after 40 minutes), with
#: 32-bit chunks it routed in two.
MAX_DEFAULT_SIMD = 32
#: Registers of a folded layer (:mod:`hwgen.mvtu`) from an issued weight address to its output
#: register, besides its tree's: the ROM's read, the XNOR, the count, the accumulator.
FOLDED_REGISTERS = 4
STYLES = ("folded", "unrolled")
_STYLE = rf"(?:{'|'.join(STYLES)})"
_MODELS = "|".join(sorted(SHIPPED_MODELS, key=len, reverse=True))  # longest name first


def _divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def _fewest_bits(n_in, n_out, cycles):
    """``(pe, simd)`` of a folded layer done in at most ``cycles`` cycles: SIMD the widest
    divisor up to :data:`MAX_DEFAULT_SIMD` where PEs alone can keep up (the chunk is where an
    approximate plan acts, so a layer's chunks stay wide enough for one), then the fewest
    weight bits a cycle; of those, the widest SIMD (fewer PEs: fewer accumulators, comparators
    and output multiplexers)."""
    chunk = max(d for d in _divisors(n_in) if d <= MAX_DEFAULT_SIMD)
    *_, pe, simd = min((simd != chunk, pe * simd, simd > MAX_DEFAULT_SIMD, -simd, pe, simd)
                       for pe in _divisors(n_out) for simd in _divisors(n_in)
                       if (n_out // pe) * (n_in // simd) <= cycles)
    return pe, simd


def _default_folding(layers, style):
    """``(pe, simd)`` per layer when none is given: an unrolled layer's whole size; folded
    layers all fast enough for the fewest cycles per image at which together they read at most
    :data:`DEFAULT_WEIGHT_BITS` a cycle (a faster layer would only wait for the slowest)."""
    shapes = [(n_in, n_out) for n_in, n_out in zip(layers, layers[1:])]
    folded = [shape for shape, layer_style in zip(shapes, style) if layer_style == "folded"]
    candidates = sorted({(n_out // pe) * (n_in // simd) for n_in, n_out in folded
                         for pe in _divisors(n_out) for simd in _divisors(n_in)})
    cycles = next((cycles for cycles in candidates
                   if sum(pe * simd for pe, simd in (_fewest_bits(*shape, cycles)
                                                     for shape in folded))
                   <= DEFAULT_WEIGHT_BITS), None)
    return tuple(zip(*((n_out, n_in) if layer_style == "unrolled"
                       else _fewest_bits(n_in, n_out, cycles)
                       for (n_in, n_out), layer_style in zip(shapes, style))))


def per_layer(name, value, depth, *, engine="BNN"):
    """``value`` as one entry per layer: a single value is used for every layer."""
    if isinstance(value, (list, tuple)):
        if len(value) != depth:
            raise ValueError(f"{engine} {name} must give one value per layer ({depth}), "
                             f"not {len(value)}")
        return tuple(value)
    return (value,) * depth


@dataclass(frozen=True, eq=False)
class BNNConfig(_Design):
    """A binary MLP engine for ``weights`` (a shipped model name or an ``.npz`` path).

    ``pe``, ``simd``, ``popcount`` and ``style`` (``folded`` or ``unrolled``) take one value for
    every layer or a list with one per layer; ``pe``/``simd`` default to the fastest folding
    within :data:`DEFAULT_WEIGHT_BITS` (see :func:`_default_folding`) and are an unrolled
    layer's whole size.
    """
    weights: str = "digits"
    pe: tuple = None
    simd: tuple = None
    popcount: tuple = "exact"
    style: tuple = "folded"
    family = "bnn"
    NAME = re.compile(rf"bnn-({_MODELS})(?:-({_STYLE}(?:\+{_STYLE})*))?"
                      rf"(?:-([a-z0-9_+-]+))?")
    NAME_FORMS = {"bnn": "bnn-<model>[-<style>[+<style>...]][-<plan>[+<plan>...]]"}

    def __post_init__(self):
        model = self.model  # validates the file
        depth, sizes = model.depth, model.layers
        style = per_layer("style", self.style, depth)
        for layer, value in enumerate(style, 1):
            if value not in STYLES:
                raise ValueError(f"BNN style of layer {layer} must be folded or unrolled, "
                                 f"not {value!r}")
        pe = per_layer("pe", self.pe, depth)
        simd = per_layer("simd", self.simd, depth)
        default_pe, default_simd = _default_folding(sizes, style)
        for layer, (p, s, n_in, n_out, layer_style) in enumerate(
                zip(pe, simd, sizes, sizes[1:], style), 1):
            if layer_style != "unrolled":
                continue
            for name, value, size, what in (("PE", p, n_out, "neurons"),
                                            ("SIMD", s, n_in, "inputs")):
                if value is not None and value != size:
                    raise ValueError(f"BNN {name} of unrolled layer {layer} must be its {size} "
                                     f"{what}, not {value!r}")
        pe = tuple(default if value is None else value for value, default in zip(pe, default_pe))
        simd = tuple(default if value is None else value
                     for value, default in zip(simd, default_simd))
        for layer, (p, s, n_in, n_out) in enumerate(zip(pe, simd, sizes, sizes[1:]), 1):
            for name, value, size, what in (("PE", p, n_out, "neurons"),
                                            ("SIMD", s, n_in, "inputs")):
                if isinstance(value, bool) or not isinstance(value, int) or value < 1 \
                        or size % value:
                    raise ValueError(f"BNN {name} of layer {layer} must divide its {size} "
                                     f"{what}, not {value!r}")
        popcount = per_layer("popcount", self.popcount, depth)
        for width, plan in zip(simd, popcount):
            PopcountConfig.from_plan(width, plan, xnor=True)
        object.__setattr__(self, "pe", pe)
        object.__setattr__(self, "simd", simd)
        object.__setattr__(self, "popcount", popcount)
        object.__setattr__(self, "style", style)

    @classmethod
    def _from_match(cls, match):
        styles = tuple((match[2] or "folded").split("+"))
        plans = tuple((match[3] or "exact").split("+"))
        return cls(match[1], popcount=plans if len(plans) > 1 else plans[0],
                   style=styles if len(styles) > 1 else styles[0])

    @cached_property
    def model(self):
        """The :class:`~hwgen.bnn_model.BNNModel` the engine holds."""
        if not isinstance(self.weights, (str, Path)):
            raise TypeError(f"BNN weights must be a model name or a path, not {self.weights!r}")
        path = SHIPPED_MODELS.get(str(self.weights), self.weights)
        try:
            return load_model(path)
        except ModelError as error:
            raise ValueError(f"BNN weights: {error}") from None

    @property
    def model_name(self):
        """A shipped model's name, else the file's stem (marked ``_user`` where it would pass
        for a shipped model's)."""
        weights = str(self.weights)
        if weights in SHIPPED_MODELS:
            return weights
        path = Path(weights)
        shipped = SHIPPED_MODELS.get(path.stem)
        return f"{path.stem}_user" if shipped and path.resolve() != shipped else path.stem

    @property
    def chunks(self):
        """Per layer, the SIMD-input XNOR-popcount every PE evaluates each cycle."""
        return tuple(PopcountConfig.from_plan(width, plan, xnor=True)
                     for width, plan in zip(self.simd, self.popcount))

    @property
    def folds(self):
        """Per layer, ``(neuron folds, synapse folds)``."""
        sizes = self.model.layers
        return tuple((n_out // p, n_in // s)
                     for p, s, n_in, n_out in zip(self.pe, self.simd, sizes, sizes[1:]))

    @property
    def is_default_folding(self):
        return (self.pe, self.simd) == _default_folding(self.model.layers, self.style)

    def __eq__(self, other):
        return isinstance(other, BNNConfig) and self.to_dict() == other.to_dict()

    def __hash__(self):
        return hash(self.name)

    @property
    def name(self):
        plans, styles = set(self.popcount), set(self.style)
        name = f"bnn-{self.model_name}"
        if styles != {"folded"}:
            name += "-" + (self.style[0] if len(styles) == 1 else "+".join(self.style))
        if plans != {"exact"}:
            name += "-" + (self.popcount[0] if len(plans) == 1 else "+".join(self.popcount))
        if not self.is_default_folding:
            name += folding_suffix(self.pe, self.simd)
        return name

    def exact(self):
        return self.replace(popcount="exact")

    #: The approximations ``axbnn front`` puts beside the exact engine by default.
    FRONT_PLANS = ("maj_not-l1", "maj_not-c2", "maj_not-c3", "maj_not")

    @property
    def front_plans(self):
        return self.FRONT_PLANS

    @property
    def plans(self):
        """What the front varies: the popcount plans."""
        return self.popcount

    def with_plan(self, plan):
        return self.replace(popcount=plan)

    @property
    def description(self):
        sizes = "-".join(map(str, self.model.layers))
        return (f"binary MLP {sizes} ({self.model_name}), {', '.join(self.style)} layers, "
                f"PE {self.pe}, SIMD {self.simd}, popcount {', '.join(self.popcount)}")

    @property
    def score_width(self):
        """Bits of a last-layer score: the accumulated chunk counts of one neuron."""
        chunk, (_, synapse_folds) = self.chunks[-1], self.folds[-1]
        return (synapse_folds * ((1 << chunk.out_width) - 1)).bit_length()

    @property
    def cycles_per_image(self):
        """Steady-state cycles between images, the slowest layer's: a folded layer's folds (it
        takes the next vector while the last chunks of one drain, see :mod:`hwgen.mvtu`); an
        unrolled layer takes a vector every cycle."""
        return max(1 if style == "unrolled" else neuron * synapse
                   for style, (neuron, synapse) in zip(self.style, self.folds))

    @property
    def latency(self):
        """Cycles from the first in which an idle engine is offered an image to the first with
        its result valid: each layer's (a folded layer's folds plus :data:`FOLDED_REGISTERS` plus its
        tree's stages, an unrolled layer's tree stages plus its output register) and the
        argmax's: one cycle, or one a class where it scans the scores."""
        classes = self.model.n_classes
        return (classes if scans_scores(classes, self.cycles_per_image) else 1) + sum(chunk.latency + (1 if style == "unrolled"
                                        else neuron * synapse + FOLDED_REGISTERS)
                       for style, chunk, (neuron, synapse) in zip(self.style, self.chunks,
                                                                  self.folds))

    @property
    def least_cells(self):
        """Three quarters of a logic cell per constant weight of the unrolled layers: the
        cheapest approximate tree measured (popcount-64-maj4, iCE40) takes 0.8 per input, an
        exact one 1.7."""
        return sum(3 * n_in * n_out // 4 for style, n_in, n_out in
                   zip(self.style, self.model.layers, self.model.layers[1:])
                   if style == "unrolled")

    #: Bits of each input in an image word.
    activation_bits = 1

    @property
    def input_bits(self):
        """Bits of one image."""
        return self.model.layers[0]

    @property
    def label_width(self):
        """Bits of a result's class, below its scores in the result payload."""
        return max(self.model.n_classes - 1, 1).bit_length()

    @property
    def structure(self):
        """The model's hash and layers, the layers' styles and folding, and the speed."""
        return {"model_sha256": self.model.sha256, "layers": list(self.model.layers),
                "styles": list(self.style), "folds": [{"neuron": neuron, "synapse": synapse}
                          for neuron, synapse in self.folds],
                "cycles_per_image": self.cycles_per_image, "model_metadata": self.model.metadata}

    def to_dict(self):
        return {"family": self.family, "weights": str(self.weights), "pe": list(self.pe),
                "simd": list(self.simd), "popcount": list(self.popcount),
                "style": list(self.style)}
