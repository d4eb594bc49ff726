"""Several copies of the server behind a load balancer, sharing $AEVIZ_LIVE_DIR (deploy/replicas.sh): a job lives in
the copy that runs it, so when that copy dies the job dies with it, and its student's browser reconnects to another
copy that knows nothing of it. So each copy beats a heartbeat file in the shared folder every BEAT_EVERY seconds, and
a student's unfinished job leaves a marker there (which copy, what job); a copy that finds a student's marker left by
a copy whose heart has stopped tells the student the job is lost, once, instead of the page forgetting it silently.
Without a shared folder (one server) all of this does nothing."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
import uuid
from pathlib import Path

from aeviz import AevizError
from aeviz.ui.resources import public_id

COPY_ID = uuid.uuid4().hex[:12]  # this server process
BEAT_EVERY = 2.0  # seconds between heartbeats
DEAD_AFTER = 7.0  # a copy whose heartbeat is older than this has stopped (three beats missed)
_beating = threading.Lock()
_started: list[bool] = []


def _folder() -> Path | None:
    shared = os.environ.get("AEVIZ_LIVE_DIR", "").strip()
    return Path(shared) / "copies" if shared else None


def _marker(owner: str) -> Path | None:
    """Where the student's job marker lives (by the public id, never the owner key); None without a shared folder."""
    folder = _folder()
    try:
        return folder / "jobs" / f"{public_id(owner)}.json" if folder is not None else None
    except AevizError:  # not a browser's owner key (a test's): nothing to mark
        return None


def beat(folder: Path | None = None) -> None:
    """This copy is alive: its heartbeat file's time is now."""
    folder = folder or _folder()
    if folder is not None:
        (folder / "beats").mkdir(parents=True, exist_ok=True)
        (folder / "beats" / COPY_ID).touch()


def start_heartbeat() -> None:
    """The heartbeat thread, once per process, when replicas share a folder."""
    folder = _folder()
    with _beating:
        if folder is None or _started:
            return
        _started.append(True)
    beat(folder)

    def loop() -> None:
        while True:
            time.sleep(BEAT_EVERY)
            with contextlib.suppress(OSError):  # the shared folder is away for a moment: the next beat tries again
                beat(folder)

    threading.Thread(target=loop, name="aeviz-heartbeat", daemon=True).start()


def mark(owner: str, kind: str, label: str) -> None:
    """The student `owner` has an unfinished job `label` of `kind` in this copy."""
    path = _marker(owner)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"copy": COPY_ID, "kind": kind, "label": label}))


def unmark(owner: str) -> None:
    """The student's job has been collected (or is known lost): no marker."""
    path = _marker(owner)
    if path is not None:
        path.unlink(missing_ok=True)


def lost_job(owner: str, now: float | None = None) -> tuple[str, str, bool] | None:
    """(kind, label, lost) of the student's unfinished job in another copy of the server: lost when that copy has
    stopped (then the marker goes: said once), else still running there (the student's browser reached this copy
    while that one is still beating: it may have just died). None when there is none, or it is this copy's (its pool
    knows it)."""
    path = _marker(owner)
    if path is None or not path.is_file():
        return None
    try:
        marked = json.loads(path.read_text())
        copy, kind, label = str(marked["copy"]), str(marked["kind"]), str(marked["label"])
    except (OSError, ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)  # damaged: say nothing rather than something wrong
        return None
    if copy == COPY_ID:
        return None
    try:
        age = (time.time() if now is None else now) - (path.parent.parent / "beats" / copy).stat().st_mtime
    except OSError:
        age = float("inf")
    if age <= DEAD_AFTER:
        return kind, label, False
    path.unlink(missing_ok=True)
    return kind, label, True
