"""Design names and TOML files to validated configurations, and the built-in presets.

Names::

    fa-<variant>                                     fa-maj_not
    popcount-<N>-<fa>[-c<k>|-l<L>][-<tree>][-p<k>]   popcount-256-maj_not-c3, popcount-256-exact-p2
    popcount-<N>-<counter>[-p<k>]                    popcount-64-maj4, popcount-32-sat4
    xnorpop-<N>-<fa>[-c<k>|-l<L>][-<tree>][-p<k>]    xnorpop-64-exact
    mul8-<four digits 0-3>, smul8-<digits>           mul8-3330, smul8-2220
    add-<bits>-ripple, add-<bits>-<kind>-<k>         add-16-loa-4, add-16-maj_not-4
    bnn-<model>[-<style>[+<style>...]][-<plan>[+<plan>...]]
                                                     bnn-digits-maj_not-c3,
                                                     bnn-digits-small-unrolled
    bwnn-<model>[-exact|-<adder kind>-<k>]           bwnn-digits-loa-4 (a MAC engine)
    pow2-<model>[-exact|-<adder kind>-<k>]           pow2-digits (weights 0, +-2**k)
    fixed-<model>-<4|8|16>[-exact|-<adder kind>-<k>] fixed-digits-8 (fixed point)

``<tree>`` is ``chain``, ``wallace`` or ``dadda``; ``-p<k>`` registers every k tree levels.
``<counter>`` (``maj4``, ``sat4``) is a first level of approximate counters under exact carry-chain
word adders, its mean error compensated (:mod:`hwgen.fa_variants`).
A BNN engine's ``<style>`` is ``folded`` (the default) or ``unrolled``, its ``<plan>`` a popcount
name after its width (``maj_not-c3``), each for every layer or one per layer joined by ``+``;
``<model>`` is a shipped model, ``digits`` or ``digits-small`` (:mod:`hwgen.models`).
An engine folded otherwise than by default names its folding last (before an ensemble's
``-sum``), one PE and one SIMD per layer: ``bnn-digits-small-pe2x2x1-simd16x16x16``.

A TOML file holds one configuration as top-level keys: ``family`` (``fa``, ``popcount``,
``mul8``, ``add``, ``bnn``, ``mac``) and that family's fields, for example::

    family = "popcount"
    width = 256
    fa = "maj_not"
    approx_columns = 3

A file path in it (a ``weights`` ``.npz``) is relative to the TOML file's directory, so a
design file and its model travel together.

This module imports no Amaranth.
"""

import dataclasses
import tomllib
from pathlib import Path

from .config import FOLDING_SUFFIX
from .errors import DesignError
from .families import FAMILIES, family_named

__all__ = ["DesignError", "parse_design", "design_from_dict", "config_class", "load_design",
           "with_options", "PRESETS"]

#: Every family's presets, in registry order.
PRESETS = tuple(name for family in FAMILIES.values() for name in family.presets)


def _from_name(name):
    folding = FOLDING_SUFFIX.search(name)  # an ensemble's members' comes before its -sum
    if folding:
        config = _from_name(name[:folding.start()] + name[folding.end():])
        if not {"pe", "simd"} <= {field.name for field in dataclasses.fields(config)}:
            raise DesignError(f"{name}: a folding (-pe<...>-simd<...>) names an engine's, and "
                              f"{config.name} is a {config.family} design")
        pe, simd = (tuple(map(int, value.split("x"))) for value in folding.groups())
        try:
            return config.replace(pe=pe, simd=simd)
        except (TypeError, ValueError) as error:
            raise DesignError(f"{name}: {error}") from None
    prefix = name.split("-", 1)[0]
    family = family_named(prefix)
    if family is None:
        prefixes = [prefix for family in FAMILIES.values() for prefix in family.name_forms]
        raise DesignError(f"Design must be a name starting with one of {', '.join(prefixes)} "
                          f"(see 'axbnn presets') or a .toml file, not {name!r}")
    config = family.config.from_name(name)
    if config is None:
        raise DesignError(f"Design name must look like {family.form_of(prefix)}, "
                          f"not {name!r}")
    return config


def config_class(family, keys, *, source="design"):
    """The configuration class of ``family``; a :class:`DesignError` naming ``source`` for an
    unknown family or a key among ``keys`` that is none of its fields."""
    if not isinstance(family, str) or family not in FAMILIES:
        raise DesignError(f"{source}: family must be one of {', '.join(FAMILIES)}, "
                          f"not {family!r}")
    cls = FAMILIES[family].config
    fields = [field.name for field in dataclasses.fields(cls)]
    unknown = sorted(set(keys) - set(fields))
    if unknown:
        raise DesignError(f"{source}: {family} keys must be among {', '.join(fields)}, "
                          f"not {', '.join(map(repr, unknown))}")
    return cls


def design_from_dict(data, *, source="design"):
    """A configuration from a mapping such as a parsed TOML file."""
    data = dict(data)
    family = data.pop("family", None)
    cls = config_class(family, data, source=source)
    try:
        return cls(**data)
    except (TypeError, ValueError) as error:
        raise DesignError(f"{source}: {error}") from None


def load_design(path):
    """A configuration from a TOML file (schema in this module's docstring)."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except OSError as error:
        raise DesignError(f"Design file {str(path)!r} cannot be read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise DesignError(f"Design file {str(path)!r} is not valid TOML: {error}") from None
    weights = data.get("weights")
    if isinstance(weights, str) and weights.endswith(".npz"):  # not a shipped model's name
        data["weights"] = str(path.parent / weights)
    return design_from_dict(data, source=str(path))


def parse_design(text):
    """A configuration from a design name or the path of a ``.toml`` file.

    Raises :class:`DesignError` (a ``ValueError``) naming the parameter and its allowed range.
    """
    if not isinstance(text, str):
        raise TypeError(f"Design must be a name or a path, not {text!r}")
    if text.endswith(".toml"):
        return load_design(text)
    try:
        return _from_name(text)
    except DesignError:
        raise
    except (ValueError, TypeError) as error:
        raise DesignError(f"{text}: {error}") from None


def with_options(config, **options):
    """``config`` with the engine options that are not ``None`` (``weights``, ``pe``, ``simd``,
    ``popcount``) applied and validated again; a :class:`DesignError` naming the first wrong one,
    or if the design's family takes no engine options."""
    from .families import require

    changes = {name: value for name, value in options.items() if value is not None}
    if not changes:
        return config
    require(config, "engine options")
    fields = {field.name for field in dataclasses.fields(config)}
    for name in changes:
        if name not in fields:
            raise DesignError(f"{config.name} takes no {name} option; its family's are "
                              f"{', '.join(sorted(fields & set(options)))}")
    try:
        return config.replace(**changes)
    except (TypeError, ValueError) as error:
        raise DesignError(str(error)) from None
