"""Every design family in one table: its configuration, generator, golden model, baseline, verbs.

Adding a family means one configuration class (plain data: it validates, names the design,
parses its name forms and gives its exact counterpart with ``exact()``), its generator and golden
model modules, and one :class:`Family` in :data:`FAMILIES`. Generator, model and baseline are
named as ``"module:attribute"`` inside their layer of the house and imported by that layer when
it needs them (:func:`load`), so this table imports no Amaranth and nothing above :mod:`hwgen`.
"""

import importlib
from dataclasses import dataclass

from .bnn_config import BNNConfig
from .config import (AdderConfig, FullAdderConfig, MultiplierConfig, PopcountConfig,
                     ProductMultiplierConfig)
from .ensemble_config import EnsembleConfig
from .errors import DesignError
from .external_config import ExternalMultiplierConfig
from .mac_config import MACConfig

__all__ = ["Family", "FAMILIES", "VERBS", "family_of", "family_named", "load", "require"]

#: What a verb answers, after the design's name, for a family that does not support it.
VERBS = {
    "generate": "generate needs a generator",
    "characterize": "characterize measures arithmetic units; for an engine use predict --check",
    "verify": "verify needs a testbench",
    "synth": "synth needs a generator",
    "report": "report compares arithmetic units; synthesise an engine with synth",
    "build": "build needs a board top",
    "behavioural": "--behavioural needs a plain-arithmetic baseline, which engines do not have",
    "predict": "predict needs a bnn or bwnn engine or an smul8 or smmul8 multiplier",
    "tune": "tune needs a bnn engine",
    "train-mac": "train-mac needs a MAC engine (bwnn-..., q8-..., pow2-..., fixed-...)",
    "retrain": "retrain needs bnn engines or smul8 or smmul8 multipliers",
    "classify": "classify needs a bnn engine on a board",
    "front": "front compares whole engines; for arithmetic units use report",
    "engines": "engines tabulates whole engines; for arithmetic units use report",
    "engine options": "--weights, --pe, --simd and --popcount apply to bnn engines",
    "ensemble": "ensemble members must be single engines (bnn-..., bwnn-...)",
}
_UNIT_VERBS = frozenset({"generate", "characterize", "verify", "synth", "report", "build",
                         "behavioural"})


@dataclass(frozen=True)
class Family:
    """A design family.

    ``interface`` is how flows talk to its designs: ``"ports"`` for a unit (numbers on the
    ports ``config.inputs`` and ``config.outputs`` describe, one vector per cycle) or
    ``"stream"`` for an engine (images in, results out, with back-pressure). ``component``
    (in :mod:`axbnn.hwgen`) takes a configuration and returns its Amaranth component;
    ``model`` (in :mod:`axbnn.sim`) is the golden model, ``model(config, inputs)``;
    ``behavioural`` (in :mod:`axbnn.hwgen`) gives the statements of the exact
    function as plain arithmetic; ``metrics`` (in :mod:`axbnn.sim`), when set, adds
    family-specific error metrics to ``characterize``; ``adapt`` (in :mod:`axbnn.sim`),
    ``adapt(config, dataset, adaptation, *, epochs, progress)``, gives an approximate engine's
    network adapted to it for ``front``; ``predict`` (in :mod:`axbnn.flows`), when the family
    supports the verb, predicts its designs' accuracy from an error model.
    """
    name: str
    config: type
    interface: str
    component: str
    model: str
    verbs: frozenset
    presets: tuple
    behavioural: str = None
    metrics: str = None
    adapt: str = None
    predict: str = None

    def supports(self, verb):
        return verb in self.verbs

    @property
    def name_forms(self):
        """``{name prefix: form}`` of the design names of this family."""
        return self.config.NAME_FORMS

    def form_of(self, prefix):
        """The name form a design name's ``prefix`` announces, or None; a number after the
        prefix's letters is a parameter (``ens3``: ``ens``) unless the form has it (``mul8``)."""
        forms = self.name_forms
        return forms.get(prefix) or forms.get(prefix.rstrip("0123456789"))


FAMILIES = {family.name: family for family in (
    Family("fa", FullAdderConfig, "ports", "fulladder:FullAdder", "fulladder:evaluate",
           _UNIT_VERBS, ("fa-exact", "fa-maj_not", "fa-maj_only", "fa-inxa2", "fa-axa3"),
           behavioural="behavioural:full_adder"),
    Family("popcount", PopcountConfig, "ports", "popcount:popcount_component",
           "popcount:evaluate", _UNIT_VERBS,
           ("popcount-16-exact", "popcount-64-exact", "popcount-256-exact",
            "popcount-1024-exact", "popcount-256-exact-p2", "popcount-64-maj_not",
            "popcount-256-maj_not", "popcount-1024-maj_not", "popcount-256-maj_not-c3",
            "popcount-256-maj_not-l2", "popcount-256-axa3-c4", "popcount-256-inxa2-l1",
            "popcount-32-exact", "popcount-32-sat4", "popcount-32-maj4", "popcount-64-sat4",
            "popcount-64-maj4"),
           behavioural="behavioural:popcount"),
    Family("mul8", MultiplierConfig, "ports", "mul8:multiplier_component",
           "multiplier:evaluate", _UNIT_VERBS | {"predict", "retrain"},
           ("mul8-0000", "mul8-1110", "mul8-2220", "mul8-3330", "mul8-3300", "mul8-2200",
            "mul8-1111", "mul8-2222", "mul8-3333", "smul8-0000", "smul8-3330", "smul8-2220"),
           behavioural="behavioural:multiplier", metrics="multiplier:extra_metrics",
           predict="predict:predict_mlp"),
    Family("umul8", ProductMultiplierConfig, "ports", "product_multiplier:product_multiplier",
           "product_multiplier:evaluate", _UNIT_VERBS | {"predict", "retrain"},
           # The iCE40 front of flows.multiplier_search (seed 2, 500 plans), MRED 0.2% to 11%.
           ("umul8-exact", "umul8-dadda", "umul8-or5400-nocomp",
            "umul8-t3-orc4-or7030-nocomp-maj_not-c5", "umul8-t2-orc7-or0010-nocomp",
            "umul8-t5-orc7-or0630-nocomp", "umul8-t4-orc8-or0004-nocomp", "umul8-t4-orc9-nocomp",
            "umul8-t3-orc10-or2124-cin-nocomp", "umul8-t4-orc10-or3426-nocomp",
            "umul8-t5-orc11-nocomp", "smmul8-exact", "smmul8-t5-orc7-or0630-nocomp"),
           behavioural="behavioural:multiplier", metrics="product_multiplier:extra_metrics",
           predict="predict:predict_mlp"),
    Family("external", ExternalMultiplierConfig, "ports", "external_multiplier:ExternalMultiplier",
           "external_multiplier:evaluate", frozenset({"synth", "report", "characterize"}), (),
           behavioural="behavioural:multiplier"),
    Family("add", AdderConfig, "ports", "adder:ApproxAdder", "adder:evaluate", _UNIT_VERBS,
           ("add-16-ripple", "add-16-loa-4", "add-16-maj_not-4", "add-16-axa3-4"),
           behavioural="behavioural:adder"),
    Family("bnn", BNNConfig, "stream", "bnn_engine:BNNEngine", "bnn_infer:infer",
           frozenset({"generate", "verify", "synth", "build", "predict", "tune", "retrain",
                      "classify", "front", "engines", "engine options", "ensemble"}),
           ("bnn-digits", "bnn-digits-maj_not-l1", "bnn-digits-maj_not-c2",
            "bnn-digits-maj4", "bnn-digits-small-unrolled", "bnn-digits-small-unrolled-maj4"),
           adapt="bnn_adapt:adapt", predict="predict:predict"),
    Family("mac", MACConfig, "stream", "mac_engine:MACEngine", "mac_infer:infer",
           frozenset({"generate", "verify", "synth", "front", "engines", "train-mac",
                      "engine options", "predict", "ensemble"}),
           ("bwnn-digits", "bwnn-digits-loa-4", "bwnn-digits-maj_not-3", "q8-digits",
            "q8-digits_3330-3330", "pow2-digits", "fixed-digits-4", "fixed-digits-8",
            "fixed-digits-16"),
           adapt="mac_tuning:adapt", predict="predict:predict_mac"),
    Family("ensemble", EnsembleConfig, "stream", "ensemble_engine:EnsembleEngine",
           "ensemble_infer:infer", frozenset({"generate", "verify", "synth", "engines",
                                              "engine options"}),
           ("ens3-bnn-digits-small", "ens5-bnn-digits-small", "ens3-bnn-digits-small-sum",
            "ens3-bwnn-digits", "ens5-bwnn-digits-sum")),
)}
_BY_CLASS = {family.config: family for family in FAMILIES.values()}


def family_of(config):
    """The :class:`Family` of a configuration object."""
    try:
        return _BY_CLASS[type(config)]
    except KeyError:
        raise TypeError(f"Configuration must be one of a registered family's, "
                        f"not {config!r}") from None


def family_named(prefix):
    """The family whose design names start with ``prefix`` (``xnorpop``: popcount), or None."""
    return next((family for family in FAMILIES.values() if family.form_of(prefix)), None)


def require(config, verb):
    """The family of ``config``; a :class:`DesignError` if it does not support ``verb``."""
    family = family_of(config)
    if not family.supports(verb):
        raise DesignError(f"{config.name}: {VERBS[verb]}")
    return family


def load(layer, reference):
    """The object ``"module:attribute"`` names inside ``layer`` (``hwgen``, ``sim``, ...)."""
    module, attribute = reference.split(":")
    return getattr(importlib.import_module(f"..{layer}.{module}", __package__), attribute)
