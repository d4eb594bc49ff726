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
