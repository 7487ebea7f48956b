"""Design-space exploration: every point of a space synthesised and scored, on Dask.

    axbnn explore SPACE.toml -o DIR [--scheduler ADDRESS] [--workers N] [--cache DIR] [--verify]

A space file names targets, designs, and sweeps whose keys are a family's TOML keys
(:mod:`hwgen.designs`), each a list of values; a sweep is the product of its lists (a value
that is itself a list, such as one plan per layer, is written inside a list)::

    targets = ["ice40-up5k", "asic"]
    designs = ["mul8-3330", "mul8-2220"]
    [[sweep]]
    family = "popcount"
    width = [64, 256]
    fa = ["maj_not", "inxa2"]
    approx_columns = [1, 2, 3]

A point is a design on a target. Its work is jobs, each a pure function of plain data: the
synthesis for that target (:func:`flows.synth.synthesize`), the score of the design, shared by
its targets (a unit's error figures from :func:`sim.characterize.characterize`, an engine's
bit-exact test accuracy), and with ``verify`` the cocotb proof (:func:`flows.verify.verify`).
Jobs already in the result cache (:mod:`flows.cache`) are read, not run; when none is left to
run no cluster is started. The others run on Dask: a local cluster of one single-threaded
worker process per core (one tool at a time each), or an existing cluster (``--scheduler``).
Dask reruns the jobs of a worker that dies; each result is stored in the cache as it arrives, so
a killed explorer loses only what was still running. A job that fails is recorded with its
one-line error and the others go on.

``DIR`` receives ``results.jsonl`` (a line per point as it completes) and, per target,
``<target>/front.json``, ``front.md`` and ``front.png``: cost against error (or accuracy) for
each group of designs that compute the same function, the Pareto front marked.
"""

import itertools
import json
import logging
import os
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import plots
from ..hwgen.designs import config_class, design_from_dict, parse_design
from ..hwgen.errors import AxbnnError, FlowError, InputError
from ..hwgen.families import family_of, require
from ..hwgen.files import check_output_dir, write_atomically
from .cache import ResultCache, versions
from .synth import TARGETS, cost_of

__all__ = ["explore", "load_space", "RESULTS", "Point"]

logger = logging.getLogger(__name__)

RESULTS = "results.jsonl"
_SPACE_KEYS = ("targets", "designs", "sweep")
#: How a design is scored, by its family's interface: the cache kind, the figure a front plots,
#: its label, and whether lower is better.
_SCORES = {"ports": ("errors", "mred", "MRED", True),
           "stream": ("accuracy", "accuracy", "test accuracy (bit-exact)", False)}


@dataclass(frozen=True)
class Point:
    """A design of the space: its configuration, or why it was rejected (then ``config`` is
    ``None`` and ``label`` names the sweep values)."""
    label: str
    config: object = None
    rejected: str = None


def _space_error(path, message):
    return InputError(f"Space file {str(path)!r}: {message}")


def _values(path, where, key, value):
    values = value if isinstance(value, list) else [value]
    if not values:
        raise _space_error(path, f"{where}: {key} must be a value or a non-empty list of "
                                 f"values, not []")
    return values


def _sweep_points(path, index, sweep):
    where = f"sweep {index}"
    if not isinstance(sweep, dict):
        raise _space_error(path, f"{where} must be a table, not {sweep!r}")
    sweep = dict(sweep)
    family = sweep.pop("family", None)
    config_class(family, sweep, source=f"Space file {str(path)!r}: {where}")
    keys = list(sweep)
    lists = [_values(path, where, key, sweep[key]) for key in keys]
    for combination in itertools.product(*lists):
        data = dict(zip(keys, combination))
        label = " ".join([family] + [f"{key}={json.dumps(value)}" for key, value in data.items()])
        try:
            config = design_from_dict({"family": family, **data}, source=label)
        except InputError as error:
            yield Point(label, rejected=str(error).removeprefix(f"{label}: "))
        else:
            yield Point(config.name, config)


def _named_point(path, name):
    if not isinstance(name, str):
        raise _space_error(path, f"designs must be names or .toml files, not {name!r}")
    if name.endswith(".toml") and not Path(name).is_absolute():
        name = str(Path(path).parent / name)
    try:
        return Point(name, parse_design(name))
    except InputError as error:
        return Point(name, rejected=str(error))


def load_space(path):
    """``(targets, points)`` of the space file at ``path``; an :class:`InputError` for what
    makes the whole space wrong (an unknown key, target or family, an empty list). A design a
    family rejects is a :class:`Point` with its reason: the others still run."""
    try:
        space = tomllib.loads(Path(path).read_text())
    except OSError as error:
        raise InputError(f"Space file {str(path)!r} cannot be read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"Space file {str(path)!r} is not valid TOML: {error}") from None
    unknown = sorted(set(space) - set(_SPACE_KEYS))
    if unknown:
        raise _space_error(path, f"keys must be among {', '.join(_SPACE_KEYS)}, "
                                 f"not {', '.join(map(repr, unknown))}")
    targets = space.get("targets", ["ice40-up5k"])
    if not isinstance(targets, list) or not targets:
        raise _space_error(path, f"targets must be a non-empty list, not {targets!r}")
    for target in targets:
        if target not in TARGETS:
            raise _space_error(path, f"targets must be among {', '.join(TARGETS)}, "
                                     f"not {target!r}")
    designs = space.get("designs", [])
    sweeps = space.get("sweep", [])
    if not isinstance(designs, list) or not isinstance(sweeps, list):
        raise _space_error(path, "designs must be a list and sweep an array of tables "
                                 "([[sweep]])")
    points = [_named_point(path, name) for name in designs]
    for index, sweep in enumerate(sweeps, 1):
        points += _sweep_points(path, index, sweep)
    if not points:
        raise _space_error(path, "designs and [[sweep]] give no design")
    unique = {}
    for point in points:
        if point.config is not None:
            try:
                require(point.config, "synth")
            except InputError as error:
                point = Point(point.label, rejected=str(error))
        unique.setdefault(point.label, point)
    return list(dict.fromkeys(targets)), list(unique.values())


# The jobs, run on workers: plain data in (the configuration as a dict), JSON data out.

def _synth(config, target):
    from .synth import synthesize

    return synthesize(config, target)


def _errors(config, target):
    from ..sim.characterize import characterize

    return characterize(config)


def _accuracy(config, target):
    from ..sim.bnn_data import load_dataset
    from ..sim.bnn_infer import accuracy

    dataset = load_dataset(config.model.metadata.get("dataset", "digits"))
    return {"accuracy": accuracy(config, config.model.binarize(dataset.x_test),
                                 dataset.y_test)}


def _verify(config, target):
    from .verify import verify

    result = verify(config)
    return {"verified": result.ok, "summary": result.summary()}


_JOBS = {"synth": _synth, "errors": _errors, "accuracy": _accuracy, "verify": _verify}


def run_job(kind, config_data, target):
    """``{"value": ...}`` of the job, or ``{"error": one line}``: a failure is a result, so a
    worker never retries it and the explorer records it."""
    try:
        value = _JOBS[kind](design_from_dict(config_data), target)
    except Exception as error:  # a job's failure must not stop the space
        text = str(error) if isinstance(error, AxbnnError) else \
            f"{type(error).__name__}: {error}"
        return {"error": (text.strip().splitlines() or [type(error).__name__])[0]}
    return {"value": json.loads(json.dumps(value, default=str))}


@dataclass(frozen=True)
class _Job:
    kind: str
    key: str
    config: object
    target: str = None


def _jobs_of(cache, config, targets, verify):
    """Per target, the jobs of the point ``(config, target)``."""
    kind = _SCORES[family_of(config).interface][0]
    shared = [_Job(kind, cache.key(kind, config), config)]
    if verify:
        shared.append(_Job("verify", cache.key("verify", config), config))
    return {target: [_Job("synth", cache.key("synth", config, target=target, behavioural=False),
                          config, target), *shared] for target in targets}


def _record(point, target, outcomes, cached):
    """The line of ``results.jsonl`` for ``point`` on ``target``."""
    record = {"design": point.label, "target": target}
    if point.config is None:
        return {**record, "error": point.rejected, "cached": False}
    config = point.config
    kind, figure, _, _ = _SCORES[family_of(config).interface]
    errors = [f"{job.kind}: {outcome['error']}" for job, outcome in outcomes
              if "error" in outcome]
    values = {job.kind: outcome.get("value") for job, outcome in outcomes}
    synth = values.get("synth") or {}
    key = cost_of(target)[0]
    record.update({
        "group": config.exact().name, "config": config.to_dict(),
        "cost_key": key, "cost": synth.get(key), "score_key": figure,
        "score": (values.get(kind) or {}).get(figure), "synth": synth, kind: values.get(kind),
    })
    if "verify" in values:
        record["verified"] = (values["verify"] or {}).get("verified")
        if record["verified"] is False:
            errors.append(f"verify: {values['verify']['summary']}")
    record.update({"error": "; ".join(errors) or None, "cached": cached,
                   "versions": {"synth": versions("synth"), kind: versions(kind)}})
    return record


class _Progress:
    """Points done, cached and failed, and the time left: a rich bar on a terminal, a line
    per point in a log."""

    def __init__(self, total, stream=None):
        self.total, self.stream = total, stream or sys.stderr
        self.done = self.cached = self.failed = 0
        self.started = time.perf_counter()
        self.computed = 0
        self._bar = None
        if self.stream.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeRemainingColumn)

            self._bar = Progress(TextColumn("explore"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[counts]}"), TimeRemainingColumn(),
                                 console=Console(file=self.stream), transient=False)
            self._task = self._bar.add_task("explore", total=total, counts="")
            self._bar.start()

    def _time_left(self):
        if not self.computed:
            return "?"
        seconds = (time.perf_counter() - self.started) / self.computed * (self.total - self.done)
        return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"

    def point(self, record):
        self.done += 1
        self.cached += record["cached"]
        self.failed += record["error"] is not None
        self.computed += not record["cached"] and record.get("config") is not None
        counts = f"{self.cached} cached, {self.failed} failed"
        if self._bar:
            self._bar.update(self._task, completed=self.done, counts=counts)
            return
        outcome = f"error: {record['error']}" if record["error"] else \
            f"{record['cost_key']} {record['cost']}, {record['score_key']} {record['score']}"
        print(f"[{self.done}/{self.total}] {record['design']} on {record['target']}: {outcome}"
              f"{' (cached)' if record['cached'] else ''}; {counts}, {self._time_left()} left",
              file=self.stream, flush=True)

    def close(self):
        if self._bar:
            self._bar.stop()


class _Serial:
    """Jobs one after another in this process: ``--workers 1``, with no cluster to start."""

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        return False

    def run(self, jobs):
        for job in jobs:
            yield job, run_job(job.kind, job.config.to_dict(), job.target)


def _check_reachable(address):
    """Fail at once, naming ``address``, when nothing listens at a ``tcp://`` scheduler
    address: Dask itself would retry for its whole connect timeout."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme != "tcp":
        return
    try:
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host or port is None:
        raise InputError(f"Scheduler must look like tcp://HOST:PORT, not {address!r}")
    try:
        socket.create_connection((host, port), timeout=10).close()
    except OSError as error:
        raise FlowError(f"Dask scheduler {address} cannot be reached: "
                        f"{error.strerror or error}") from None


class _Dask:
    """Jobs on a Dask cluster: an existing one at ``scheduler``, or a local one of ``workers``
    single-threaded processes. Connecting fails before anything is written."""

    def __init__(self, scheduler, workers):
        import logging

        from dask.distributed import Client, LocalCluster

        self._cluster = None
        if scheduler:
            _check_reachable(scheduler)
        try:
            if scheduler:
                self._client = Client(scheduler, timeout="10s")
            else:
                self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                             processes=True, dashboard_address=None,
                                             silence_logs=logging.ERROR)
                self._client = Client(self._cluster)
        except (OSError, TimeoutError) as error:
            if self._cluster is not None:
                self._cluster.close()
            where = f"Dask scheduler {scheduler}" if scheduler else "A local Dask cluster"
            reason = str(error).strip().splitlines()[0] if str(error).strip() else \
                type(error).__name__
            raise FlowError(f"{where} cannot be reached: {reason}") from None

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        return False

    def say_if_idle(self):
        """Tell why nothing moves on a cluster that has no workers (yet)."""
        if not self._client.scheduler_info()["workers"]:
            logger.info("The Dask scheduler has no workers yet: the points wait for one "
                        "('dask worker ADDRESS' starts one)")

    def run(self, jobs):
        from dask.distributed import as_completed

        self.say_if_idle()
        futures = {self._client.submit(run_job, job.kind, job.config.to_dict(), job.target,
                                       key=f"axbnn-{job.kind}-{job.key}", pure=True): job
                   for job in jobs}
        for future in as_completed(futures):
            try:
                outcome = future.result()
            except Exception as error:  # a job that killed its workers (KilledWorker), ...
                outcome = {"error": f"{type(error).__name__}: {error}".splitlines()[0]}
            yield futures[future], outcome
            future.release()


def _append(path, record):
    """Append one line in one write: a killed explorer leaves whole lines only (and the next
    run writes the file afresh)."""
    line = (json.dumps(record, default=str) + "\n").encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


def explore(space, out_dir, *, scheduler=None, workers=None, cache_dir=None, verify=False,
            progress=None):
    """Explore the space file ``space`` into ``out_dir``; return the records of
    ``results.jsonl``. ``workers`` local worker processes (default one per core; 1 runs the
    jobs in this process), or the Dask cluster at ``scheduler``."""
    targets, points = load_space(space)
    out_dir = Path(out_dir)
    check_output_dir(out_dir)
    cache = ResultCache(cache_dir)
    workers = workers or os.cpu_count() or 1

    plan = []  # (point, target, jobs)
    outcomes = {}  # cache key -> outcome, None while it runs
    for point in points:
        jobs = _jobs_of(cache, point.config, targets, verify) if point.config else {}
        for target in targets:
            plan.append((point, target, jobs.get(target, [])))
            for job in jobs.get(target, []):
                if job.key not in outcomes:
                    value = cache.load(job.key)
                    outcomes[job.key] = None if value is None else {"value": value}
    to_run = {job.key: job for _, _, jobs in plan for job in jobs if outcomes[job.key] is None}
    waiting = {}  # cache key -> indices of the points that wait for it
    for index, (_, _, jobs) in enumerate(plan):
        for key in {job.key for job in jobs if job.key in to_run}:
            waiting.setdefault(key, []).append(index)
    missing = [0] * len(plan)
    for indices in waiting.values():
        for index in indices:
            missing[index] += 1

    records = []
    results = out_dir / RESULTS

    def finish(index):
        point, target, jobs = plan[index]
        record = _record(point, target, [(job, outcomes[job.key]) for job in jobs],
                         cached=bool(jobs) and not any(job.key in to_run for job in jobs))
        records.append(record)
        _append(results, record)
        shown.point(record)

    executor = (_Serial() if workers == 1 and not scheduler else _Dask(scheduler, workers)) \
        if to_run else _Serial()
    shown = progress or _Progress(len(plan))
    try:
        with executor:
            write_atomically(results, "")
            for index, count in enumerate(missing):
                if not count:
                    finish(index)
            for job, outcome in executor.run(to_run.values()):
                if "value" in outcome:
                    cache.store(job.key, outcome["value"], kind=job.kind,
                                design=job.config.name, target=job.target)
                outcomes[job.key] = outcome
                for index in waiting.pop(job.key):
                    missing[index] -= 1
                    if not missing[index]:
                        finish(index)
    finally:
        if progress is None:
            shown.close()
    write_fronts(records, targets, out_dir)
    return records


def _group_front(rows, lower_is_better):
    from .report import pareto_front

    front = pareto_front([(row["score"] if lower_is_better else -row["score"], row["cost"],
                           row["design"]) for row in rows])
    return {name for _, _, name in front}


def write_fronts(records, targets, out_dir):
    """``<target>/front.json``, ``front.md`` and ``front.png`` of each target from the
    records; a target whose front files already say the same is left as it is (a rerun from the
    cache does not draw its plots again)."""
    for target in targets:
        rows = [record for record in records if record["target"] == target]
        scored = sorted((row for row in rows if row["error"] is None and row["cost"] is not None
                         and row["score"] is not None),
                        key=lambda row: (row["group"], row["cost"], row["design"]))
        groups = {}
        for row in scored:
            groups.setdefault(row["group"], []).append(row)
        entries = []
        for group, members in groups.items():
            lower_is_better = next(lower for _, key, _, lower in _SCORES.values()
                                   if key == members[0]["score_key"])
            on_front = _group_front(members, lower_is_better)
            entries += [{"design": row["design"], "group": group, row["cost_key"]: row["cost"],
                         "cost": row["cost"], row["score_key"]: row["score"],
                         "score": row["score"], "fmax_mhz": row["synth"].get("fmax_mhz"),
                         "verified": row.get("verified"), "on_front": row["design"] in on_front}
                        for row in members]
        failed = sorted((row for row in rows if row not in scored),
                        key=lambda row: row["design"])
        directory = out_dir / target
        front = json.dumps(entries, indent=2) + "\n"
        markdown = _markdown(target, entries, failed)
        if _reads(directory / "front.json") == front and _reads(directory / "front.md") == \
                markdown and (directory / "front.png").is_file():
            continue
        _plot(target, entries, directory / "front.png")
        write_atomically(directory / "front.md", markdown)
        write_atomically(directory / "front.json", front)  # last: it vouches for the others


def _reads(path):
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return None


def _score_label(entry):
    return next(label for _, key, label, _ in _SCORES.values() if key in entry)


def _markdown(target, entries, failed):
    label = cost_of(target)[1]
    parts = [f"# axbnn explore: {target}\n"]
    for group in dict.fromkeys(entry["group"] for entry in entries):
        members = [entry for entry in entries if entry["group"] == group]
        parts += [f"\n## designs computing what {group} does\n",
                  f"| design | {label} | {_score_label(members[0])} | Fmax MHz | verified | "
                  f"on front |", "|---|---|---|---|---|---|"]
        for entry in members:
            verified = {True: "yes", False: "**no**", None: ""}[entry["verified"]]
            parts.append(f"| {entry['design']} | {entry['cost']} | {entry['score']:.4g} | "
                         f"{entry['fmax_mhz'] or ''} | {verified} | "
                         f"{'yes' if entry['on_front'] else ''} |")
    if failed:
        parts += ["\n## failed\n", "| design | error |", "|---|---|"]
        parts += [f"| {row['design']} | {row['error']} |" for row in failed]
    return "\n".join(parts) + "\n"


def _plot(target, entries, path):
    """A panel per group: cost against score, the front's points numbered and named in the
    legend (:mod:`flows.plots`), the others only counted there (front.md names them all: a
    hundred names would hide the plot), the front as a step line."""
    groups = list(dict.fromkeys(entry["group"] for entry in entries)) or ["(no point)"]
    columns = min(len(groups), 3)
    figure, axes = plots.figure(-(-len(groups) // columns), columns, width=6.5, height=4.8)
    for axis in axes.flat[len(groups):]:
        axis.set_visible(False)
    for axis, group in zip(axes.flat, groups):
        members = [entry for entry in entries if entry["group"] == group]
        front = [entry for entry in members if entry["on_front"]]
        others = [(entry["cost"], entry["score"], False) for entry in members
                  if not entry["on_front"]]
        plots.markers(axis, others, label=f"{len(others)} others (front.md)" if others else None)
        plots.numbered_points(axis, [(entry["cost"], entry["score"], entry["design"], True)
                                     for entry in front])
        plots.front_line(axis, [(entry["cost"], entry["score"]) for entry in front],
                         label="Pareto front")
        axis.set(title=f"{group} on {target}", xlabel=cost_of(target)[1],
                 ylabel=_score_label(members[0]) if members else "")
        if members:
            axis.legend(fontsize=6, loc="best")
    plots.save(figure, path)
