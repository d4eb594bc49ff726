"""Thread settings, in one place, set once per process (the server, the CLI, a benchmark).

A shared server runs a few trainings at once (the job pool) beside every student's page: each training gets one torch
thread ($AEVIZ_TORCH_THREADS, default 1), and the libraries that would start a thread per core (OpenMP and MKL under
torch and scikit-learn, numba under UMAP) are told the same before they are imported. With two threads per training on
two busy cores each parallel step waited for the slower thread: a default Train click took ~6 s instead of ~3 s here.
"""

from __future__ import annotations

import functools
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


# --- memory the server gives back -------------------------------------------------------------------------------------
# glibc's malloc raises its mmap threshold to the size of each large block freed (up to 32 MB), so after the first
# upload or model is let go, blocks of that size come from the heap, and a freed block inside the heap stays in the
# process's RSS. A server that loads 22 MB checkpoints for a class grew by 60-160 MB per load and did not give it back
# (BENCHMARKS, "A class that comes and goes"). Blocks of MMAP_THRESHOLD and more are therefore always mapped on their
# own (returned to the system when freed), and `release_freed_memory` hands back the free pages of the heaps.
MMAP_THRESHOLD = 1 << 20  # bytes; glibc's M_MMAP_THRESHOLD
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


@functools.cache
def _glibc():
    """glibc's C library, or None (another libc, another system). By its usual name first: ctypes.util.find_library
    runs a subprocess (0.3 s here)."""
    import ctypes
    import ctypes.util

    for name in ("libc.so.6", None):
        name = name or ctypes.util.find_library("c")
        try:
            libc = ctypes.CDLL(name) if name else None
        except OSError:
            continue
        if libc is not None and hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt"):
            return libc
    return None


@functools.cache
def map_large_blocks() -> bool:
    """Blocks of MMAP_THRESHOLD bytes or more mapped on their own, in this process (glibc only; False elsewhere).
    Once per process (the server's first page); the job pool's workers keep glibc's default, which suits training."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def release_freed_memory() -> bool:
    """Hand the heaps' free pages back to the system (glibc's malloc_trim; False where there is none)."""
    libc = _glibc()
    return bool(libc is not None and libc.malloc_trim(0))
