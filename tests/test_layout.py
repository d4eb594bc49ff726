"""House rules a command can check: pages draw, aeviz computes, only aeviz/ui/ imports streamlit."""

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
