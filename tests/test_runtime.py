"""aeviz.runtime: thread settings are made once, from AEVIZ_TORCH_THREADS, and keep what the user set; memory the server
frees leaves its RSS."""

import os
import subprocess
import sys

import pytest

SCRIPT = """
import os
from aeviz.runtime import configure_environment, set_torch_threads
configure_environment()
print(set_torch_threads(), set_torch_threads())
import torch
print(torch.get_num_threads(), os.environ["OMP_NUM_THREADS"], os.environ["NUMBA_NUM_THREADS"], os.environ["MKL_NUM_THREADS"])
"""


def _run(**env):
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS") and k != "AEVIZ_TORCH_THREADS"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], env={**clean, **env}, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_one_thread_per_training_by_default_for_torch_openmp_and_numba():
    assert _run() == ["1", "1", "1", "1", "1", "1"]


def test_the_environment_chooses_the_count_and_a_value_set_by_hand_is_kept():
    assert _run(AEVIZ_TORCH_THREADS="2", NUMBA_NUM_THREADS="1") == ["2", "2", "2", "2", "1", "2"]


FREED = """
import sys

import pytest
from aeviz.runtime import map_large_blocks, release_freed_memory

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

if "map" in sys.argv:
    assert map_large_blocks()
del bytearray(20 << 20)[:]  # a 20 MB block freed: glibc's threshold for mapping blocks on their own rises to it
before = rss_mb()
blocks = [bytearray(2 << 20) for _ in range(100)]  # 200 MB in 2 MB blocks (zero-filled: in RSS)
last = blocks[-1]
del blocks  # all but the last freed; the last keeps the heap's top in place
if "release" in sys.argv:
    assert release_freed_memory()
print(rss_mb() - before)
"""


def _kept_mb(*flags: str) -> float:
    out = subprocess.run([sys.executable, "-c", FREED, *flags], capture_output=True, text=True, check=True)
    return float(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_memory_freed_by_the_server_leaves_its_rss():
    """200 MB of 2 MB blocks freed after a large block was: glibc keeps them in the heap (the server grew with each
    checkpoint load and never shrank); mapped on their own, or handed back by release_freed_memory, they leave."""
    assert _kept_mb() > 150  # the problem, as glibc's default has it
    assert _kept_mb("map") < 20
    assert _kept_mb("release") < 20
