"""The room: what the teacher and the class share while a lecture is given — the teacher's secret token, the step the
teacher is on (students follow it), the questions asked of the room with their votes and revealed answers, and the
class gallery of shared models.

One small JSON document holds it all. `MemoryRoom` keeps it in this process; `FolderRoom` keeps it in a folder that
several replicas share (beside their shared live-model store), read and written under a file lock and replaced
atomically, so every replica sees the same teacher, step, votes and gallery. Neither knows about Streamlit: the pages
call `aeviz.ui.room`, which holds the server's one room.

The token is compared in constant time (`hmac.compare_digest`) and is never part of what `snapshot` returns.
"""

from __future__ import annotations

import contextlib
import fcntl
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aeviz.errors import AevizError
from aeviz.livestore import valid_key

TOKEN_ENV = "AEVIZ_TEACHER_TOKEN"  # a token the teacher chooses (else the server makes one at start)
MIN_TOKEN = 16  # characters: a chosen token shorter than this is refused (it could be guessed)
MAX_NAME = 40  # characters of a display name in the gallery
MAX_CHOICES = 4
MAX_PICTURE = 64 * 1024  # bytes of a gallery card's thumbnail (a 160 px PNG is ~5–15 KB)


MAX_TEACHERS = 4  # browsers that hold the teacher's role at once; the oldest drops out


def gallery_limit() -> int:
    """How many models the class gallery holds at once ($AEVIZ_GALLERY_MAX, default 40)."""
    text = os.environ.get("AEVIZ_GALLERY_MAX", "40").strip()
    if not text.isdigit() or int(text) < 1:
        raise AevizError(f"AEVIZ_GALLERY_MAX must be a positive whole number, not {text!r}")
    return int(text)


@dataclass(frozen=True)
class Published:
    """The step the teacher is on. `seq` grows with every move (a Reset of the same step too), so a follower knows a
    move it has not made yet."""

    step: int
    seq: int


@dataclass(frozen=True)
class Poll:
    """A question asked of the room on a step: its choices, the votes so far, and, once revealed, the answer the
    teacher's page computed and the numbers that decide it."""

    step: int
    question: str
    choices: tuple[str, ...]
    counts: tuple[int, ...]
    answer: int | None = None  # the right choice's index, set by Reveal
    why: str = ""

    @property
    def revealed(self) -> bool:
        return self.answer is not None

    @property
    def votes(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Card:
    """A model shared with the class: the live-store key of its copy and what the gallery shows of it."""

    key: str  # the copy's key in the live-model store (?model=live:KEY opens it)
    owner: str  # the sharing browser's owner key: one card per student (sharing again replaces it); never shown
    name: str  # the display name, at most MAX_NAME characters (escaped where drawn)
    dataset: str
    family: str
    code: int  # code units
    lam: float
    val_mse: float
    knn: float | None  # 5-NN accuracy of the code, when the data has labels
    shared_at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Snapshot:
    """The room as a page draws it (no token)."""

    published: Published | None
    polls: dict[int, Poll]
    gallery: tuple[Card, ...]


def display_name(text: str) -> str:
    """A display name as the gallery keeps it: one line of plain text, at most MAX_NAME characters."""
    name = " ".join(str(text).split())[:MAX_NAME]
    if not name:
        raise AevizError("give a display name for the gallery")
    return name


def _empty() -> dict[str, Any]:
    return {"published": None, "seq": 0, "polls": {}, "gallery": [], "teachers": []}


class Room:
    """The class's shared state. Subclasses say where the document lives (`_locked`)."""

    def __init__(self, token: str = "") -> None:
        chosen = token or os.environ.get(TOKEN_ENV, "").strip()
        if chosen and len(chosen) < MIN_TOKEN:
            raise AevizError(f"{TOKEN_ENV} must be at least {MIN_TOKEN} characters (a short token can be guessed)")
        self._token = chosen

    # --- storage: subclasses --------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:  # pragma: no cover - abstract
        raise NotImplementedError
        yield {}

    def _read(self) -> dict[str, Any]:
        """A copy of the document (a writer in another thread may change it while a page draws)."""
        with self._locked() as doc:
            return json.loads(json.dumps(doc))

    # --- the teacher ----------------------------------------------------------------------------------------------

    @property
    def token(self) -> str:
        return self._token

    def is_teacher(self, given: object) -> bool:
        """Whether `given` (a URL value: anything) is the teacher's token, compared in constant time."""
        if not isinstance(given, str) or not given:
            return False
        return hmac.compare_digest(given.encode(), self._token.encode())

    def admit_teacher(self, owner: str) -> None:
        """The browser with owner key `owner` gave the token: it stays the teacher's over a reload (its cookie keeps
        the key). The last MAX_TEACHERS browsers keep the role (a laptop and a tablet, say)."""
        with self._locked() as doc:
            teachers = doc.setdefault("teachers", [])
            if owner in teachers:
                teachers.remove(owner)
            teachers.append(owner)
            del teachers[:-MAX_TEACHERS]

    def knows_teacher(self, owner: str) -> bool:
        """Whether the browser with owner key `owner` gave the token before."""
        return bool(owner) and owner in self._read().get("teachers", [])

    # --- following ------------------------------------------------------------------------------------------------

    def publish(self, step: int) -> Published:
        """The teacher is on `step` now (a new move, even to the same step)."""
        with self._locked() as doc:
            doc["seq"] += 1
            doc["published"] = {"step": step, "seq": doc["seq"]}
            return Published(step, doc["seq"])

    def end(self) -> None:
        """The teacher stopped presenting: followers stay where they are."""
        with self._locked() as doc:
            doc["published"] = None

    def published(self) -> Published | None:
        found = self._read()["published"]
        return None if found is None else Published(**found)

    # --- questions ------------------------------------------------------------------------------------------------

    def ask(self, step: int, question: str, choices: tuple[str, ...]) -> None:
        """Open the question of `step` (again: earlier votes and any reveal are cleared)."""
        if not 2 <= len(choices) <= MAX_CHOICES:
            raise AevizError(f"a question has 2 to {MAX_CHOICES} choices")
        with self._locked() as doc:
            doc["polls"][str(step)] = {"question": question, "choices": list(choices), "votes": {}, "answer": None,
                                       "why": ""}  # fmt: skip

    def vote(self, step: int, voter: str, choice: int) -> None:
        """`voter`'s vote (one per voter: a new vote replaces the old) until the answer is revealed."""
        with self._locked() as doc:
            poll = doc["polls"].get(str(step))
            if poll is None:
                raise AevizError("this question is not open")
            if poll["answer"] is not None:
                raise AevizError("the answer has been revealed: votes are closed")
            if not (isinstance(choice, int) and 0 <= choice < len(poll["choices"])):
                raise AevizError("not one of the choices")
            poll["votes"][voter] = choice

    def reveal(self, step: int, answer: int, why: str) -> None:
        with self._locked() as doc:
            poll = doc["polls"].get(str(step))
            if poll is None:
                raise AevizError("this question has not been asked")
            if not 0 <= answer < len(poll["choices"]):
                raise AevizError("the answer is not one of the choices")
            poll["answer"], poll["why"] = answer, why

    def my_vote(self, step: int, voter: str) -> int | None:
        poll = self._read()["polls"].get(str(step))
        return None if poll is None else poll["votes"].get(voter)

    # --- the gallery ----------------------------------------------------------------------------------------------

    def share(self, card: Card, limit: int | None = None, picture: bytes = b"") -> Card | None:
        """Put `card` in the gallery with its thumbnail `picture` (a PNG, at most MAX_PICTURE bytes), replacing its
        owner's earlier card (returned, so its model can be let go)."""
        limit = gallery_limit() if limit is None else limit
        if len(picture) > MAX_PICTURE:
            raise AevizError(f"a gallery thumbnail is at most {MAX_PICTURE // 1024} KB")
        with self._locked() as doc:
            cards = [c for c in doc["gallery"] if c["owner"] != card.owner]
            replaced = next((Card(**c) for c in doc["gallery"] if c["owner"] == card.owner), None)
            if len(cards) >= limit:
                raise AevizError(f"the class gallery is full ({limit} models): ask the teacher to remove one")
            if picture:
                self._put_picture(card.key, picture)
            doc["gallery"] = [*cards, asdict(card)]
        if replaced is not None:
            self._drop_picture(replaced.key)
        return replaced

    def remove(self, key: str) -> bool:
        with self._locked() as doc:
            before = len(doc["gallery"])
            doc["gallery"] = [c for c in doc["gallery"] if c["key"] != key]
            removed = len(doc["gallery"]) < before
        if removed:
            self._drop_picture(key)
        return removed

    def keep_only(self, alive: Callable[[str], bool]) -> None:
        """Drop the cards whose model the live store no longer keeps (expired with its idle time)."""
        with self._locked() as doc:
            gone = [c["key"] for c in doc["gallery"] if not alive(c["key"])]
            doc["gallery"] = [c for c in doc["gallery"] if c["key"] not in gone]
        for key in gone:
            self._drop_picture(key)

    # --- thumbnails, beside the document (every follower reads the document each second; pictures only the
    # gallery page): subclasses --------------------------------------------------------------------------------------

    def picture(self, key: str) -> bytes | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _put_picture(self, key: str, picture: bytes) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _drop_picture(self, key: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # --- all at once ----------------------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        doc = self._read()
        polls = {}
        for step, poll in doc["polls"].items():
            counts = [0] * len(poll["choices"])
            for choice in poll["votes"].values():
                counts[choice] += 1
            polls[int(step)] = Poll(int(step), poll["question"], tuple(poll["choices"]), tuple(counts),
                                    poll["answer"], poll["why"])  # fmt: skip
        published = doc["published"]
        return Snapshot(
            None if published is None else Published(**published),
            polls,
            tuple(Card(**c) for c in doc["gallery"]),
        )


class MemoryRoom(Room):
    """The room of one server process."""

    def __init__(self, token: str = "") -> None:
        super().__init__(token)
        self._token = self._token or secrets.token_urlsafe(24)
        self._doc = _empty()
        self._lock = threading.Lock()
        self._pictures: dict[str, bytes] = {}

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        with self._lock:
            yield self._doc  # (a reader only reads; every writer holds the lock)

    def picture(self, key: str) -> bytes | None:
        return self._pictures.get(key)

    def _put_picture(self, key: str, picture: bytes) -> None:
        self._pictures[key] = picture

    def _drop_picture(self, key: str) -> None:
        self._pictures.pop(key, None)


class FolderRoom(Room):
    """The room in a folder several replicas share: `room.json` under `room.lock`, and the token in `token` (made
    once, by whichever replica starts first, readable by the server's user only)."""

    def __init__(self, folder: str | Path, token: str = "") -> None:
        super().__init__(token)
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # threads of this process; the file lock orders the processes
        self._token = self._token or self._shared_token()

    def _shared_token(self) -> str:
        path = self.folder / "token"
        with contextlib.suppress(FileExistsError):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(24))
        for _ in range(50):  # another replica may be writing it this instant
            token = path.read_text().strip()
            if token:
                return token
            time.sleep(0.02)
        raise AevizError(f"the teacher token in {path} is empty")

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        path = self.folder / "room.json"
        with self._lock, open(self.folder / "room.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                try:
                    doc = json.loads(path.read_text())
                except (OSError, ValueError):
                    doc = _empty()
                before = json.dumps(doc, sort_keys=True)
                yield doc
                text = json.dumps(doc, sort_keys=True)
                if text != before:
                    temporary = path.with_suffix(f".{os.getpid()}.tmp")
                    temporary.write_text(text)
                    os.replace(temporary, path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _picture_path(self, key: str) -> Path:
        if not valid_key(key):  # a key becomes a file name: 32 hex digits, nothing else
            raise AevizError("invalid gallery key")
        return self.folder / "pictures" / f"{key}.png"

    def picture(self, key: str) -> bytes | None:
        try:
            return self._picture_path(key).read_bytes()
        except (OSError, AevizError):
            return None

    def _put_picture(self, key: str, picture: bytes) -> None:
        path = self._picture_path(key)
        path.parent.mkdir(exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(picture)
        os.replace(temporary, path)

    def _drop_picture(self, key: str) -> None:
        with contextlib.suppress(OSError, AevizError):
            self._picture_path(key).unlink()


def make_room() -> Room:
    """The server's room: in $AEVIZ_LIVE_DIR/room when replicas share a live-model folder, else in memory."""
    folder = os.environ.get("AEVIZ_LIVE_DIR", "").strip()
    return FolderRoom(Path(folder) / "room") if folder else MemoryRoom()
