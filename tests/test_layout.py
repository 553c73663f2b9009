"""The package's layout by stage: every import of every module (those inside functions
too) points down the stages or within its own, never up."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "w2v"

# Lowest first. A module may import from its own stage and the ones before it.
STAGES = [
    ("leaves", ["w2v.errors", "w2v.config", "w2v.jit", "w2v.outputs", "w2v.version"]),
    ("vectors and their files", ["w2v.vectors"]),
    ("reading text into ids", ["w2v.text"]),
    ("the training engine and its drivers", ["w2v.training"]),
    ("tools over vectors", ["w2v.tools"]),
    ("the command line", ["w2v.cli"]),
    ("the package's front", ["w2v", "w2v.__main__"]),
]
KERNELS = ["w2v.text.scan", "w2v.text.bigrams", "w2v.text.tokenizers", "w2v.training.kernels",
           "w2v.training.tables"]


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _stage(module: str) -> int:
    best, rank = -1, None
    for number, (_, prefixes) in enumerate(STAGES):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), number
    assert rank is not None, f"{module} belongs to no stage: add it to STAGES"
    return rank


def _imports(module: str, path: pathlib.Path) -> set[str]:
    """The w2v modules that ``module`` imports (a name imported from a package counts
    as its submodule when there is one)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    modules = _modules()
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                          else base)
    return {name for name in found if name == "w2v" or name.startswith("w2v.")}


MODULES = _modules()


def test_every_module_belongs_to_a_stage():
    for module in MODULES:
        _stage(module)
    assert {"w2v.text.vocab", "w2v.vectors.keyed", "w2v.training.word2vec",
            "w2v.tools.evaluate", "w2v.cli.common"} <= set(MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_stages(module):
    for imported in _imports(module, MODULES[module]):
        assert _stage(imported) <= _stage(module), (
            f"{module} ({STAGES[_stage(module)][0]}) imports {imported} "
            f"({STAGES[_stage(imported)][0]}), a later stage")


@pytest.mark.parametrize("module", KERNELS)
def test_kernel_modules_import_only_the_jit_helper(module):
    assert _imports(module, MODULES[module]) <= {"w2v.jit"}


@pytest.mark.parametrize("module", ["w2v.training.subword_kernels",
                                    "w2v.training.walk_kernels",
                                    "w2v.training.glove_kernels"])
def test_kernels_beside_the_engine_import_only_the_jit_helper_and_the_shared_kernels(module):
    assert _imports(module, MODULES[module]) == {"w2v.jit", "w2v.training.kernels"}


@pytest.mark.parametrize("module", [m for m in MODULES if _stage(m) == 1 or m.startswith(
    "w2v.tools")])
def test_the_query_side_never_imports_numba(module):
    text = MODULES[module].read_text()
    assert "numba" not in {name.split(".")[0] for name in _imports(module, MODULES[module])}
    assert "import numba" not in text and "from numba" not in text


def test_the_check_catches_an_upward_import(tmp_path):
    path = tmp_path / "keyed.py"
    path.write_text("def f():\n    from ..training import word2vec\n")
    imported = _imports("w2v.vectors.keyed", path)
    assert "w2v.training.word2vec" in imported
    assert _stage("w2v.training.word2vec") > _stage("w2v.vectors.keyed")
