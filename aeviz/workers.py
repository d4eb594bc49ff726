"""The job pool's worker processes: one child process per dispatcher thread of `aeviz.jobs.JobPool`, which runs the
jobs handed to it one at a time at a lower CPU priority and relays their progress, and is replaced if it dies.

Results come back pickled from our own child process, never from a user's file.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
import traceback
import types
from collections.abc import Callable
from typing import Any, Protocol

from aeviz.errors import AevizError
from aeviz.jobhandle import Cancelled

NICE = int(os.environ.get("AEVIZ_WORKER_NICE", "5"))  # worker processes yield the CPU to the server's pages


class RelayedJob(Protocol):
    """What a worker needs of the server's job (`aeviz.jobs.Job`): what to run, and where its progress goes."""

    fn: Callable[..., Any]
    args: tuple

    @property
    def cancel_requested(self) -> bool: ...

    def progressed(self, fraction: float, text: str, payload: Any) -> None: ...


class Worker:
    """One child process that runs the jobs of one dispatcher thread, one at a time, and relays their progress. The
    child (and any child that replaces it) runs the `warm` steps ("module:function", `warm_up`) while it has no job."""

    def __init__(self, warm: tuple[str, ...] = ()) -> None:
        self._context = multiprocessing.get_context("spawn")  # never fork a server that runs threads
        self.warm = warm
        self._start()

    def _start(self) -> None:
        self._cancel = self._context.Value("b", 0, lock=False)
        self._conn, child = self._context.Pipe()
        self._process = self._context.Process(
            target=_child_main, args=(child, self._cancel, self.warm), name="aeviz-worker", daemon=True
        )
        # spawn would import the parent's __main__ in the child: under `streamlit run` that is the app script, which
        # then ran a page in the worker (seen: the worker ran app.py "without streamlit run" before its first job)
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            self._process.start()
        finally:
            sys.modules["__main__"] = main
        child.close()

    def run(self, job: RelayedJob) -> Any:
        """Run `job` in the child; progress lands on `job`; returns its result or raises as the job did. A child that
        died while idle (killed for memory between jobs) is replaced first, so the job does not fail for it."""
        if not self._process.is_alive():
            self._process.join()
            self._start()
        self._cancel.value = 0
        try:
            self._conn.send((job.fn, job.args))
            while True:
                if job.cancel_requested:
                    self._cancel.value = 1
                if not self._conn.poll(0.05):
                    if not self._process.is_alive():
                        raise EOFError
                    continue
                message = self._conn.recv()
                if message[0] == "progress":
                    job.progressed(*message[1:])
                elif message[0] == "done":
                    return message[1]
                elif message[0] == "cancelled":
                    raise Cancelled
                elif message[0] == "error":
                    raise AevizError(message[1])
                else:
                    raise RuntimeError(f"the worker process failed: {message[1]}")
        except (EOFError, OSError):
            self._process.kill()
            self._process.join()
            self._start()  # a fresh worker for the next job
            raise AevizError("the worker process stopped unexpectedly (out of memory?); try a smaller model") from None


class ChildJob:
    """What a job's function sees inside the worker process: a `JobHandle`, as `Job` is in the server."""

    def __init__(self, conn, cancel) -> None:
        self._conn, self._cancel = conn, cancel

    def check(self) -> None:
        if self._cancel.value:
            raise Cancelled

    def report(self, fraction: float, text: str = "", payload: Any = None) -> None:
        self.check()
        self._conn.send(("progress", min(max(fraction, 0.0), 1.0), text, payload))


def warm_up(step: str) -> None:
    """Run one warm-up step named "module:function" (the pool names them: `aeviz.jobs.WARM_UP`)."""
    module, name = step.split(":")
    getattr(importlib.import_module(module), name)()


def _child_main(conn, cancel, warm: tuple[str, ...] = ()) -> None:
    """The worker process: lower CPU priority, thread settings, then jobs until the server goes away. The `warm` steps
    run in their order while no job waits; a job sent meanwhile runs after the step under way, the rest after it."""
    from aeviz.runtime import configure_environment, set_torch_threads

    os.nice(NICE)
    configure_environment()  # torch's threads too: it reads OMP_NUM_THREADS when a job or step first imports it
    steps = list(warm)
    while True:
        if steps and not conn.poll():
            try:
                warm_up(steps.pop(0))
            except Exception:  # noqa: BLE001 - a failed warm-up only costs time: the first job pays it
                traceback.print_exc()
            continue
        try:
            fn, args = conn.recv()
        except (EOFError, OSError):
            return
        if "torch" in sys.modules:  # imported by the job's module: its threads as the server's settings say
            set_torch_threads()
        job = ChildJob(conn, cancel)
        try:
            message = ("done", fn(job, *args))
        except Cancelled:
            message = ("cancelled",)
        except AevizError as exc:
            message = ("error", str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the server, which says so on the page
            traceback.print_exc()
            message = ("crash", type(exc).__name__)
        try:
            conn.send(message)
        except (BrokenPipeError, OSError):
            return
