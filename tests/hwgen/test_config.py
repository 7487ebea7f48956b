"""Configuration validation: property tests over the parameter space, and the exact messages."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axbnn.hwgen.config import (ADDER_KINDS, MAX_ADDER_WIDTH, MAX_POPCOUNT_WIDTH, AdderConfig,
                          FullAdderConfig, MultiplierConfig, PopcountConfig)
from axbnn.hwgen.designs import design_from_dict, parse_design
from axbnn.hwgen.fa_variants import APPROXIMATE_FA_VARIANTS, FA_VARIANTS


@given(st.text(alphabet="0123456789", min_size=0, max_size=6), st.booleans())
def test_multiplier_blocks(blocks, signed):
    if len(blocks) == 4 and set(blocks) <= set("0123"):
        config = MultiplierConfig(blocks, signed=signed)
        assert parse_design(config.name) == config
    else:
        with pytest.raises(ValueError, match=r"^Multiplier blocks must be four digits from 0 "
                                             r"to 3 \(like '3330'\), not '\d*'$"):
            MultiplierConfig(blocks, signed=signed)


@given(st.integers(-10, MAX_POPCOUNT_WIDTH + 10), st.sampled_from(FA_VARIANTS))
def test_popcount_width(width, fa):
    if 1 <= width <= MAX_POPCOUNT_WIDTH:
        config = PopcountConfig(width, fa=fa)
        assert config.outputs["count"].width == width.bit_length()
        assert parse_design(config.name) == config
    else:
        with pytest.raises(ValueError, match=rf"^Popcount width must be an integer from 1 to "
                                             rf"{MAX_POPCOUNT_WIDTH}, not {width}$"):
            PopcountConfig(width, fa=fa)


@given(st.integers(1, 300), st.sampled_from(APPROXIMATE_FA_VARIANTS), st.integers(-2, 12),
       st.booleans(), st.booleans())
def test_popcount_approximation_scope(width, fa, k, by_columns, xnor):
    option = "approx_columns" if by_columns else "approx_levels"
    # A one-input popcount has no adders and no levels; approx_levels=1 is harmless there.
    limit = width.bit_length() if by_columns else max(PopcountConfig(width, fa=fa).plan.levels, 1)
    if 1 <= k <= limit:
        config = PopcountConfig(width, fa=fa, xnor=xnor, **{option: k})
        assert parse_design(config.name) == config
    else:
        with pytest.raises(ValueError, match=rf"^Popcount {option} must be an integer from 1 to "
                                             rf"{limit}, not {k}$"):
            PopcountConfig(width, fa=fa, xnor=xnor, **{option: k})


@given(st.integers(-1, MAX_ADDER_WIDTH + 2), st.sampled_from(ADDER_KINDS), st.integers(-1, 40))
def test_adder(width, kind, k):
    valid_width = 1 <= width <= MAX_ADDER_WIDTH
    valid_k = (k == 0) if kind == "ripple" else (1 <= k <= width)
    if valid_width and valid_k:
        config = AdderConfig(width, kind, k)
        assert parse_design(config.name) == config
        assert config.outputs["s"].width == width + 1
    else:
        with pytest.raises(ValueError, match=r"^Adder (width|approx_bits) must be "):
            AdderConfig(width, kind, k)


@given(st.sampled_from([FullAdderConfig("axa3"), PopcountConfig(40, "maj_not", approx_levels=2),
                        MultiplierConfig("1203", signed=True), AdderConfig(12, "loa", 5)]))
def test_round_trip_through_dict(config):
    assert design_from_dict(config.to_dict()) == config


def test_messages():
    with pytest.raises(ValueError, match=r"^Full-adder variant must be one of exact, maj_not, "
                                         r"maj_only, inxa2, axa3, not 'xor'$"):
        FullAdderConfig("xor")
    with pytest.raises(TypeError, match=r"^Popcount width must be an integer, not '8'$"):
        PopcountConfig("8")
    with pytest.raises(ValueError, match=r"^Popcount takes approx_columns or approx_levels, "
                                         r"not both$"):
        PopcountConfig(8, "maj_not", approx_columns=1, approx_levels=1)
    with pytest.raises(ValueError, match=r"^Popcount approx_columns and approx_levels need an "
                                         r"approximate full-adder variant, not 'exact'$"):
        PopcountConfig(8, approx_columns=1)
    with pytest.raises(ValueError, match=r"^Popcount tree must be one of chain, dadda, wallace, "
                                         r"not 'ripple'$"):
        PopcountConfig(8, tree="ripple")
    with pytest.raises(ValueError, match=r"^Popcount counter must be one of maj4, sat4, "
                                         r"not 'maj5'$"):
        PopcountConfig(8, counter="maj5")
    with pytest.raises(ValueError, match=r"^Popcount counter must go with exact full adders on "
                                         r"the chain tree, not 'maj_not' on 'wallace'$"):
        PopcountConfig(8, "maj_not", counter="sat4")
    with pytest.raises(ValueError, match=r"^Adder approx_bits must be 0 for an exact ripple "
                                         r"adder, not 2$"):
        AdderConfig(8, "ripple", 2)


def test_replace_validates_again():
    with pytest.raises(ValueError, match=r"^Multiplier blocks must be"):
        MultiplierConfig("3330").replace(blocks="4")
