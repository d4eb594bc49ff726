"""Every page under Streamlit's AppTest, one test file per page (test_page_<page>.py) plus the checks every page
shares (test_page_all.py). Saves go to a temporary folder; no UMAP warm-up competes with the tests for the CPU.

The server's job pool runs its jobs on threads here, not worker processes: some tests shrink a training through a
module constant, which a worker process would not see. tests/test_jobs.py and the browser tests cover the processes.
"""

import os

import pytest

from tests.app.helpers import new_session

os.environ["AEVIZ_POOL_PROCESSES"] = "0"


@pytest.fixture(autouse=True)
def _private_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("AEVIZ_USER_CHECKPOINTS", str(tmp_path))
    monkeypatch.setenv("AEVIZ_WARM_UP", "0")
    monkeypatch.setenv("AEVIZ_LECTURE_WARMUP", "0")


@pytest.fixture
def app():
    """A fresh session on the Home page with the default model."""
    return new_session()
