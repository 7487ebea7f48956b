"""Ensemble configurations: names, members on the seed models, widths, refused members."""

import pytest

from axbnn.hwgen.designs import design_from_dict, parse_design
from axbnn.hwgen.ensemble_config import EnsembleConfig
from axbnn.hwgen.errors import DesignError


@pytest.mark.parametrize("name", ["ens3-bwnn-digits", "ens5-bwnn-digits-loa-2-sum",
                                  "ens3-bnn-digits-small", "ens2-bnn-digits-small-sum"])
def test_names_and_dictionaries_round_trip(name):
    config = parse_design(name)
    assert isinstance(config, EnsembleConfig) and config.name == name
    assert design_from_dict(config.to_dict()) == config


def test_members_run_the_seed_models_in_order():
    config = parse_design("ens3-bwnn-digits-loa-2")
    assert [member.name for member in config.members] == [
        "bwnn-digits-loa-2", "bwnn-digits_s1-loa-2", "bwnn-digits_s2-loa-2"]
    assert len({member.model.sha256 for member in config.members}) == 3
    assert parse_design("ens3-bwnn-digits-loa-2-vote") == config
    assert config.exact() == parse_design("ens3-bwnn-digits")
    assert config.exact().with_plan("loa-2") == config


def test_widths_and_pace():
    vote, total = parse_design("ens5-bwnn-digits"), parse_design("ens5-bwnn-digits-sum")
    assert vote.score_width == 3 + 5  # up to 5 votes above 5 voter bits
    assert total.score_width == vote.members[0].score_width + 3  # 5 sums need 3 more bits
    assert vote.cycles_per_image == vote.members[0].cycles_per_image == 256


def test_folding_applies_to_every_member():
    config = EnsembleConfig("bnn-digits-small", k=3, pe=(2, 2, 1), simd=16)
    assert {member.pe for member in config.members} == {(2, 2, 1)}
    assert config.name == "ens3-bnn-digits-small-pe2x2x1-simd16x16x16"
    assert config.cycles_per_image == 64 * 8


def test_given_weights_name_every_member():
    config = EnsembleConfig("bwnn-digits", k=2, weights="bwnn-digits_s3,bwnn-digits_s1")
    assert config.name == "ens2-bwnn-digits_s3+bwnn-digits_s1"


@pytest.mark.parametrize("name, message", [
    ("ens1-bwnn-digits", r"^ens1-bwnn-digits: Ensemble size k must be an integer from 2 to 16, "
                         r"not 1$"),
    ("ens0", r"^Design name must look like ens<k>-<member design>\[-vote\|-sum\], not 'ens0'$"),
    ("ens3-cnn-digits", r"^ens3-cnn-digits: Design must be a name starting with one of .*, "
                        r"not 'cnn-digits'$"),
    ("ens3-mul8-3330", r"^ens3-mul8-3330: mul8-3330: ensemble members must be single engines "
                       r"\(bnn-\.\.\., bwnn-\.\.\.\)$"),
    ("ens2-ens2-bwnn-digits", r"^ens2-ens2-bwnn-digits: ens2-bwnn-digits: ensemble members "
                              r"must be single engines"),
    ("ens6-bwnn-digits", r"^ens6-bwnn-digits: Ensemble weights: bwnn-digits ships 5 seed "
                         r"model\(s\), fewer than k = 6; give k weights$"),
])
def test_bad_names(name, message):
    with pytest.raises(DesignError, match=message):
        parse_design(name)


@pytest.mark.parametrize("fields, message", [
    ({"combine": "mean"}, r"^Ensemble combine must be one of vote, sum, not 'mean'$"),
    ({"weights": ("digits-small", "digits")},
     r"^Ensemble members must read one input code and answer the same classes, and member 1 "
     r"\(bnn-digits\) does not read member 0's \(bnn-digits-small\)$"),
    ({"weights": ("digits-small",)}, r"^Ensemble weights must be k = 2 models, one per member"),
    ({"weights": ("digits-small", "bwnn-digits")}, r"^Ensemble member 1: BNN weights: "),
])
def test_bad_configurations(fields, message):
    with pytest.raises(ValueError, match=message):
        EnsembleConfig("bnn-digits-small", k=2, **fields)
