"""aeviz.runtime: thread settings are made once, from AEVIZ_TORCH_THREADS, and keep what the user set."""

import os
import subprocess
import sys

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
