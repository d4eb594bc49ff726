"""House rules a command can check: pages draw, aeviz computes, only aeviz/ui/ imports streamlit, and the library's
modules import downwards only, never in a cycle."""

import ast
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_only_the_ui_module_imports_streamlit():
    offenders = [
        p.name
        for p in (ROOT / "aeviz").rglob("*.py")
        if "ui" not in p.relative_to(ROOT / "aeviz").parts[:-1]
        and re.search(r"^\s*(import|from) streamlit", p.read_text(), re.M)
    ]
    assert offenders == []


def test_pages_do_not_import_torch_or_numpy():
    files = [*ROOT.joinpath("views").glob("*.py"), ROOT / "app.py"]
    offenders = [p.name for p in files if re.search(r"^\s*(import|from) (torch|numpy)", p.read_text(), re.M)]
    assert files and offenders == []


def test_readme_layout_names_every_module():
    """README's layout section is the map a new reader starts from: every module and page file is in it."""
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") :].split("\n## ")[0]
    files = [*ROOT.joinpath("aeviz").glob("*.py"), *ROOT.joinpath("aeviz", "ui").glob("*.py")]
    files += [*ROOT.joinpath("aeviz", "static").glob("*.js"), *ROOT.joinpath("tests", "e2e").glob("[!t_]*.py")]
    missing = [p.name for p in files if p.name not in ("__init__.py", "__main__.py") and p.name not in layout]
    assert missing == []


# --- floors: a module imports only from its own floor or below, and no import cycle (STYLE.md rule 16) ---------------

# The library's floors, lowest first. A module imports only modules on its floor or below; imports inside functions and
# under `if TYPE_CHECKING:` count. A new module must be given a floor here: where it sits is a decision worth a review.
FLOORS = {
    "basics": ["errors", "runtime", "escaping", "jobhandle", "workers"],
    "definitions": ["aeviz", "sitemap", "glossary", "wording", "tasks", "colours", "configs", "jobs", "montages", "pca",
                    "projection", "handout", "questions"],
    "models, data and figures": [
        "models", "latent", "decoder_export", "userdata.common", "userdata.images", "userdata.tables", "userdata",
        "photos", "datasets", "checkpoint_checks",
        "checkpoints", "livestore", "room",
        "plots", "capacity_plots", "class_plots", "pca_plots", "restoration_plots", "scrubber",
    ],
    "learning": ["training", "evaluation", "fitting", "applications"],
    "the lecture's ideas": ["capacity", "sparsity", "sweep", "pretrain", "families", "lecture"],
    "entry points": ["cli", "__main__"],
    "streamlit": [
        "ui.resources", "ui.records", "ui.model_caches", "ui.display", "ui.state", "ui.datasets", "ui.sidebar",
        "ui.application_caches", "ui.checkpoint_panels", "ui.job_panel", "ui.style", "ui.room", "ui.lecture",
        "ui.classroom", "ui.gallery", "ui.replicas", "ui.run_tails", "ui",
    ],
}  # fmt: skip


def import_graph(package: Path) -> dict[str, set[str]]:
    """{module: the package's modules it imports}, names relative to the package ("ui.state"; the package itself is
    its own name), from every import statement in the file, at any depth."""
    top = package.name
    modules = {}
    for path in package.rglob("*.py"):
        parts = path.relative_to(package).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts) or top
        modules[name] = path
    graph = {}
    for name, path in modules.items():
        inside = name if path.name == "__init__.py" else (name.rsplit(".", 1)[0] if "." in name else top)
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the importing module's package
                    anchor = [top] + ([] if inside == top else inside.split("."))
                    base = ".".join(anchor[: len(anchor) - node.level + 1] + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                if target != top and not target.startswith(top + "."):
                    continue
                target = target.removeprefix(top + ".") if target != top else top
                while target not in modules and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target in modules and target != name:
                    found.add(target)
        graph[name] = found
    return graph


def cycles(graph: dict[str, set[str]]) -> list[str]:
    """The modules that reach themselves through their imports."""

    def reachable(start: str) -> set[str]:
        seen, todo = set(), list(graph[start])
        while todo:
            module = todo.pop()
            if module not in seen:
                seen.add(module)
                todo.extend(graph.get(module, ()))
        return seen

    return sorted(m for m in graph if m in reachable(m))


def upward_imports(graph: dict[str, set[str]], floors: dict[str, list[str]]) -> list[str]:
    """Each import of a module on a higher floor than the importer's, as "a -> b", and each module without a floor, as
    "a: no floor"."""
    level = {module: i for i, members in enumerate(floors.values()) for module in members}
    found = [f"{m}: no floor" for m in sorted(graph) if m not in level]
    found += [f"{m} -> {t}" for m in sorted(graph) for t in sorted(graph[m]) if m in level and level.get(t, 0) > level[m]]
    return found


def test_the_library_has_no_import_cycle():
    assert cycles(import_graph(ROOT / "aeviz")) == []


def test_every_module_imports_only_from_its_floor_or_below():
    graph = import_graph(ROOT / "aeviz")
    assert upward_imports(graph, FLOORS) == []
    assert sorted(m for members in FLOORS.values() for m in members) == sorted(graph)  # no floor names a gone module


def test_an_import_inside_a_function_counts(tmp_path):
    """The checker itself: a cycle closed by an import inside a function (as data → photos → data was) is found, and
    so is the upward import that makes it."""
    package = tmp_path / "pkg"
    (package / "ui").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "ui" / "__init__.py").write_text("from . import state\n")
    (package / "ui" / "state.py").write_text("from pkg.data import load\n")
    (package / "data.py").write_text("def load():\n    from pkg.photos import photo\n    return photo()\n")
    (package / "photos.py").write_text("import numpy\n\ndef photo():\n    from .data import load\n    return load\n")
    graph = import_graph(package)
    assert graph["ui"] == {"ui.state"} and graph["ui.state"] == {"data"}
    assert cycles(graph) == ["data", "photos"]
    floors = {"low": ["pkg", "photos"], "high": ["data"], "ui": ["ui.state", "ui"]}
    assert upward_imports(graph, floors) == ["photos -> data"]
    assert upward_imports(graph, {"low": ["photos", "data"]}) == ["pkg: no floor", "ui: no floor", "ui.state: no floor"]


def test_test_files_have_unique_names():
    """pytest imports test files by their name: two files of one name in tests/, tests/app/ and tests/e2e/ stop the
    whole run at collection ("import file mismatch"), which a run of one folder does not show."""
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_the_entry_file_and_the_home_page_need_neither_torch_nor_scikit_learn():
    """A fresh server's first answer: app.py's imports and a run of the Home page load no PyTorch, scikit-learn,
    SciPy or scikit-image (they load after it, in a thread: aeviz.ui.resources.warm_up_after), in a fresh
    interpreter."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        "at = AppTest.from_file('app.py', default_timeout=120)\n"
        "import aeviz.ui.resources as r\n"
        "r.warm_up_after = lambda: None\n"  # AppTest runs the script in this process: keep the warm-up out of it
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "print(sorted(m for m in ('torch', 'sklearn', 'scipy', 'skimage') if m in sys.modules))\n"
    )
    env = {**os.environ, "AEVIZ_WARM_UP": "0", "AEVIZ_POOL_PROCESSES": "0"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"
