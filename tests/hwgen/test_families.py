"""The family registry: every family's presets, references and verb checks."""

import pytest

from axbnn.hwgen.designs import PRESETS, parse_design
from axbnn.hwgen.errors import DesignError
from axbnn.hwgen.families import FAMILIES, VERBS, family_named, family_of, load, require


@pytest.mark.parametrize("family", FAMILIES.values(), ids=lambda family: family.name)
def test_presets_belong_to_their_family(family):
    for name in family.presets:
        config = parse_design(name)
        assert family_of(config) is family
        assert config.name == name
        assert family_named(name.split("-", 1)[0]) is family


def test_presets_are_every_familys_in_registry_order():
    assert PRESETS == tuple(name for family in FAMILIES.values() for name in family.presets)
    assert len(set(PRESETS)) == len(PRESETS)


@pytest.mark.parametrize("family", FAMILIES.values(), ids=lambda family: family.name)
def test_references_resolve(family):
    """A misspelt registration fails here, not in the middle of a verb."""
    assert callable(load("hwgen", family.component))
    assert callable(load("sim", family.model))
    for layer, reference in (("hwgen", family.behavioural), ("sim", family.metrics)):
        if reference is not None:
            assert callable(load(layer, reference))
    assert family.interface in ("ports", "stream")
    assert family.verbs <= set(VERBS)


def test_unsupported_verb_is_one_line():
    with pytest.raises(DesignError, match=r"^bnn-digits: characterize measures arithmetic "
                                          r"units; for an engine use predict --check$"):
        require(parse_design("bnn-digits"), "characterize")
    assert require(parse_design("mul8-3330"), "characterize") is FAMILIES["mul8"]


def test_unregistered_configuration():
    with pytest.raises(TypeError, match=r"^Configuration must be one of a registered "
                                        r"family's, not 3$"):
        family_of(3)
