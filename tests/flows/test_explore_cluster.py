"""axbnn explore on a real Dask cluster: a scheduler and two worker processes on 127.0.0.1.

The results through the cluster equal a run in one process; a worker killed mid-run loses no
point; an explorer killed mid-run leaves a cache from which the next run computes only what
was missing. The space is ASIC syntheses of small units, about a second each.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from axbnn.flows.cache import ResultCache
from axbnn.flows.explore import _jobs_of, explore, load_space
from axbnn.flows.explore_benchmark import comparable

pytestmark = [pytest.mark.slow, pytest.mark.tool("yosys")]

SPACE = """
targets = ["asic"]
designs = ["fa-maj_not", "fa-inxa2", "fa-axa3"]
[[sweep]]
family = "popcount"
width = 8
fa = ["maj_not", "inxa2", "axa3"]
approx_columns = [1]
"""
POINTS = 6
_DEADLINE = 120  # seconds any one wait may take before the test fails


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(arguments, log):
    return subprocess.Popen([sys.executable, "-m", "dask", *arguments], stdout=log,
                            stderr=subprocess.STDOUT)


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 1  # a worker may be inside a tool: then it is killed
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.01))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def cluster(tmp_path):
    """``(address, workers)`` of a scheduler and two single-threaded workers without nannies
    (a killed worker stays dead), all stopped at the end."""
    from dask.distributed import Client

    address = f"tcp://127.0.0.1:{_free_port()}"
    log = open(tmp_path / "dask.log", "w")
    processes = [_start(["scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":")[-1],
                         "--no-dashboard"], log)]
    try:
        workers = [_start(["worker", address, "--nthreads", "1", "--no-nanny",
                           "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{index}"], log)
                   for index in range(2)]
        processes += workers
        with Client(address, timeout=f"{_DEADLINE}s") as client:
            client.wait_for_workers(2, timeout=_DEADLINE)
        yield address, workers
    finally:
        _stop(processes)
        log.close()


@pytest.fixture(scope="module")
def space(tmp_path_factory):
    path = tmp_path_factory.mktemp("space") / "space.toml"
    path.write_text(SPACE)
    return path


@pytest.fixture(scope="module")
def serial(space, tmp_path_factory):
    """The records of a run in this process, one job after another."""
    directory = tmp_path_factory.mktemp("serial")
    return explore(space, directory / "out", workers=1, cache_dir=directory / "cache",
                   progress=_Silent())


class _Silent:
    def point(self, record):
        pass


def test_cluster_run_equals_serial_run(cluster, space, serial, tmp_path):
    address, _ = cluster
    records = explore(space, tmp_path / "out", scheduler=address, cache_dir=tmp_path / "cache",
                      progress=_Silent())
    assert len(records) == POINTS and not any(record["error"] for record in records)
    assert comparable(records) == comparable(serial)
    assert (tmp_path / "out" / "asic" / "front.json").is_file()


class _KillOnFirstPoint:
    """Kills ``process`` when the first point completes, while the other jobs run."""

    def __init__(self, process):
        self.process, self.after_kill = process, 0

    def point(self, record):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
        else:
            self.after_kill += 1


def test_killed_worker_loses_no_point(cluster, space, serial, tmp_path):
    address, workers = cluster
    killer = _KillOnFirstPoint(workers[0])
    records = explore(space, tmp_path / "out", scheduler=address, cache_dir=tmp_path / "cache",
                      progress=killer)
    assert workers[0].returncode == -signal.SIGKILL and killer.after_kill == POINTS - 1
    assert comparable(records) == comparable(serial)


def test_killed_explorer_leaves_only_missing_points(cluster, space, serial, tmp_path):
    address, _ = cluster
    out, cache_dir = tmp_path / "out", tmp_path / "cache"
    explorer = subprocess.Popen(
        [sys.executable, "-m", "axbnn", "explore", str(space), "-o", str(out), "--cache",
         str(cache_dir), "--scheduler", address], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    results = out / "results.jsonl"
    deadline = time.monotonic() + _DEADLINE
    while not (results.is_file() and len(results.read_text().splitlines()) >= 2):
        assert explorer.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(explorer.pid, signal.SIGKILL)
    explorer.wait()
    finished = {json.loads(line)["design"] for line in results.read_text().splitlines()}

    cache = ResultCache(cache_dir)
    _, points = load_space(space)
    missing = {point.label for point in points
               if any(cache.load(job.key) is None
                      for job in _jobs_of(cache, point.config, ["asic"], False)["asic"])}
    assert missing and not missing & finished
    entries = len(list(Path(cache_dir).glob("*/*.json")))

    records = explore(space, out, scheduler=address, cache_dir=cache_dir, progress=_Silent())
    assert {record["design"] for record in records if not record["cached"]} == missing
    assert comparable(records) == comparable(serial)
    jobs = {job.key for point in points
            for job in _jobs_of(cache, point.config, ["asic"], False)["asic"]}
    # Whole entries only: a write the kill cut short is at most a hidden .partial file.
    stored = list(Path(cache_dir).glob("*/*.json"))
    assert len(stored) == len(jobs) > entries
    assert all(cache.load(path.stem) is not None for path in stored)
