"""The result cache: keys that change with everything that decides a result, entries that a
killed writer or a damaged file never turn into a wrong answer."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from axbnn.flows import cache as cache_module
from axbnn.flows.cache import ResultCache, default_cache_dir
from axbnn.hwgen.designs import parse_design
from axbnn.hwgen.errors import InputError


def _counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value

    return compute, calls


def test_fetch_computes_once_then_reads(tmp_path):
    cache = ResultCache(tmp_path)
    compute, calls = _counting({"lc": 12})
    config = parse_design("fa-maj_not")
    assert cache.fetch("synth", config, compute, target="asic") == ({"lc": 12}, False)
    assert ResultCache(tmp_path).fetch("synth", config, compute, target="asic") == (
        {"lc": 12}, True)
    assert len(calls) == 1
    (entry,) = tmp_path.glob("*/*.json")
    assert json.loads(entry.read_text())["design"] == "fa-maj_not"


def test_key_follows_what_decides_the_result(tmp_path):
    cache = ResultCache(tmp_path)
    config = parse_design("popcount-16-maj_not")
    key = cache.key("synth", config, target="asic", behavioural=False)
    assert key == cache.key("synth", parse_design("popcount-16-maj_not"), target="asic",
                            behavioural=False)
    others = {cache.key("synth", config, target="ice40-up5k", behavioural=False),
              cache.key("synth", config, target="asic", behavioural=True),
              cache.key("synth", parse_design("popcount-16-maj_not-c2"), target="asic",
                        behavioural=False),
              cache.key("errors", config)}
    assert key not in others and len(others) == 4


def test_a_network_file_counts_by_name_and_content_not_directory(tmp_path):
    from dataclasses import replace

    from axbnn.hwgen.mac_config import MACConfig

    cache, model = ResultCache(tmp_path / "cache"), MACConfig().model
    first, second, changed = (tmp_path / where / "tuned.npz" for where in "abc")
    model.save(first)
    model.save(second)
    replace(model, biases=(model.biases[0] + 1, *model.biases[1:])).save(changed)
    key = cache.key("synth", MACConfig(str(first)), target="asic")
    assert cache.key("synth", MACConfig(str(second)), target="asic") == key
    assert cache.key("synth", MACConfig(str(changed)), target="asic") != key


def test_an_ensembles_networks_count_by_name_and_content(tmp_path):
    import shutil

    from axbnn.hwgen.models import SHIPPED_MODELS

    cache, names = ResultCache(tmp_path / "cache"), ("digits-small", "digits-small_s1")
    for where in "ab":
        (tmp_path / where).mkdir()
        for name in names:
            shutil.copy(SHIPPED_MODELS[name], tmp_path / where / f"{name}.npz")
    first, second = (parse_design("ens2-bnn-digits-small").replace(
        weights=tuple(str(tmp_path / where / f"{name}.npz") for name in names))
        for where in "ab")
    key = cache.key("synth", first, target="asic")
    assert cache.key("synth", second, target="asic") == key
    assert cache.key("synth", first.replace(weights=first.weights[::-1]), target="asic") != key


def test_tool_and_generator_versions_are_in_the_key(tmp_path, monkeypatch):
    cache = ResultCache(tmp_path)
    config = parse_design("fa-exact")
    key = cache.key("synth", config, target="asic")
    fake = tmp_path / "yosys"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    monkeypatch.setenv("YOSYS", str(fake))
    assert cache.key("synth", config, target="asic") != key
    monkeypatch.delenv("YOSYS")
    # A changed generator source is a new generator version.
    monkeypatch.setattr(cache_module, "_source_hash", lambda sources: "changed")
    assert cache.key("synth", config, target="asic") != key


@pytest.mark.parametrize("damage", ["", "{\"key\": ", "[]", "{\"key\": \"other\", \"value\": 1}",
                                    "\xff"])
def test_damaged_entry_is_computed_again(tmp_path, damage):
    cache = ResultCache(tmp_path)
    config = parse_design("fa-exact")
    cache.fetch("errors", config, lambda: {"mred": 0.0})
    (entry,) = tmp_path.glob("*/*.json")
    entry.write_bytes(damage.encode("latin-1"))
    compute, calls = _counting({"mred": 0.0})
    assert cache.fetch("errors", config, compute) == ({"mred": 0.0}, False)
    assert calls and cache.fetch("errors", config, compute)[1]


def test_unwritable_cache_is_bad_input(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(InputError, match=r"^Cache directory .*file/c.* cannot be created: .* "
                                         r"is not a directory$"):
        ResultCache(tmp_path / "file" / "c")


def test_default_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("AXBNN_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.delenv("AXBNN_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "axbnn" / "results"


_WRITER = """
import sys
from axbnn.flows.cache import ResultCache
from axbnn.hwgen.designs import parse_design
cache = ResultCache(sys.argv[1])
config = parse_design("popcount-16-exact")
print("ready", flush=True)
for index in range(10**6):
    cache.store(cache.key("synth", config, target=str(index)), {"blob": "x" * 200_000})
"""


def test_kill_9_while_writing_leaves_no_broken_entry(tmp_path):
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline() == "ready\n"
        time.sleep(0.5)
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    cache = ResultCache(tmp_path)
    entries = list(tmp_path.glob("*/*.json"))
    assert entries, "the writer stored nothing before it was killed"
    for entry in entries:
        assert cache.load(entry.stem) == {"blob": "x" * 200_000}


def test_stale_partial_files_are_removed(tmp_path):
    (tmp_path / "ab").mkdir()
    stale, fresh = (tmp_path / "ab" / f".ab{n}.json.x.partial" for n in (12, 34))
    stale.write_text("{")
    fresh.write_text("{")
    hour_ago = time.time() - cache_module.STALE_SECONDS - 1
    os.utime(stale, (hour_ago, hour_ago))
    ResultCache(tmp_path)
    assert not stale.exists() and fresh.exists()  # the fresh one may be a write in progress
