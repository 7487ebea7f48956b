"""Design names, presets and TOML files."""

import shutil

import pytest

from axbnn.hwgen.designs import PRESETS, DesignError, parse_design
from axbnn.hwgen.models import SHIPPED_MODELS


@pytest.mark.parametrize("name", PRESETS)
def test_preset_names_are_canonical(name):
    assert parse_design(name).name == name


def test_names_map_to_parameters():
    config = parse_design("popcount-256-maj_not-c3")
    assert (config.width, config.fa, config.approx_columns) == (256, "maj_not", 3)
    assert parse_design("popcount-9-axa3-l2-dadda").tree == "dadda"
    # The default tree follows the adders: carry chains when exact, Wallace when approximate.
    assert parse_design("popcount-9-exact").tree == "chain"
    assert parse_design("popcount-9-maj_not").tree == "wallace"
    assert parse_design("popcount-9-exact-wallace").name == "popcount-9-exact-wallace"
    assert parse_design("popcount-9-maj_not").exact().name == "popcount-9-exact"
    assert parse_design("xnorpop-64-exact").xnor
    assert parse_design("popcount-64-sat4-p2").counter == "sat4"
    assert parse_design("popcount-64-maj4").exact().name == "popcount-64-exact"
    assert parse_design("smul8-3330").signed
    assert parse_design("add-16-loa-4").approx_bits == 4


@pytest.mark.parametrize("name, message", [
    ("mult8-3330", r"^Design must be a name starting with one of fa, popcount, xnorpop, mul8, "
                   r"smul8, umul8, smmul8, add, bnn, bwnn, pow2, fixed, q8, ens \(see 'axbnn "
                   r"presets'\) or a \.toml file, not 'mult8-3330'$"),
    ("popcount-64", r"^Design name must look like "
                    r"popcount-<N>-<fa>\[-c<k>\|-l<L>\]\[-<tree>\]\[-p<k>\] or "
                    r"<counter>\[-p<k>\], not 'popcount-64'$"),
    ("popcount-64-maj4-c2", r"^popcount-64-maj4-c2: Popcount counter takes no approx_columns "
                            r"or approx_levels$"),
    ("popcount-64-sat4-dadda", r"^popcount-64-sat4-dadda: Popcount counter must go with exact "
                               r"full adders on the chain tree, not 'exact' on 'dadda'$"),
    ("popcount-64-maj_not-c9", r"^popcount-64-maj_not-c9: Popcount approx_columns must be an "
                               r"integer from 1 to 7, not 9$"),
    ("mul8-3334", r"^mul8-3334: Multiplier blocks must be four digits from 0 to 3"),
    ("umul8-or3308", r"^umul8-or3308: Multiplier merge must be 4 digits from 0 to 7"),
    ("umul8-cin", r"^umul8-cin: Multiplier carry needs merged columns"),
    ("umul8-t5-orc4", r"^umul8-t5-orc4: Multiplier or_columns must be above truncate \(5\), "
                      r"not 4$"),
    ("umul8-dadda-t3", r"^umul8-dadda-t3: Multiplier plan must look like exact or \[t<T>\]"),
    ("umul8-t15", r"^umul8-t15: Multiplier truncate must be an integer from 0 to 14, not 15$"),
    ("umul8-add3", r"^umul8-add3: Multiplier full-adder variant must be one of"),
    ("add-8-loa-9", r"^add-8-loa-9: Adder approx_bits must be an integer from 1 to 8, not 9$"),
    ("popcount-16-exact-pe2-simd2", r"^popcount-16-exact-pe2-simd2: a folding "
                                    r"\(-pe<...>-simd<...>\) names an engine's, and "
                                    r"popcount-16-exact is a popcount design$"),
    ("bwnn-digits-pe3x2-simd1x1", r"^bwnn-digits-pe3x2-simd1x1: MAC PE of layer 1 must divide "
                                  r"its 64 neurons, not 3$"),
])
def test_bad_names(name, message):
    with pytest.raises(DesignError, match=message):
        parse_design(name)


@pytest.mark.parametrize("design, pe, simd", [
    ("bnn-digits-small", (2, 2, 1), (16, 16, 16)),
    ("bwnn-digits-loa-4", (4, 2), (1, 1)),
    ("ens3-bnn-digits-small", (2, 2, 1), (16, 16, 16)),
    ("ens3-bnn-digits-small-sum", (2, 2, 1), (16, 16, 16)),  # -sum after the folding
])
def test_a_folded_engines_name_reads_back(design, pe, simd):
    folded = parse_design(design).replace(pe=pe, simd=simd)
    assert folded.name != design and parse_design(folded.name) == folded


def test_toml(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('family = "popcount"\nwidth = 100\nfa = "inxa2"\napprox_levels = 2\n')
    assert parse_design(str(path)) == parse_design("popcount-100-inxa2-l2")


def test_toml_weights_are_found_beside_the_toml_file(tmp_path, monkeypatch):
    (tmp_path / "design").mkdir()
    shutil.copy(SHIPPED_MODELS["digits-small"], tmp_path / "design" / "mine.npz")
    path = tmp_path / "design" / "engine.toml"
    path.write_text('family = "bnn"\nweights = "mine.npz"\n')
    monkeypatch.chdir(tmp_path)  # not the TOML file's directory
    config = parse_design("design/engine.toml")
    assert config.model.layers == parse_design("bnn-digits-small").model.layers
    path.write_text('family = "bnn"\nweights = "digits-small"\n')  # a name is not a path
    assert parse_design(str(path)).name == "bnn-digits-small"


@pytest.mark.parametrize("text, message", [
    ('family = "mul"\n', r"family must be one of fa, popcount, mul8, umul8, external, add, bnn, "
                        r"mac, ensemble, not 'mul'$"),
    ('family = "add"\nwidth = 8\nbits = 3\n', r"add keys must be among width, kind, "
                                              r"approx_bits, not 'bits'$"),
    ('family = "add"\nwidth = "8"\n', r"Adder width must be an integer, not '8'$"),
    ('family = "add"\nwidth = 8\nkind = "loa"\napprox_bits = 99\n',
     r"Adder approx_bits must be an integer from 1 to 8, not 99$"),
    ("family = \n", r"is not valid TOML"),
])
def test_bad_toml(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(DesignError, match=message):
        parse_design(str(path))


def test_missing_toml(tmp_path):
    with pytest.raises(DesignError, match=r"cannot be read: No such file or directory$"):
        parse_design(str(tmp_path / "absent.toml"))
