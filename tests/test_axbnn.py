"""The package as a whole: its public names, and the direction of imports between layers."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import axbnn

ROOT = Path(axbnn.__file__).parent
#: layer -> the layers it may import (shared/STYLE.md, "The house"); the command line at the top
#: also reads the version from the root package ("axbnn").
ALLOWED = {"hwgen": {"hwgen"}, "sim": {"hwgen", "sim"}, "boards": {"hwgen", "boards"},
           "flows": {"hwgen", "sim", "boards", "flows", "axbnn"}}


def _imported_layers(path):
    """The layers a module imports, from its relative and ``axbnn.`` imports (lazy ones too)."""
    layer = path.parent.relative_to(ROOT).parts[0]
    depth = len(path.parent.relative_to(ROOT).parts)
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            up = node.level - 1  # 1 dot: this package
            if up < depth:
                yield layer
                continue
            parts = (node.module or "").split(".")
            yield parts[0] if parts[0] else "axbnn"
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module] if isinstance(node, ast.ImportFrom) else \
                [alias.name for alias in node.names]
            for name in names:
                if name and name.startswith("axbnn."):
                    yield name.split(".")[1]


@pytest.mark.parametrize("layer", ALLOWED)
def test_layers_import_only_below_them(layer):
    wrong = {str(path.relative_to(ROOT)): sorted(set(_imported_layers(path)) - ALLOWED[layer])
             for path in sorted((ROOT / layer).rglob("*.py"))}
    assert {module: layers for module, layers in wrong.items() if layers} == {}


def test_the_checker_sees_a_wrong_import(tmp_path, monkeypatch):
    """A fault the check above must catch: hwgen importing sim."""
    module = tmp_path / "hwgen" / "bad.py"
    module.parent.mkdir()
    module.write_text("from ..sim.units import evaluate\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert set(_imported_layers(module)) == {"sim"}


def test_public_names_resolve():
    for name in axbnn.__all__:
        assert getattr(axbnn, name) is not None, name
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        axbnn.nothing


def test_models_and_registry_load_without_amaranth():
    """The golden models and the plain-data layer of hwgen need no hardware toolchain."""
    code = ("import sys, axbnn; axbnn.parse_design('bnn-digits'); axbnn.FAMILIES; "
            "import axbnn.sim.characterize, axbnn.sim.bnn_train, axbnn.sim.bist; "
            "print(sorted(name for name in sys.modules if name.startswith('amaranth')))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                               check=True)
    assert completed.stdout == "[]\n"
