"""Where models trained live are kept, under an unguessable key that goes into the URL (?model=live:KEY).

Two implementations of one small interface (`get`, `put`):
- `MemoryStore`, one server process: bounded by bytes per student and in all (beyond either, the least recently
  used model of whoever holds the most goes first: `over_the_bound`) and by idle time (a model nobody asked for in
  `idle_seconds` is dropped; saved models are on disk elsewhere and never expire);
- `DiskStore`, several copies of the app behind a load balancer: checkpoints in a shared folder, written atomically in
  the checkpoint format (`save_checkpoint`), so a link made on one copy opens on another; a `MemoryStore` in front
  keeps the models this process used recently, and the folder is pruned by the same two bounds (file times).

Keys are checked before they become a path: 32 hex digits, nothing else.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from aeviz.checkpoints import Checkpoint, load_checkpoint, save_checkpoint
from aeviz.errors import AevizError

KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
MB = 1024 * 1024
TOUCH_EVERY = 60.0  # seconds: a model in use has its folder's time refreshed at most this often


OWNER_FILE = "owner.txt"  # beside a stored live model on disk: whose it is


class LiveStore(Protocol):
    def get(self, key: str) -> Checkpoint | None: ...

    def put(self, key: str, checkpoint: Checkpoint, owner: str = "") -> None: ...

    def holds(self, key: str) -> bool: ...


def new_key() -> str:
    return uuid.uuid4().hex


def valid_key(key: str) -> bool:
    return bool(KEY_PATTERN.fullmatch(key))


def checkpoint_bytes(checkpoint: Checkpoint) -> int:
    """What a live model holds in memory: its parameters and buffers, and the per-epoch views it kept."""
    tensors = sum(t.numel() * t.element_size() for t in checkpoint.model.state_dict().values())
    return tensors + sum(view.nbytes for view in checkpoint.epoch_views)


def store_limits() -> tuple[int, float, int]:
    """(bytes, idle seconds, bytes per student) from $AEVIZ_LIVE_STORE_MB (default 1024), $AEVIZ_LIVE_IDLE_MINUTES
    (default 120) and $AEVIZ_LIVE_OWNER_MB (default 128: a student's own loads and trainings beyond it drop that
    student's oldest models, never a classmate's)."""
    values = []
    for name, default in (
        ("AEVIZ_LIVE_STORE_MB", "1024"),
        ("AEVIZ_LIVE_IDLE_MINUTES", "120"),
        ("AEVIZ_LIVE_OWNER_MB", "128"),
    ):
        text = os.environ.get(name, default).strip()
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if value <= 0:
            raise AevizError(f"{name} must be a positive number, not {text!r}")
        values.append(value)
    return int(values[0] * MB), values[1] * 60, int(values[2] * MB)


class MemoryStore:
    """Live models in this process, at most `max_bytes` in all and `owner_bytes` per student (a student's own oldest go
    first), each dropped after `idle_seconds` without a `get`."""

    def __init__(
        self,
        max_bytes: int,
        idle_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        owner_bytes: int | None = None,
    ) -> None:
        self.max_bytes, self.idle_seconds, self._clock = max_bytes, idle_seconds, clock
        self.owner_bytes = max_bytes if owner_bytes is None else owner_bytes
        # key: (model, bytes, last use, owner)
        self._items: OrderedDict[str, tuple[Checkpoint, int, float, str]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def total_bytes(self) -> int:
        with self._lock:
            return sum(item[1] for item in self._items.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def get(self, key: str) -> Checkpoint | None:
        with self._lock:
            self._expire()
            found = self._items.get(key)
            if found is None:
                return None
            self._items[key] = (found[0], found[1], self._clock(), found[3])
            self._items.move_to_end(key)
            return found[0]

    def holds(self, key: str) -> bool:
        """Whether `key` is kept, without counting as a use (the class gallery asks for every card)."""
        with self._lock:
            self._expire()
            return key in self._items

    def put(self, key: str, checkpoint: Checkpoint, owner: str = "") -> None:
        if not valid_key(key):
            raise AevizError("invalid live-model key")
        size = checkpoint_bytes(checkpoint)
        if size > min(self.max_bytes, self.owner_bytes):
            limit = min(self.max_bytes, self.owner_bytes)
            raise AevizError(
                f"this model needs {size / MB:.0f} MB; the server keeps at most {limit / MB:.0f} MB per student"
            )
        with self._lock:
            self._items[key] = (checkpoint, size, self._clock(), owner)
            self._items.move_to_end(key)
            self._expire()
            if owner:  # the student's own least recently used first, down to their share
                mine = [k for k, item in self._items.items() if item[3] == owner]
                total = sum(self._items[k][1] for k in mine)
                for old in mine[:-1]:
                    if total <= self.owner_bytes:
                        break
                    total -= self._items.pop(old)[1]
            held = [(i, item[1], item[3], k) for i, (k, item) in enumerate(self._items.items())]  # oldest use first
            for old in over_the_bound(held, self.max_bytes, keep=key):  # then the class's bound, fairly
                del self._items[old]

    def _expire(self) -> None:
        now = self._clock()
        for key, item in list(self._items.items()):
            if now - item[2] > self.idle_seconds:
                del self._items[key]


class DiskStore:
    """Live models as checkpoints in a folder several server processes share (a volume all replicas mount)."""

    def __init__(self, folder: str | Path, max_bytes: int, idle_seconds: float, owner_bytes: int | None = None) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.max_bytes, self.idle_seconds = max_bytes, idle_seconds
        self.owner_bytes = max_bytes if owner_bytes is None else owner_bytes
        self._recent = MemoryStore(max_bytes, idle_seconds, owner_bytes=self.owner_bytes)
        self._touched: dict[str, float] = {}

    def get(self, key: str) -> Checkpoint | None:
        """The model under `key`, or None when there is none (never stored, expired, pruned); AevizError when its
        files are there but damaged, so the page can say so instead of showing a shipped model without a word."""
        if not valid_key(key):
            return None
        path = self.folder / key
        found = self._recent.get(key)
        if found is not None:
            self._touch(path)
            return found
        if not path.is_dir() or time.time() - path.stat().st_mtime > self.idle_seconds:
            return None
        try:
            found = load_checkpoint(key, self.folder)
        except OSError:  # pruned by another process meanwhile
            return None
        except AevizError as exc:
            if not path.is_dir():  # pruned while it was read
                return None
            raise AevizError(f"the model kept under this link could not be read ({exc})") from None
        self._touch(path)
        self._recent.put(key, found)
        return found

    def holds(self, key: str) -> bool:
        """Whether `key` is kept (in this process or in the folder, not idle too long), without reading it."""
        if not valid_key(key):
            return False
        if self._recent.holds(key):
            return True
        path = self.folder / key
        try:
            return path.is_dir() and time.time() - path.stat().st_mtime <= self.idle_seconds
        except OSError:  # pruned meanwhile
            return False

    def put(self, key: str, checkpoint: Checkpoint, owner: str = "") -> None:
        if not valid_key(key):
            raise AevizError("invalid live-model key")
        self._recent.put(key, checkpoint, owner)
        path = save_checkpoint(checkpoint, key, self.folder)
        if owner:
            (path / OWNER_FILE).write_text(owner)
        self.prune(owner, keep=key)

    def prune(self, owner: str = "", keep: str = "") -> None:
        """Remove models idle longer than the limit, then `owner`'s least recently used beyond their share, then,
        beyond the byte bound, the least recently used of whoever holds most (`over_the_bound`; never `keep`)."""
        now, entries = time.time(), []
        for path in self.folder.iterdir():
            if not (path.is_dir() and valid_key(path.name)):  # temporary folders of a write in progress, strangers
                continue
            try:
                used = path.stat().st_mtime
                size = sum(f.stat().st_size for f in path.iterdir())
            except OSError:
                continue
            if now - used > self.idle_seconds:
                shutil.rmtree(path, ignore_errors=True)
            else:
                entries.append((used, size, path))
        if owner:
            mine = sorted(entry for entry in entries if _owner_of(entry[2]) == owner)
            total = sum(size for _, size, _ in mine)
            for entry in mine[:-1]:
                if total <= self.owner_bytes:
                    break
                shutil.rmtree(entry[2], ignore_errors=True)
                entries.remove(entry)
                total -= entry[1]
        kept = {path.name for _, _, path in entries}
        self._touched = {key: at for key, at in self._touched.items() if key in kept}  # bounded by the folder
        held = [(used, size, _owner_of(path), path.name) for used, size, path in entries]
        for name in over_the_bound(held, self.max_bytes, keep=keep):
            shutil.rmtree(self.folder / name, ignore_errors=True)

    def _touch(self, path: Path) -> None:
        now = time.time()
        if now - self._touched.get(path.name, 0.0) >= TOUCH_EVERY:
            self._touched[path.name] = now
            with contextlib.suppress(OSError):
                os.utime(path)


def over_the_bound(held: list[tuple], max_bytes: int, keep: str = "") -> list[str]:
    """Which models to drop so the rest fit in `max_bytes`: `held` is [(last use, bytes, owner, key)], and each drop
    is the least recently used model of the student holding the most bytes now (on a tie, the one whose model waited
    longest), never `keep` (the model just stored). A global least-recently-used rule let one student's loads push
    out a classmate's only model (the soak run lost all three keepers' models in a 200 MB store); this takes from
    whoever holds most first. Models without an owner count as one student's."""
    live = sorted(held, key=lambda entry: entry[0])
    total, dropped = sum(entry[1] for entry in live), []
    while total > max_bytes:
        holdings: dict[str, int] = {}  # in the order of each student's longest-waiting model
        for _, size, owner, _ in live:
            holdings[owner] = holdings.get(owner, 0) + size
        # sorted() is stable: among equal holdings the student whose model waited longest comes first
        order = sorted(holdings, key=lambda owner: -holdings[owner])
        victim = next((e for owner in order for e in live if e[2] == owner and e[3] != keep), None)
        if victim is None:
            break
        live.remove(victim)
        dropped.append(victim[3])
        total -= victim[1]
    return dropped


def _owner_of(path: Path) -> str:
    try:
        return (path / OWNER_FILE).read_text()[:64]
    except OSError:
        return ""


def make_store() -> LiveStore:
    """The store the app uses: on disk in $AEVIZ_LIVE_DIR when set (several replicas), else in memory."""
    max_bytes, idle, owner_bytes = store_limits()
    folder = os.environ.get("AEVIZ_LIVE_DIR", "").strip()
    if folder:
        return DiskStore(folder, max_bytes, idle, owner_bytes)
    return MemoryStore(max_bytes, idle, owner_bytes=owner_bytes)
