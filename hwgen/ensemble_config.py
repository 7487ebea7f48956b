"""The configuration of an ensemble: k engines of one family on one image stream, their classes
combined in hardware.

Every member is the engine of one design (``bwnn-digits-loa-2``, ``bnn-digits-small``) running
its own model: by default the shipped models trained as the design's was but from seeds 0 to
k-1 (:func:`hwgen.models.seed_models`), or the ``weights`` given, one per member. All members
read the same input code and answer the same classes; each image goes to every member, and
their answers are combined by ``combine``:

- ``vote``: each member votes for its class. Class ``c``'s key is ``votes_c * 2**k + voters_c``,
  ``voters_c`` having bit ``k - 1 - i`` set when member ``i`` voted for ``c``; the largest key
  wins. So the most votes win, and a tie goes to the tied class of the lowest-numbered member
  among their voters (member 0 breaks a three-way split of three members). Keys differ
  wherever a member voted, so the winner is unique.
- ``sum``: class ``c``'s key is the sum of the members' scores of ``c`` as they leave their
  argmax (unsigned: a MAC engine's offset binary, a BNN's popcounts); an offset is the same
  for every class, so the largest key is the class of the largest sum of signed scores. The
  scores share one scale when the members share their last layer's shape and training recipe:
  a BNN's are popcounts of as many bits; seeds of one MAC recipe give integer scores of one
  range, equally weighted (the trainer's logit scale differs per seed, and no member is
  rescaled).

The golden model (:mod:`sim.ensemble_infer`) and the generator (:mod:`hwgen.ensemble_engine`)
both follow these rules. This module imports no Amaranth.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from .config import _Design
from .models import seed_models

__all__ = ["EnsembleConfig", "COMBINE", "MAX_MEMBERS"]

#: How members' answers become one class.
COMBINE = ("vote", "sum")
MAX_MEMBERS = 16


@dataclass(frozen=True, eq=False)
class EnsembleConfig(_Design):
    """``k`` engines of design ``design`` (a name or ``.toml`` file of a family that can
    ensemble), combined by ``combine``; ``weights`` names each member's model (default: the
    shipped seed models of the design's model); ``pe`` and ``simd``, when given, fold every
    member so (lighter, slower members), else each keeps the design's folding."""
    design: str = "bwnn-digits"
    k: int = 3
    combine: str = "vote"
    weights: tuple = None
    pe: tuple = None
    simd: tuple = None
    family = "ensemble"
    NAME = re.compile(rf"ens(\d+)-(.+?)(?:-({'|'.join(COMBINE)}))?")
    NAME_FORMS = {"ens": f"ens<k>-<member design>[-{'|-'.join(COMBINE)}]"}

    def __post_init__(self):
        k = self.k
        if isinstance(k, bool) or not isinstance(k, int) or not 2 <= k <= MAX_MEMBERS:
            raise ValueError(f"Ensemble size k must be an integer from 2 to {MAX_MEMBERS}, "
                             f"not {k!r}")
        if self.combine not in COMBINE:
            raise ValueError(f"Ensemble combine must be one of {', '.join(COMBINE)}, "
                             f"not {self.combine!r}")
        if isinstance(self.weights, str):  # the command line's --weights A,B,C
            object.__setattr__(self, "weights", tuple(self.weights.split(",")))
        if isinstance(self.weights, list):
            object.__setattr__(self, "weights", tuple(self.weights))
        self.members  # validates every member and their common interface

    @classmethod
    def _from_match(cls, match):
        return cls(match[2], k=int(match[1]), combine=match[3] or "vote")

    @cached_property
    def named(self):
        """The member design as named, on its own model and folding."""
        from .designs import parse_design
        from .errors import DesignError
        from .families import require

        if not isinstance(self.design, str):
            raise TypeError(f"Ensemble design must be a design name, not {self.design!r}")
        try:
            base = parse_design(self.design)
            require(base, "ensemble")
        except DesignError as error:
            raise ValueError(str(error)) from None
        return base

    @cached_property
    def members(self):
        """The k member configurations, member 0 first."""
        k, weights = self.k, self.weights
        if weights is None:
            weights = seed_models(str(self.named.weights))
            if len(weights) < k:
                raise ValueError(f"Ensemble weights: {self.named.name} ships {len(weights)} seed "
                                 f"model(s), fewer than k = {k}; give k weights")
            weights = weights[:k]
        if not isinstance(weights, tuple) or len(weights) != k:
            raise ValueError(f"Ensemble weights must be k = {k} models, one per member, "
                             f"not {weights!r}")
        # The design's own folding unless another is given (members of other layers need one).
        folding = {name: value for name, value in (("pe", self.pe), ("simd", self.simd))
                   if value is not None}
        members = []
        for index, path in enumerate(weights):
            try:
                members.append(self.named.replace(weights=path, **folding))
            except (TypeError, ValueError) as error:
                raise ValueError(f"Ensemble member {index}: {error}") from None
        interface = _interface(members[0])
        for index, member in enumerate(members[1:], 1):
            if _interface(member) != interface:
                raise ValueError(f"Ensemble members must read one input code and answer the "
                                 f"same classes, and member {index} ({member.name}) does "
                                 f"not read member 0's ({members[0].name})")
        return tuple(members)

    @property
    def model(self):
        """Member 0's model: its input code, classes and data set are every member's."""
        return self.members[0].model

    @property
    def name(self):
        """``ens<k>-<member design>`` on the shipped seed models, else every member's name
        joined by ``+``; ``-sum`` when summing."""
        if self.weights is None or self.weights == seed_models(str(self.named.weights))[:self.k]:
            name = f"ens{self.k}-{self.members[0].name}"
        else:
            name = f"ens{self.k}-{'+'.join(member.name for member in self.members)}"
        return name if self.combine == "vote" else f"{name}-{self.combine}"

    def __eq__(self, other):
        return isinstance(other, EnsembleConfig) and self.to_dict() == other.to_dict()

    def __hash__(self):
        return hash(self.name)

    def exact(self):
        return self.replace(design=self.named.exact().name)

    @property
    def plans(self):
        return self.named.plans

    def with_plan(self, plan):
        return self.replace(design=self.named.with_plan(plan).name)

    @property
    def description(self):
        return (f"{self.k} engines {', '.join(member.name for member in self.members)}, "
                f"classes combined by {self.combine}")

    @property
    def activation_bits(self):
        return self.members[0].activation_bits

    @property
    def input_bits(self):
        return self.members[0].input_bits

    @property
    def label_width(self):
        return self.members[0].label_width

    @property
    def vote_width(self):
        """Bits of a vote key: the votes above one bit per member."""
        return self.k.bit_length() + self.k

    @property
    def score_width(self):
        """Bits of a class's key: a vote key, or a sum of k member scores."""
        if self.combine == "vote":
            return self.vote_width
        return max(member.score_width for member in self.members) + (self.k - 1).bit_length()

    @property
    def cycles_per_image(self):
        """The slowest member's: the broadcast passes the next image on in the cycle the last
        member takes this one."""
        return max(member.cycles_per_image for member in self.members)

    @property
    def structure(self):
        return {"members": [{"design": member.name, **member.structure}
                            for member in self.members],
                "combine": self.combine, "score_width": self.score_width,
                "cycles_per_image": self.cycles_per_image}

    def to_dict(self):
        return {"family": self.family, "design": self.design, "k": self.k,
                "combine": self.combine,
                "weights": [str(member.weights) for member in self.members],
                "pe": list(self.members[0].pe), "simd": list(self.members[0].simd)}


def _interface(member):
    """What members must share: the image word, the input code, the classes."""
    model = member.model
    return (member.input_bits, member.activation_bits, tuple(model.input_thresholds),
            model.n_classes, member.label_width)
