"""Design names and TOML files to validated configurations, and the built-in presets.

Names::

    fa-<variant>                                     fa-maj_not
    popcount-<N>-<fa>[-c<k>|-l<L>][-<tree>][-p<k>]   popcount-256-maj_not-c3, popcount-256-exact-p2
    xnorpop-<N>-<fa>[-c<k>|-l<L>][-<tree>][-p<k>]    xnorpop-64-exact
    mul8-<four digits 0-3>, smul8-<digits>           mul8-3330, smul8-2220
    add-<bits>-ripple, add-<bits>-<kind>-<k>         add-16-loa-4, add-16-maj_not-4
    bnn-digits[-<plan>[+<plan>...]]                  bnn-digits, bnn-digits-maj_not-c3

``<tree>`` is ``chain``, ``wallace`` or ``dadda``; ``-p<k>`` registers every k tree levels.
A BNN engine's ``<plan>`` is a popcount name after its width (``maj_not-c3``), for every layer
or one per layer joined by ``+``; ``digits`` is the shipped model.

A TOML file holds one configuration as top-level keys: ``family`` (``fa``, ``popcount``,
``mul8``, ``add``, ``bnn``) and that family's fields, for example::

    family = "popcount"
    width = 256
    fa = "maj_not"
    approx_columns = 3

This module imports no Amaranth.
"""

import dataclasses
import re
import tomllib
from pathlib import Path

from .bnn_config import BNNConfig
from .errors import DesignError
from .config import (POPCOUNT_PLAN, AdderConfig, FullAdderConfig, MultiplierConfig,
                     PopcountConfig)

__all__ = ["DesignError", "parse_design", "design_from_dict", "load_design", "PRESETS"]

FAMILIES = {"fa": FullAdderConfig, "popcount": PopcountConfig, "mul8": MultiplierConfig,
            "add": AdderConfig, "bnn": BNNConfig}

PRESETS = (
    "fa-exact", "fa-maj_not", "fa-maj_only", "fa-inxa2", "fa-axa3",
    "popcount-16-exact", "popcount-64-exact", "popcount-256-exact", "popcount-1024-exact",
    "popcount-256-exact-p2",
    "popcount-64-maj_not", "popcount-256-maj_not", "popcount-1024-maj_not",
    "popcount-256-maj_not-c3",
    "popcount-256-maj_not-l2", "popcount-256-axa3-c4", "popcount-256-inxa2-l1",
    "mul8-0000", "mul8-1110", "mul8-2220", "mul8-3330", "mul8-3300", "mul8-2200",
    "mul8-1111", "mul8-2222", "mul8-3333",
    "smul8-0000", "smul8-3330", "smul8-2220",
    "add-16-ripple", "add-16-loa-4", "add-16-maj_not-4", "add-16-axa3-4",
    "bnn-digits", "bnn-digits-maj_not-l1", "bnn-digits-maj_not-c2",
)


_POPCOUNT = re.compile(rf"^(popcount|xnorpop)-(\d+)-({POPCOUNT_PLAN})$")
_MULTIPLIER = re.compile(r"^(s?mul8)-(\w+)$")
_ADDER = re.compile(r"^add-(\d+)-([a-z0-9_]+)(?:-(\d+))?$")
_FULL_ADDER = re.compile(r"^fa-([a-z_0-9]+)$")
_BNN = re.compile(r"^bnn-(digits)(?:-([a-z0-9_+-]+))?$")
_FORMS = {
    "fa": "fa-<variant>",
    "popcount": "popcount-<N>-<fa>[-c<k>|-l<L>][-<tree>][-p<k>]",
    "xnorpop": "xnorpop-<N>-<fa>[-c<k>|-l<L>][-<tree>][-p<k>]",
    "mul8": "mul8-<four digits 0-3>",
    "smul8": "smul8-<four digits 0-3>",
    "add": "add-<bits>-ripple or add-<bits>-<kind>-<k>",
    "bnn": "bnn-digits[-<plan>[+<plan>...]]",
}


def _from_name(name):
    family = name.split("-", 1)[0]
    if family not in _FORMS:
        raise DesignError(f"Design must be a name starting with one of {', '.join(_FORMS)} "
                          f"(see 'axbnn presets') or a .toml file, not {name!r}")
    if match := _FULL_ADDER.match(name):
        return FullAdderConfig(match[1])
    if match := _POPCOUNT.match(name):
        return PopcountConfig.from_plan(int(match[2]), match[3], xnor=match[1] == "xnorpop")
    if match := _MULTIPLIER.match(name):
        return MultiplierConfig(match[2], signed=match[1] == "smul8")
    if match := _ADDER.match(name):
        return AdderConfig(int(match[1]), match[2], int(match[3] or 0))
    if match := _BNN.match(name):
        plans = tuple((match[2] or "exact").split("+"))
        return BNNConfig(match[1], popcount=plans if len(plans) > 1 else plans[0])
    raise DesignError(f"Design name must look like {_FORMS[family]}, not {name!r}")


def design_from_dict(data, *, source="design"):
    """A configuration from a mapping such as a parsed TOML file."""
    data = dict(data)
    family = data.pop("family", None)
    if family not in FAMILIES:
        raise DesignError(f"{source}: family must be one of {', '.join(FAMILIES)}, "
                          f"not {family!r}")
    cls = FAMILIES[family]
    fields = [field.name for field in dataclasses.fields(cls)]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise DesignError(f"{source}: {family} keys must be among {', '.join(fields)}, "
                          f"not {', '.join(map(repr, unknown))}")
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
