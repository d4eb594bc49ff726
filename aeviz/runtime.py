"""Thread settings, in one place, set once per process (the server, the CLI, a benchmark).

A shared server runs a few trainings at once (the job pool) beside every student's page: each training gets one torch
thread ($AEVIZ_TORCH_THREADS, default 1), and the libraries that would start a thread per core (OpenMP and MKL under
torch and scikit-learn, numba under UMAP) are told the same before they are imported. With two threads per training on
two busy cores each parallel step waited for the slower thread: a default Train click took ~6 s instead of ~3 s here.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_lock = threading.Lock()
_torch_threads: int | None = None


def threads() -> int:
    text = os.environ.get("AEVIZ_TORCH_THREADS", "1").strip()
    return int(text) if text.isdigit() and int(text) >= 1 else 1


def configure_environment() -> None:
    """Before torch, scikit-learn or numba is imported: their thread pools and numba's cache folder (unless set)."""
    n = str(threads())
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(name, n)
    if "NUMBA_CACHE_DIR" not in os.environ:
        os.environ["NUMBA_CACHE_DIR"] = str(cache_dir() / "numba")


def cache_dir() -> Path:
    """aeviz's writable cache folder ($AEVIZ_CACHE_DIR, else $XDG_CACHE_HOME/aeviz, else ~/.cache/aeviz)."""
    base = os.environ.get("AEVIZ_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "aeviz"
    path = Path(base)
    path.mkdir(parents=True, exist_ok=True)
    return path


def set_torch_threads() -> int:
    """torch's intra-op threads for this process, set on the first call (torch's setting is process-wide)."""
    global _torch_threads
    with _lock:
        if _torch_threads is None:
            import torch

            configure_environment()
            _torch_threads = threads()
            torch.set_num_threads(_torch_threads)
        return _torch_threads
