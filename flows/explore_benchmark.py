"""Figures of ``axbnn explore``: parallel speed-up, cached reruns, the explorer's own cost.

    python -m axbnn.flows.explore_benchmark -o DIR [--workers N] [--part sixteen|hundred]

1. Sixteen iCE40 syntheses one after another in this process and on a local Dask cluster of
   ``--workers`` processes (default 2), each from an empty cache; the two runs' records must be
   identical (tool times aside).
2. A 100-point ASIC space explored on the local cluster, then explored again by a new
   ``axbnn explore`` process with every result cached (the wall time a user waits), into the
   same directory (fronts unchanged, not drawn again) and into a new one.
3. The explorer's bookkeeping per point (cache keys, entries, ``results.jsonl``) with jobs that
   return at once: the rate one explorer can absorb results from a large cluster.

Writes ``explore_benchmark.json`` and ``explore_benchmark.md``.
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from ..hwgen.files import check_output_dir, write_atomically
from . import explore as explore_module
from .explore import explore

SIXTEEN = """targets = ["ice40-up5k"]
[[sweep]]
family = "popcount"
width = [16, 24, 32, 48]
fa = ["maj_not", "inxa2"]
approx_columns = [1, 2]
"""
HUNDRED = """targets = ["asic"]
[[sweep]]
family = "popcount"
width = [16, 20, 24, 28, 32]
fa = ["maj_not", "inxa2", "axa3", "maj_only"]
approx_columns = [1, 2, 3, 4, 5]
"""


class _Silent:
    def point(self, record):
        pass


def comparable(records):
    """Records without what differs between two runs of one space: tool times, and whether a
    result came from the cache."""
    kept = [{**record, "cached": None, "synth": {key: value for key, value in
                                                 (record.get("synth") or {}).items()
                                                 if key != "seconds"}}
            for record in records]
    return sorted(kept, key=lambda record: (record["design"], record["target"]))


def _timed(function, *args, **options):
    started = time.perf_counter()
    result = function(*args, **options)
    return result, round(time.perf_counter() - started, 2)


def _space(out_dir, name, text):
    path = out_dir / f"{name}.toml"
    write_atomically(path, text)
    return path


def _bookkeeping(space, out_dir):
    """Seconds per point of the explorer alone: every job returns a constant at once, and the
    fronts, drawn once at the end, are left out."""
    jobs = dict(explore_module._JOBS)
    write_fronts = explore_module.write_fronts
    explore_module.write_fronts = lambda records, targets, out_dir: None
    try:
        for kind in jobs:
            explore_module._JOBS[kind] = lambda config, target: {"lc": 1, "area_nand2": 1,
                                                                 "mred": 0.0, "accuracy": 1.0}
        records, seconds = _timed(explore, space, out_dir / "bookkeeping", workers=1,
                                  cache_dir=out_dir / "cache-bookkeeping", progress=_Silent())
    finally:
        explore_module._JOBS.update(jobs)
        explore_module.write_fronts = write_fronts
    return round(seconds / len(records), 4)


def run(out_dir, workers=2, parts=("sixteen", "hundred")):
    out_dir = Path(out_dir)
    check_output_dir(out_dir)
    sixteen = _space(out_dir, "sixteen", SIXTEEN)
    hundred = _space(out_dir, "hundred", HUNDRED)
    figures = {}

    def show(key):
        print(f"{key:28s} {figures[key]}", flush=True)

    if "sixteen" in parts:
        _sixteen(sixteen, out_dir, workers, figures, show)
    if "hundred" in parts:
        _hundred(hundred, out_dir, workers, figures, show)
    write_atomically(out_dir / "explore_benchmark.json", json.dumps(figures, indent=2) + "\n")
    write_atomically(out_dir / "explore_benchmark.md", "| figure | value |\n|---|---|\n" + "".join(
        f"| {key} | {value} |\n" for key, value in figures.items()))
    return figures


def _sixteen(sixteen, out_dir, workers, figures, show):
    serial, figures["sixteen_serial_s"] = _timed(
        explore, sixteen, out_dir / "serial", workers=1, cache_dir=out_dir / "cache-serial",
        progress=_Silent())
    parallel, figures["sixteen_parallel_s"] = _timed(
        explore, sixteen, out_dir / "parallel", workers=workers,
        cache_dir=out_dir / "cache-parallel", progress=_Silent())
    figures["workers"] = workers
    figures["speedup"] = round(figures["sixteen_serial_s"] / figures["sixteen_parallel_s"], 2)
    figures["parallel_equals_serial"] = comparable(parallel) == comparable(serial)
    figures["ice40_unit_synth_s"] = round(sum(
        sum(record["synth"]["seconds"].values()) for record in serial if not record["error"])
        / len(serial), 2)
    for key in ("sixteen_serial_s", "sixteen_parallel_s", "speedup", "parallel_equals_serial",
                "ice40_unit_synth_s"):
        show(key)


def _hundred(hundred, out_dir, workers, figures, show):
    filled, figures["hundred_fill_s"] = _timed(
        explore, hundred, out_dir / "hundred", workers=workers,
        cache_dir=out_dir / "cache-hundred", progress=_Silent())
    figures["hundred_points"] = len(filled)
    figures["hundred_failed"] = sum(record["error"] is not None for record in filled)
    figures["asic_unit_synth_s"] = round(sum(
        record["synth"]["seconds"]["yosys"] for record in filled if not record["error"])
        / len(filled), 2)
    for key, directory in (("hundred_cached_rerun_s", "hundred"),
                           ("hundred_cached_new_dir_s", "hundred-again")):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "axbnn", "explore", str(hundred), "-o",
                        str(out_dir / directory), "--cache", str(out_dir / "cache-hundred")],
                       check=True, capture_output=True)
        figures[key] = round(time.perf_counter() - started, 2)
    again = [json.loads(line) for line in
             (out_dir / "hundred-again" / "results.jsonl").read_text().splitlines()]
    figures["hundred_rerun_all_cached"] = all(record["cached"] for record in again)
    figures["explorer_s_per_point"] = _bookkeeping(hundred, out_dir)
    for key in ("hundred_fill_s", "hundred_failed", "asic_unit_synth_s",
                "hundred_cached_rerun_s", "hundred_cached_new_dir_s", "hundred_rerun_all_cached",
                "explorer_s_per_point"):
        show(key)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m axbnn.flows.explore_benchmark")
    parser.add_argument("-o", "--output", required=True, metavar="DIR")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--part", action="append", choices=("sixteen", "hundred"),
                        help="repeatable (default both)")
    args = parser.parse_args(argv)
    run(args.output, args.workers, args.part or ("sixteen", "hundred"))


if __name__ == "__main__":
    main()
