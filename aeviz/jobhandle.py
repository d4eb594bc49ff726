"""What a job's function sees of the pool, and the kinds of jobs: a low module, so that every `*_job` entry point can
name its handle's type without importing the pool (aeviz.jobs) that runs it.

A job is a module-level function called as `fn(job, *args)` in a worker process (or a thread in tests); `job` is a
`JobHandle`: in the server a `aeviz.jobs.Job`, in a worker process a `aeviz.jobs.ChildJob`. Both raise `Cancelled` from
`check` or `report` once the student pressed Stop or left the queue.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol


class Cancelled(Exception):
    """Raised inside a job by `JobHandle.check` once the job was cancelled."""


class JobHandle(Protocol):
    """The two calls a job makes: `check` often (raises `Cancelled`), `report` progress for the page."""

    def check(self) -> None:
        """Raise `Cancelled` if the job was cancelled."""

    def report(self, fraction: float, text: str = "", payload: Any = None) -> None:
        """Progress (0–1), a line for the page, and what the page should draw now (also checks for cancellation)."""


class JobKind(StrEnum):
    """What a job is: the pool estimates waits per kind, and a page shows the jobs of its own kinds."""

    TRAINING = "training"
    SPARSITY_PAIR = "sparsity pair"
    LAMBDA_SWEEP = "λ sweep"
    K_SWEEP = "k-sweep"
    CAPACITY = "capacity"
    PROJECTION = "projection"
    RECOLOUR = "recolour"
    UPSCALE = "upscale"  # the Upscaling page's photo models, trained again
