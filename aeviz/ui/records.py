"""What a browser session keeps, as typed records: the `Session` and what pages hand each other through it.

Plain dataclasses without Streamlit calls; `aeviz.ui.state` creates the session and keeps it in st.session_state.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aeviz.checkpoints import Checkpoint
from aeviz.handout import Entry

if TYPE_CHECKING:
    import numpy as np

    from aeviz.datasets import Dataset
    from aeviz.jobs import Job

LIVE_PREFIX = "live:"  # a live model's name in the model list and the URL: "live:KEY"


# --- what pages hand each other ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActiveModel:
    """The model the pages show, with a key for caches that changes whenever its weights do."""

    checkpoint: Checkpoint
    key: str  # Checkpoint.fingerprint(): content, not identity


@dataclass(frozen=True)
class Upload:
    """A file read on the Train page: its bytes' hash (read once per content) and the dataset it gave."""

    digest: str
    dataset: Dataset


@dataclass
class TrainRun:
    """The Train page's last training: how far it got, and the last live view (the finished figure keeps its turn)."""

    total: int  # epochs asked for
    done: int = 0  # epochs finished
    failed: bool = False
    view: np.ndarray | None = None  # (n_shown, 2) coordinates of the last live scatter
    data: Dataset | None = None  # what it trains on (the live monitor's labels)
    latent: int = 2  # its code size (the live monitor's axes)

    @property
    def stopped_early(self) -> bool:
        return self.total > 0 and self.done < self.total and not self.failed


@dataclass(frozen=True)
class PickedPoint:
    """A point clicked on the Latent space page: a validation row of one model; the Latent walk starts from it."""

    model_key: str
    row: int


@dataclass(frozen=True)
class SparsityPair:
    """Two models trained alike but for λ (the Sparsity page's "train a pair")."""

    lam: float
    dense: Checkpoint  # λ = 0
    sparse: Checkpoint  # λ = lam


@dataclass(frozen=True)
class SweepRun:
    """A k-sweep trained in this session (PCA against autoencoders) on the data with this fingerprint."""

    data_key: str  # Dataset.fingerprint
    models: dict[tuple[str, int], Checkpoint]  # {(family, k): finished model}


@dataclass(frozen=True)
class Pending:
    """This session's job in the pool, and what to do with its result (run in the script thread, never the worker)."""

    job: Job
    keep: Callable[[Any], tuple[str, str]]  # stores the result in the session; returns (level, message) for the student


@dataclass(frozen=True)
class Notice:
    """A message about a finished job (or a loaded checkpoint: kind "load"), shown once by the page of its kind."""

    kind: str
    level: str  # success | info | error
    text: str


@dataclass
class Session:
    """Everything aeviz keeps for one browser session."""

    active_name: str  # a stored model's key (model_sources), or LIVE_PREFIX + key of the live model
    owner: str = field(default_factory=lambda: uuid.uuid4().hex)  # this browser's key: its saves are its own
    session_id: str = ""  # Streamlit's id of this browser session: the job pool follows whether it is connected
    visiting: str = ""  # another student's save ("saved:PUBLIC/NAME") opened from its link: shown, never written
    identity_sent: bool = False  # the browser has been asked to keep `owner` in its cookie
    narrow_sent: bool = False  # the browser has been asked to fold the sidebar on a narrow screen
    presenting: bool = False  # the presenter view (aeviz.ui.lecture): no sidebar, larger text
    handout: dict[int, Entry] = field(default_factory=dict)  # the lecture steps shown, as shown (aeviz.handout)
    teacher: bool = False  # opened with the teacher's token (aeviz.ui.room): leads the class, asks, reveals
    teacher_checked: bool = False  # whether this browser was the teacher's before has been looked up
    following: bool = True  # a student follows the teacher's step while the teacher presents
    followed_seq: int = 0  # the teacher's last move this session made (aeviz.room.Published.seq)
    moved_to: str = ""  # the page (URL path) the teacher's last move sent this session to, until it is drawn there
    live_name: str = ""  # LIVE_PREFIX + key of the model trained or loaded in this session (in the live store)
    upload: Upload | None = None
    loads: int = 0  # checkpoints loaded from a zip: the uploader gets a new key after each (its bytes are let go)
    train_run: TrainRun | None = None
    picked: PickedPoint | None = None
    sparsity_pair: SparsityPair | None = None
    recolourers: dict[str, Checkpoint] = field(default_factory=dict)  # recolourers this session trained, by head
    photo_upscalers: dict[str, Checkpoint] = field(default_factory=dict)  # "bottleneck"/"residual" it trained
    sparsity_sweep: list[tuple[float, float, float]] = field(default_factory=list)  # (λ, active fraction, error)
    k_sweep: SweepRun | None = None
    pending: Pending | None = None  # this session's job in the pool (aeviz.ui.job_panel)
    notices: list[Notice] = field(default_factory=list)
