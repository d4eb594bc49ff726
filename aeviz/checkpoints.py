"""Checkpoints: a folder holding `model.safetensors` (weights) and `meta.json` (configs, dataset, metrics, history).

Loading never unpickles: safetensors holds raw tensors only, and the JSON is plain data. A checkpoint whose tensors do not
fit its config, a truncated file, or a name that would leave the checkpoints folder is refused with a CheckpointError.
Writes are atomic: both files go into a temporary folder that is renamed into place.

About 350 lines on purpose: reading, writing, the zip round trip and the content fingerprint are one format, and each
path's checks (aeviz.checkpoint_checks) must be read beside the others to see that none is missed.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import secrets
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

import aeviz
from aeviz.checkpoint_checks import (
    FORMAT,
    MAX_WEIGHTS_BYTES,
    META,
    NAME_PATTERN,
    VIEWS,
    WEIGHTS,
    check_weights_fit,
    configs_from,
    parse_meta,
    record_from,
)
from aeviz.configs import ModelConfig, TrainConfig
from aeviz.errors import ZIP_ERRORS, CheckpointError

log = logging.getLogger(__name__)

__all__ = [  # WEIGHTS and META are the two files' names; the checks on them live in aeviz.checkpoint_checks
    "META",
    "SHIPPED_DIR",
    "WEIGHTS",
    "Checkpoint",
    "CheckpointInfo",
    "check_target",
    "checkpoint_path",
    "from_zip",
    "is_checkpoint",
    "list_checkpoints",
    "load_checkpoint",
    "read_info",
    "read_meta",
    "save_checkpoint",
    "to_zip",
]

if TYPE_CHECKING:  # torch is imported only when weights are read or written, so listing checkpoints starts fast
    import torch

    from aeviz.models import Autoencoder

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "checkpoints"


@dataclass
class Checkpoint:
    """A loaded (or to-be-saved) model with what is known about how it was made."""

    model: Autoencoder
    train_config: TrainConfig | None = None
    dataset: str = ""  # built-in dataset name or the user's file name
    data_seed: int = 0  # seed of the train/validation split
    metrics: dict = field(default_factory=dict)  # final numbers, e.g. val_loss, active_fraction
    history: list[dict] = field(default_factory=list)  # one EpochMetrics dict per epoch
    name: str = ""  # folder name once saved or loaded
    epoch_views: list[np.ndarray] = field(default_factory=list)  # per epoch: (n_shown, 2) float16 view of the code
    _fingerprint: tuple[int, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def config(self) -> ModelConfig:
        return self.model.config

    def fingerprint(self) -> str:
        """A key for caches, from content: a hash of the configs, the dataset it belongs to and the weights.

        Weights change only while training, which appends to `history`, so the hash is kept until the history grows
        (~2 ms for a 1 MB model). Two sessions holding equal models share cached figures; different models never do.
        """
        epochs = len(self.history)
        if self._fingerprint is None or self._fingerprint[0] != epochs:
            meta = {k: v for k, v in _meta(self).items() if k not in ("metrics", "history")}
            digest = hashlib.blake2b(json.dumps(meta, sort_keys=True).encode(), digest_size=16)
            digest.update(str(epochs).encode())
            for key, tensor in self.model.state_dict().items():
                digest.update(key.encode())
                digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
            self._fingerprint = (epochs, digest.hexdigest())
        return self._fingerprint[1]


@dataclass(frozen=True)
class CheckpointInfo:
    """What meta.json says about a checkpoint, read without loading torch or the weights."""

    name: str
    config: ModelConfig
    train_config: TrainConfig | None
    dataset: str
    data_seed: int
    metrics: dict
    history: list[dict] = field(default_factory=list)  # one dict of losses per epoch, as Checkpoint.history


def default_root() -> Path:
    """Where checkpoints live: $AEVIZ_CHECKPOINTS, else the `checkpoints/` folder of this source tree."""
    return Path(os.environ.get("AEVIZ_CHECKPOINTS", SHIPPED_DIR))


def checkpoint_path(root: str | Path, name: str) -> Path:
    """The folder for checkpoint `name` inside `root`; refuses names that are empty, odd, or leave `root`."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name) or ".." in name:
        raise CheckpointError(
            f"invalid checkpoint name {name!r}: use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit"
        )
    root = Path(root).resolve()
    path = (root / name).resolve()
    if path.parent != root:
        raise CheckpointError(f"checkpoint name {name!r} would leave the checkpoints folder")
    return path


def _meta(checkpoint: Checkpoint) -> dict:
    return {
        "format": FORMAT,
        "aeviz_version": aeviz.__version__,
        "model": checkpoint.config.to_dict(),
        "train": checkpoint.train_config.to_dict() if checkpoint.train_config else None,
        "dataset": checkpoint.dataset,
        "data_seed": checkpoint.data_seed,
        "metrics": checkpoint.metrics,
        "history": checkpoint.history,
    }


def weights_bytes(checkpoint: Checkpoint, half: bool = False) -> bytes:
    """The model's weights in safetensors format (contiguous CPU copies; float16 with `half`, for display-only models),
    with the per-epoch views beside them when the checkpoint has one per epoch of its history."""
    import torch
    from safetensors.torch import save as save_safetensors

    dtype = torch.float16 if half else torch.float32
    tensors = {k: v.detach().cpu().to(dtype).contiguous() for k, v in checkpoint.model.state_dict().items()}
    if checkpoint.epoch_views and len(checkpoint.epoch_views) == len(checkpoint.history):
        # contiguous: astype keeps a column-major view's layout (PCA of a code wider than its rows gives one)
        tensors[VIEWS] = torch.from_numpy(np.ascontiguousarray(np.stack(checkpoint.epoch_views), dtype=np.float16))
    return save_safetensors(tensors, metadata={"format": FORMAT})


def is_checkpoint(path: Path) -> bool:
    """A folder holding exactly an aeviz checkpoint's two files, its meta.json in our format (safe to replace)."""
    if path.is_symlink() or not path.is_dir():
        return False
    if sorted(p.name for p in path.iterdir()) != sorted((META, WEIGHTS)):
        return False
    try:
        parse_meta((path / META).read_bytes(), path.name)
    except (CheckpointError, OSError):
        return False
    return True


def check_target(root: str | Path, name: str, overwrite: bool = False, how_to_replace: str = "--force") -> Path:
    """The folder root/name, if a checkpoint may be written there: nothing is there yet, or an aeviz checkpoint and
    `overwrite` is set. Anything else (a file, a folder of the user's) is refused, untouched. Callers that work long
    before they save (the CLI trains first) check early with this."""
    path = checkpoint_path(root, name)
    if path.exists() or path.is_symlink():
        if not is_checkpoint(path):
            kind = "a folder that is not an aeviz checkpoint" if path.is_dir() else "a file"
            raise CheckpointError(f"{path} is {kind}; aeviz will not replace it: choose another name")
        if not overwrite:
            raise CheckpointError(f"a checkpoint named {name!r} exists already; replace it on purpose ({how_to_replace})")
    return path


def check_writable(root: str | Path) -> None:
    """Raise CheckpointError unless checkpoints can be written into `root` (made if missing): checked before a
    training, so that a read-only folder is not found out after minutes of training."""
    root = Path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as exc:
        raise CheckpointError(f"cannot write checkpoints into {root}: {exc.strerror or exc}") from None


def save_checkpoint(
    checkpoint: Checkpoint, name: str, root: str | Path | None = None, overwrite: bool = False, half: bool = False
) -> Path:
    """Write the checkpoint to root/name and return the folder.

    Nothing a user made is ever clobbered: a file, or a folder that is not an aeviz checkpoint, at root/name is refused
    untouched; an existing checkpoint is replaced only with `overwrite` (the CLI's --force, the page's confirmation).
    `half` stores the weights as float16 (half the size; they load as float32).
    Both files are written into a hidden temporary folder that is then renamed into place, so a reader never sees a
    half-written checkpoint.
    """
    root = Path(root) if root is not None else default_root()
    path = check_target(root, name, overwrite)
    root.mkdir(parents=True, exist_ok=True)
    # made like any folder (mode 0o777 less the umask), not mkdtemp's 0o700: a checkpoint the teacher writes as another
    # user must stay readable by the server's user or group
    tmp = path.parent / f".{name}.{secrets.token_hex(8)}.tmp"
    tmp.mkdir()
    try:
        (tmp / WEIGHTS).write_bytes(weights_bytes(checkpoint, half))
        (tmp / META).write_text(json.dumps(_meta(checkpoint), indent=1))
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{name}.", suffix=".old"))
            os.replace(path, old / name)
            os.replace(tmp, path)
            shutil.rmtree(old)
        else:
            os.replace(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    checkpoint.name = name
    return path


def _build(meta: dict, weights: bytes, where: str) -> Checkpoint:
    """Rebuild the model from its config and check every tensor against it before loading."""
    import torch
    from safetensors import SafetensorError
    from safetensors.torch import load as load_safetensors

    from aeviz.models import Autoencoder

    config, train_config = configs_from(meta, where)  # sizes checked against the parameter budget here
    record = record_from(meta, where, config)
    check_weights_fit(config, weights, where)
    try:
        tensors = load_safetensors(weights)
    except (SafetensorError, ValueError, RuntimeError, OSError) as exc:
        raise CheckpointError(f"{where}: {WEIGHTS} is damaged or not a safetensors file ({exc})") from None
    views = tensors.pop(VIEWS, None)
    if not all(bool(torch.isfinite(t).all()) for t in tensors.values()):
        raise CheckpointError(f"{where}: the weights hold NaN or infinite values; no page could draw this model")
    if views is not None and len(views) != len(record[3]):
        raise CheckpointError(f"{where}: {len(views)} epoch views for a history of {len(record[3])} epochs")
    model = Autoencoder(config)
    model.load_state_dict({k: v.float() for k, v in tensors.items()})
    model.eval()
    checkpoint = Checkpoint(model, train_config, *record)
    checkpoint.epoch_views = [] if views is None else list(views.numpy())
    return checkpoint


def load_checkpoint(name: str, root: str | Path | None = None, device: torch.device | None = None) -> Checkpoint:
    """Load root/name; the model comes back in eval mode on `device` (CPU by default)."""
    root = Path(root) if root is not None else default_root()
    path = checkpoint_path(root, name)
    if not (path / WEIGHTS).is_file() or not (path / META).is_file():
        raise CheckpointError(f"no checkpoint named {name!r} in {root}")
    if (path / WEIGHTS).stat().st_size > MAX_WEIGHTS_BYTES:
        raise CheckpointError(f"{name}: {WEIGHTS} is larger than {MAX_WEIGHTS_BYTES // 2**20} MB")
    checkpoint = _build(parse_meta((path / META).read_bytes(), name), (path / WEIGHTS).read_bytes(), name)
    checkpoint.name = name
    if device is not None:
        checkpoint.model.to(device)
    return checkpoint


def _complete(folder: Path) -> bool:
    """Both files of a checkpoint are there and readable; a folder this process may not read is left out, with a line
    in the server's log (a checkpoint written by another user must not take every page down)."""
    try:
        return (folder / WEIGHTS).is_file() and (folder / META).is_file() and os.access(folder / META, os.R_OK)
    except OSError as exc:
        log.warning("skipping checkpoint folder %s: %s", folder, exc)
        return False


def list_checkpoints(root: str | Path | None = None) -> list[str]:
    """Names of the checkpoint folders in root, sorted; folders without both files, or unreadable, are left out."""
    root = Path(root) if root is not None else default_root()
    try:
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if NAME_PATTERN.fullmatch(p.name) and _complete(p))
    except OSError as exc:
        log.warning("cannot list checkpoints in %s: %s", root, exc)
        return []


def read_meta(name: str, root: str | Path | None = None) -> dict:
    """A checkpoint's meta.json without loading its weights (for listings)."""
    path = checkpoint_path(Path(root) if root is not None else default_root(), name)
    return parse_meta((path / META).read_bytes(), name)


def read_info(name: str, root: str | Path | None = None) -> CheckpointInfo:
    """A checkpoint's configs, dataset and metrics from its meta.json alone."""
    meta = read_meta(name, root)
    config, train_config = configs_from(meta, name)
    return CheckpointInfo(
        name,
        config,
        train_config,
        *record_from(meta, name, config),
    )


def to_zip(checkpoint: Checkpoint) -> bytes:
    """The checkpoint as a zip of its two files, for a browser download."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(WEIGHTS, weights_bytes(checkpoint))
        archive.writestr(META, json.dumps(_meta(checkpoint), indent=1))
    return buffer.getvalue()


def from_zip(payload: bytes, where: str = "the uploaded zip") -> Checkpoint:
    """A checkpoint from a zip made by `to_zip` (an upload); nothing in it is unpickled or written to disk."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            sizes = {i.filename: i.file_size for i in archive.infolist()}
            if set(sizes) != {WEIGHTS, META}:
                raise CheckpointError(f"{where} must hold exactly {WEIGHTS} and {META}, found {sorted(sizes)[:5]}")
            if sizes[WEIGHTS] > MAX_WEIGHTS_BYTES or sizes[META] > MAX_WEIGHTS_BYTES:
                raise CheckpointError(f"{where} is too large")
            meta, weights = archive.read(META), archive.read(WEIGHTS)
    except CheckpointError:
        raise
    except ZIP_ERRORS as exc:
        raise CheckpointError(f"{where} is not a valid zip file ({exc})") from None
    return _build(parse_meta(meta, where), weights, where)
