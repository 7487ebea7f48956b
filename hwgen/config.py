"""Validated design configurations: the one object that drives generator, model, test and flow.

Each configuration is a frozen dataclass that checks its parameters on construction, knows its
canonical design name (``mul8-3330``, ``popcount-256-maj_not-c3``, ...) and describes its ports as
plain data. The generator builds its Amaranth signature from :attr:`inputs` and :attr:`outputs`,
the golden model and the testbenches read the same description. This module imports no Amaranth.
"""

import dataclasses
import re
from dataclasses import asdict, dataclass
from functools import cached_property

from .compressor_plan import TREES, build_plan
from .fa_variants import APPROXIMATE_FA_VARIANTS, COUNTERS, FA_VARIANTS
from .multiplier_plan import BLOCK_TYPES
from .product_plan import PAIRS, build_product_plan

__all__ = ["Port", "FullAdderConfig", "PopcountConfig", "MultiplierConfig", "AdderConfig",
           "ProductMultiplierConfig", "PRODUCT_PLAN", "scans_scores", "FOLDING_SUFFIX",
           "folding_suffix",
           "POPCOUNT_PLAN", "BLOCK_TYPES", "ADDER_KINDS", "MAX_POPCOUNT_WIDTH", "MAX_ADDER_WIDTH"]

ADDER_KINDS = ("ripple", "loa") + APPROXIMATE_FA_VARIANTS
MAX_POPCOUNT_WIDTH = 4096
#: The fixed-digits-16 engine's accumulators take 39 bits; golden models compute in int64.
MAX_ADDER_WIDTH = 48
#: A popcount plan as named after the width: ``<fa>[-c<k>|-l<L>][-<tree>][-p<k>]``, or
#: ``<counter>[-p<k>]`` for a first level of counters.
POPCOUNT_PLAN = r"([a-z0-9_]+)(?:-c(\d+)|-l(\d+))?(?:-(chain|dadda|wallace))?(?:-p(\d+))?"
_PLAN_FORM = "<fa>[-c<k>|-l<L>][-<tree>][-p<k>] or <counter>[-p<k>]"


@dataclass(frozen=True)
class Port:
    """A port of a generated unit; ``signed`` ports are two's complement."""
    width: int
    signed: bool = False


def _optional_int(text):
    return None if text is None else int(text)


def _check_int(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be an integer from {low} to {high}, not {value!r}")


def _check_choice(name, value, choices):
    if value not in choices:
        allowed = ", ".join(choices)
        raise ValueError(f"{name} must be one of {allowed}, not {value!r}")


#: An engine name's folding when it is not the default, per layer PEs and SIMDs:
#: ``-pe4x2-simd1x1`` (:func:`folding_suffix` writes it, :mod:`hwgen.designs` reads it).
FOLDING_SUFFIX = re.compile(r"-pe(\d+(?:x\d+)*)-simd(\d+(?:x\d+)*)(?=-|$)")


def folding_suffix(pe, simd):
    """``-pe<p>x<p>...-simd<s>x<s>...``, the name of a folding (:data:`FOLDING_SUFFIX`)."""
    return f"-pe{'x'.join(map(str, pe))}-simd{'x'.join(map(str, simd))}"


def scans_scores(classes, cycles_per_image):
    """Whether an engine ranks its ``classes`` scores one a cycle
    (:class:`hwgen.serial_argmax.SerialArgmax`: one comparator, ``classes`` cycles of latency)
    rather than all pairs at once: when that keeps up with an image every ``cycles_per_image``
    cycles (it takes ``classes + 1``)."""
    return classes < cycles_per_image


class _Design:
    """Behaviour shared by every configuration; subclasses define the fields and ports."""
    family = None
    #: Clock cycles from inputs to outputs; 0 for a combinational unit (no clock, no reset).
    latency = 0
    #: Verilog files of modules the generated top instantiates, read beside it.
    verilog_files = ()
    #: Logic cells the design needs at the least, to refuse a target it cannot fit before
    #: synthesis; 0 where no cheap bound is known.
    least_cells = 0

    @property
    def top_name(self):
        """Verilog module name: the design name with every character other than an ASCII
        letter, digit or ``_`` (``-``, ``+``, and whatever a model file's name holds) as ``_``."""
        return re.sub(r"[^A-Za-z0-9_]", "_", self.name)

    @property
    def input_bits(self):
        return sum(port.width for port in self.inputs.values())

    def replace(self, **changes):
        """A copy with ``changes``, validated again."""
        return dataclasses.replace(self, **changes)

    def to_dict(self):
        """The configuration as TOML/JSON-ready data, ``family`` first, unset options left out."""
        fields = {key: value for key, value in asdict(self).items() if value is not None}
        return {"family": self.family, **fields}

    @classmethod
    def from_name(cls, name):
        """The configuration a design name of one of :attr:`NAME_FORMS` gives, or ``None``
        when ``name`` has none of their shapes."""
        match = cls.NAME.fullmatch(name)
        return None if match is None else cls._from_match(match)

    def output_value(self, outputs):
        """The number the outputs stand for: the one output port's value."""
        (value,) = outputs.values()
        return value

    @property
    def structure(self):
        """Figures of the generated structure a manifest records beside the configuration."""
        return {}


@dataclass(frozen=True)
class FullAdderConfig(_Design):
    """A single full adder of one of :data:`FA_VARIANTS`."""
    variant: str = "exact"
    family = "fa"
    NAME = re.compile(r"fa-([a-z_0-9]+)")
    NAME_FORMS = {"fa": "fa-<variant>"}

    def __post_init__(self):
        _check_choice("Full-adder variant", self.variant, FA_VARIANTS)

    @classmethod
    def _from_match(cls, match):
        return cls(match[1])

    @property
    def name(self):
        return f"fa-{self.variant}"

    def output_value(self, outputs):
        """``s + 2 * co``."""
        return outputs["s"] + 2 * outputs["co"]

    @property
    def description(self):
        return f"one {self.variant} full adder"

    def exact(self):
        """The exact design this one approximates."""
        return self.replace(variant="exact")

    @property
    def inputs(self):
        return {"x": Port(1), "y": Port(1), "c": Port(1)}

    @property
    def outputs(self):
        return {"s": Port(1), "co": Port(1)}


@dataclass(frozen=True)
class PopcountConfig(_Design):
    """An ``width``-input popcount built as a compressor tree of full and half adders.

    Full adders use ``fa``; with ``approx_columns=k`` only those in the k lowest-weight columns
    do, with ``approx_levels=L`` only those in the first L tree levels. ``xnor`` puts an XNOR
    with a weight vector ``w`` in front, as in a binary neural network. ``pipeline=k`` puts
    registers after every k tree levels (see :attr:`latency`); by default the tree is
    combinational.

    ``tree`` defaults to what maps best on FPGAs: exact adders sit on carry chains (``chain``,
    about one LUT per bit removed), approximate majority nodes fold into LUTs and merge across
    levels (``wallace``).

    ``counter`` (one of :data:`~hwgen.fa_variants.COUNTERS`, exact full adders, ``chain``
    tree) puts a first level of approximate counters under the exact word adders, their mean
    error compensated by constants (:mod:`hwgen.compressor_plan`).
    """
    width: int
    fa: str = "exact"
    approx_columns: int = None
    approx_levels: int = None
    tree: str = None
    xnor: bool = False
    pipeline: int = None
    counter: str = None
    family = "popcount"
    NAME = re.compile(rf"(popcount|xnorpop)-(\d+)-({POPCOUNT_PLAN})")
    NAME_FORMS = {"popcount": f"popcount-<N>-{_PLAN_FORM}",
                  "xnorpop": f"xnorpop-<N>-{_PLAN_FORM}"}

    def __post_init__(self):
        _check_int("Popcount width", self.width, 1, MAX_POPCOUNT_WIDTH)
        _check_choice("Popcount full-adder variant", self.fa, FA_VARIANTS)
        if self.tree is None:
            object.__setattr__(self, "tree", self.default_tree)
        _check_choice("Popcount tree", self.tree, TREES)
        if not isinstance(self.xnor, bool):
            raise TypeError(f"Popcount xnor must be a boolean, not {self.xnor!r}")
        if self.approx_columns is not None and self.approx_levels is not None:
            raise ValueError("Popcount takes approx_columns or approx_levels, not both")
        limited = self.approx_columns if self.approx_columns is not None else self.approx_levels
        if self.counter is not None:
            _check_choice("Popcount counter", self.counter, tuple(COUNTERS))
            if limited is not None:
                raise ValueError("Popcount counter takes no approx_columns or approx_levels")
            if (self.fa, self.tree) != ("exact", "chain"):
                raise ValueError("Popcount counter must go with exact full adders on the chain "
                                 f"tree, not {self.fa!r} on {self.tree!r}")
        if limited is not None and self.fa == "exact":
            raise ValueError("Popcount approx_columns and approx_levels need an approximate "
                             f"full-adder variant, not {self.fa!r}")
        if self.approx_columns is not None:
            _check_int("Popcount approx_columns", self.approx_columns, 1, self.out_width)
        levels = max(build_plan(self.width, tree=self.tree, counter=self.counter).levels, 1)
        if self.approx_levels is not None:
            _check_int("Popcount approx_levels", self.approx_levels, 1, levels)
        if self.pipeline is not None:
            _check_int("Popcount pipeline", self.pipeline, 1, levels)

    @classmethod
    def _from_match(cls, match):
        return cls.from_plan(int(match[2]), match[3], xnor=match[1] == "xnorpop")

    @classmethod
    def from_plan(cls, width, plan, *, xnor=False):
        """The popcount of ``width`` inputs whose name ends in ``plan``, like ``maj_not-c3``."""
        match = re.fullmatch(POPCOUNT_PLAN, plan) if isinstance(plan, str) else None
        if match is None:
            raise ValueError(f"Popcount plan must look like {_PLAN_FORM}, not {plan!r}")
        fa, columns, levels, tree, pipeline = match.groups()
        fa, counter = ("exact", fa) if fa in COUNTERS else (fa, None)
        return cls(width, fa=fa, approx_columns=_optional_int(columns),
                   approx_levels=_optional_int(levels), tree=tree, xnor=xnor,
                   pipeline=_optional_int(pipeline), counter=counter)

    @property
    def plan_name(self):
        """The name after the width: ``maj_not-c3``, ``exact``, ``sat4``, ..."""
        name = self.counter or self.fa
        if self.approx_columns is not None:
            name += f"-c{self.approx_columns}"
        if self.approx_levels is not None:
            name += f"-l{self.approx_levels}"
        if self.tree != self.default_tree:
            name += f"-{self.tree}"
        if self.pipeline is not None:
            name += f"-p{self.pipeline}"
        return name

    @property
    def name(self):
        return f"{'xnorpop' if self.xnor else 'popcount'}-{self.width}-{self.plan_name}"

    def stage(self, level):
        """Pipeline registers a signal of tree level ``level`` (0: the inputs) has passed."""
        return 0 if self.pipeline is None or level == 0 else (level - 1) // self.pipeline

    @property
    def latency(self):
        return self.stage(self.plan.levels)

    @property
    def default_tree(self):
        return "chain" if self.fa == "exact" else "wallace"

    @property
    def description(self):
        adders = "exact full adders"
        if self.fa != "exact":
            adders = f"all full adders {self.fa}"
        if self.approx_columns is not None:
            adders = f"{self.fa} full adders in the {self.approx_columns} lowest columns"
        if self.approx_levels is not None:
            adders = f"{self.fa} full adders in the first {self.approx_levels} levels"
        if self.counter is not None:
            adders = f"{self.counter} counters, then exact full adders"
        unit = "XNOR-popcount" if self.xnor else "popcount"
        pipeline = ""
        if self.pipeline is not None:
            pipeline = f", registers every {self.pipeline} levels (latency {self.latency})"
        return f"{self.width}-input {unit}, {self.tree} tree, {adders}{pipeline}"

    def exact(self):
        """The exact design this one approximates: the default exact popcount of its width.

        Not the same tree with exact adders: what an approximation saves is measured against
        the exact plan one would otherwise build.
        """
        return self.replace(fa="exact", approx_columns=None, approx_levels=None, tree=None,
                            pipeline=None, counter=None)

    @property
    def out_width(self):
        return self.width.bit_length()

    @property
    def structure(self):
        plan = self.plan
        return {"full_adders": plan.count("full"), "half_adders": plan.count("half"),
                "approximate_full_adders": plan.count("approximate") - plan.count("counter"),
                "counters": plan.count("counter"), "levels": plan.levels}

    @cached_property
    def plan(self):
        """The :class:`~hwgen.compressor_plan.CompressorPlan` both generator and model walk."""
        return build_plan(self.width, tree=self.tree, variant=self.fa,
                          approx_columns=self.approx_columns, approx_levels=self.approx_levels,
                          counter=self.counter)

    @property
    def inputs(self):
        ports = {"a": Port(self.width)}
        if self.xnor:
            ports["w"] = Port(self.width)
        return ports

    @property
    def outputs(self):
        return {"count": Port(self.out_width)}


@dataclass(frozen=True)
class MultiplierConfig(_Design):
    """An 8x8 multiplier of four 4x4 blocks, types named low-low, high-low, low-high, high-high.

    ``blocks="3330"`` gives type 3 blocks for ``AL*BL``, ``AH*BL``, ``AL*BH`` and an exact
    ``AH*BH``. Unsigned operands give a 16-bit product; ``signed=True`` takes 8-bit
    sign-magnitude operands (bit 7 the sign), multiplies their 7-bit magnitudes on the unsigned
    core and returns a 16-bit two's-complement product.
    """
    blocks: str = "0000"
    signed: bool = False
    family = "mul8"
    NAME = re.compile(r"(s?mul8)-(\w+)")
    NAME_FORMS = {"mul8": "mul8-<four digits 0-3>", "smul8": "smul8-<four digits 0-3>"}

    def __post_init__(self):
        if (not isinstance(self.blocks, str) or len(self.blocks) != 4
                or any(digit not in BLOCK_TYPES for digit in self.blocks)):
            raise ValueError("Multiplier blocks must be four digits from 0 to 3 (like '3330'), "
                             f"not {self.blocks!r}")
        if not isinstance(self.signed, bool):
            raise TypeError(f"Multiplier signed must be a boolean, not {self.signed!r}")

    @classmethod
    def _from_match(cls, match):
        return cls(match[2], signed=match[1] == "smul8")

    @property
    def name(self):
        return f"{'smul8' if self.signed else 'mul8'}-{self.blocks}"

    def exact(self):
        """The exact design this one approximates."""
        return self.replace(blocks="0000")

    @property
    def description(self):
        operands = "sign-magnitude" if self.signed else "unsigned"
        return f"8x8 {operands} multiplier, 4x4 block types {', '.join(self.blocks)}"

    @property
    def inputs(self):
        return {"a": Port(8), "b": Port(8)}

    @property
    def outputs(self):
        return {"p": Port(16, signed=self.signed)}


_PRODUCT_TOKEN = r"[a-z_0-9]+"
#: A partial-product multiplier's plan as named after ``umul8-``: ``exact``, or among
#: ``t<T>``, ``or<dddd>``, ``cin``, ``<fa>[-c<k>]``, ``<tree>`` in that order, joined by ``-``.
PRODUCT_PLAN = rf"(?:{_PRODUCT_TOKEN})(?:-(?:{_PRODUCT_TOKEN}))*"
_PRODUCT_FORM = ("exact or [t<T>][-orc<K>][-or<dddd>][-cin][-nocomp][-<fa>[-c<k>]]"
                 "[-<tree>]")


@dataclass(frozen=True)
class ProductMultiplierConfig(_Design):
    """An 8x8 multiplier built as a partial-product matrix and a compressor tree
    (:mod:`hwgen.product_plan`): ``umul8-<plan>`` unsigned, ``smmul8-<plan>`` sign-magnitude.

    ``truncate`` drops the partial products of that many low columns; ``or_columns`` ORs the
    partial products of each column below it into one bit; ``merge`` gives, for
    each pair of partial-product rows (0-1, 2-3, 4-5, 6-7), how many of their lowest
    overlapping columns are ORed into one term; ``carry`` feeds the AND of each merged pair's
    top column into its adder; the expected loss is added back as constants unless
    ``compensate`` is false. ``fa`` replaces
    the tree's full adders (in the ``approx_columns`` lowest columns, or all). ``tree`` is
    ``chain`` (rows added by carry-chain adders, the default), ``dadda`` or ``wallace``.
    ``signed`` takes sign-magnitude operands (bit 7 the sign) like ``smul8``: the 7-bit
    magnitudes go through the unsigned core.
    """
    truncate: int = 0
    or_columns: int = 0
    merge: str = "0000"
    carry: bool = False
    compensate: bool = True
    fa: str = "exact"
    approx_columns: int = None
    tree: str = "chain"
    signed: bool = False
    family = "umul8"
    NAME = re.compile(rf"(umul8|smmul8)-(exact|{PRODUCT_PLAN})")
    NAME_FORMS = {"umul8": f"umul8-<{_PRODUCT_FORM}>", "smmul8": f"smmul8-<{_PRODUCT_FORM}>"}

    def __post_init__(self):
        _check_int("Multiplier truncate", self.truncate, 0, 14)
        _check_int("Multiplier or_columns", self.or_columns, 0, 14)
        if self.or_columns and self.or_columns <= self.truncate:
            raise ValueError(f"Multiplier or_columns must be above truncate ({self.truncate}), "
                             f"not {self.or_columns!r}")
        if (not isinstance(self.merge, str) or len(self.merge) != PAIRS
                or any(digit not in "01234567" for digit in self.merge)):
            raise ValueError(f"Multiplier merge must be {PAIRS} digits from 0 to 7 "
                             f"(like '3300'), not {self.merge!r}")
        for name in ("carry", "compensate", "signed"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"Multiplier {name} must be a boolean, "
                                f"not {getattr(self, name)!r}")
        if self.carry and self.merge == "0" * PAIRS:
            raise ValueError("Multiplier carry needs merged columns (a merge digit above 0)")
        _check_choice("Multiplier full-adder variant", self.fa, FA_VARIANTS)
        if self.approx_columns is not None:
            if self.fa == "exact":
                raise ValueError("Multiplier approx_columns needs an approximate full-adder "
                                 f"variant, not {self.fa!r}")
            _check_int("Multiplier approx_columns", self.approx_columns, 1, 16)
        _check_choice("Multiplier tree", self.tree, TREES)

    @classmethod
    def _from_match(cls, match):
        return cls.from_plan(match[2], signed=match[1] == "smmul8")

    @classmethod
    def from_plan(cls, plan, *, signed=False):
        """The multiplier whose name ends in ``plan``, like ``t4-or3300-cin``."""
        fields, tokens = {"signed": signed}, [] if plan == "exact" else plan.split("-")
        order = ("truncate", "or_columns", "merge", "carry", "compensate", "fa",
                 "approx_columns", "tree")
        last = -1
        while tokens:
            token = tokens.pop(0)
            if re.fullmatch(r"t\d+", token):
                key, value = "truncate", int(token[1:])
            elif re.fullmatch(r"orc\d+", token):
                key, value = "or_columns", int(token[3:])
            elif re.fullmatch(r"or\d{4}", token):
                key, value = "merge", token[2:]
            elif token == "cin":
                key, value = "carry", True
            elif token == "nocomp":
                key, value = "compensate", False
            elif token in TREES:
                key, value = "tree", token
            elif re.fullmatch(r"c\d+", token) and order[last] == "fa":
                key, value = "approx_columns", int(token[1:])
            else:
                key, value = "fa", token
            if order.index(key) <= last:
                raise ValueError(f"Multiplier plan must look like {_PRODUCT_FORM}, not {plan!r}")
            fields[key], last = value, order.index(key)
        return cls(**fields)

    @property
    def plan_name(self):
        """The name after ``umul8-``: ``exact``, ``t4-or3300-cin``, ..."""
        parts = []
        if self.truncate:
            parts.append(f"t{self.truncate}")
        if self.or_columns:
            parts.append(f"orc{self.or_columns}")
        if self.merge != "0" * PAIRS:
            parts.append(f"or{self.merge}")
        if self.carry:
            parts.append("cin")
        if not self.compensate:
            parts.append("nocomp")
        if self.fa != "exact":
            parts.append(self.fa)
        if self.approx_columns is not None:
            parts.append(f"c{self.approx_columns}")
        if self.tree != "chain":
            parts.append(self.tree)
        return "-".join(parts) or "exact"

    @property
    def name(self):
        return f"{'smmul8' if self.signed else 'umul8'}-{self.plan_name}"

    def exact(self):
        """The exact design this one approximates: the exact carry-chain multiplier."""
        return type(self)(signed=self.signed)

    @property
    def description(self):
        operands = "sign-magnitude" if self.signed else "unsigned"
        return f"8x8 {operands} partial-product multiplier, {self.plan_name} ({self.tree} tree)"

    @cached_property
    def plan(self):
        """The :class:`~hwgen.product_plan.ProductPlan` both generator and model walk."""
        return build_product_plan(truncate=self.truncate, or_columns=self.or_columns,
                                  merge=tuple(map(int, self.merge)),
                                  carry=self.carry, compensate=self.compensate,
                                  tree=self.tree, fa=self.fa,
                                  approx_columns=self.approx_columns)

    @property
    def structure(self):
        tree = self.plan.tree
        return {"terms": len(self.plan.terms), "full_adders": tree.count("full"),
                "half_adders": tree.count("half"),
                "approximate_full_adders": tree.count("approximate"), "levels": tree.levels,
                "expected_loss": round(-self.plan.mean_error, 4)}

    @property
    def inputs(self):
        return {"a": Port(8), "b": Port(8)}

    @property
    def outputs(self):
        return {"p": Port(16, signed=self.signed)}


@dataclass(frozen=True)
class AdderConfig(_Design):
    """A ``width``-bit adder for accumulators; the sum has ``width + 1`` bits.

    ``ripple`` is exact. ``loa`` (lower-part OR adder) ORs the ``approx_bits`` low bits and
    feeds the AND of the top approximate pair as carry into the exact upper part. A full-adder
    variant (``maj_not``, ...) ripples through that approximate full adder in the low bits.
    """
    width: int
    kind: str = "ripple"
    approx_bits: int = 0
    family = "add"
    NAME = re.compile(r"add-(\d+)-([a-z0-9_]+)(?:-(\d+))?")
    NAME_FORMS = {"add": "add-<bits>-ripple or add-<bits>-<kind>-<k>"}

    def __post_init__(self):
        _check_int("Adder width", self.width, 1, MAX_ADDER_WIDTH)
        _check_choice("Adder kind", self.kind, ADDER_KINDS)
        if self.kind == "ripple":
            if self.approx_bits != 0:
                raise ValueError(f"Adder approx_bits must be 0 for an exact ripple adder, "
                                 f"not {self.approx_bits!r}")
        else:
            _check_int("Adder approx_bits", self.approx_bits, 1, self.width)

    @classmethod
    def _from_match(cls, match):
        return cls(int(match[1]), match[2], int(match[3] or 0))

    @property
    def name(self):
        if self.kind == "ripple":
            return f"add-{self.width}-ripple"
        return f"add-{self.width}-{self.kind}-{self.approx_bits}"

    def exact(self):
        """The exact design this one approximates."""
        return self.replace(kind="ripple", approx_bits=0)

    @property
    def description(self):
        if self.kind == "ripple":
            return f"{self.width}-bit exact adder"
        return f"{self.width}-bit adder, {self.approx_bits} low bits {self.kind}"

    @property
    def inputs(self):
        return {"a": Port(self.width), "b": Port(self.width)}

    @property
    def outputs(self):
        return {"s": Port(self.width + 1)}
