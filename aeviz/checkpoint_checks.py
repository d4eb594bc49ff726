"""Checks on a checkpoint's two files before anything is built from them: its meta.json (format, size, nesting, the
configs' types and sizes, the recorded dataset, metrics and history) and its weight file's header against the config.

Split from `aeviz.checkpoints` (which reads and writes checkpoints) so that each file stays short.
"""

from __future__ import annotations

import json
import re

from aeviz.configs import DATASET_FEATURES, MAX_EPOCHS, ModelConfig, TrainConfig
from aeviz.errors import CheckpointError

WEIGHTS = "model.safetensors"
META = "meta.json"
FORMAT = "aeviz-checkpoint/1"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
MAX_WEIGHTS_BYTES = 64 * 2**20
MAX_META_BYTES = 4 * 2**20  # a 1,000-epoch history is ~0.3 MB
HISTORY_KEYS = frozenset(  # EpochMetrics' fields: a row with other keys is refused (padding can cost gigabytes)
    ("epoch", "train_loss", "val_loss", "recon_loss", "penalty", "val_recon", "active_fraction", "seconds")
)
# What a weight tensor's header may say: float32, or float16 for display-only models stored at half size (the shipped
# k-sweep); both load as the float32 the model needs.
DTYPES = {"F32": "torch.float32", "F16": "torch.float32"}
VIEWS = "epoch_views"  # the optional tensor beside the weights: the 2-D view of the shown rows after every epoch
MAX_VIEW_ROWS = 1_000  # rows per epoch view (float16, so 1,000 epochs of them are at most 4 MB)


def parse_meta(raw: bytes, where: str) -> dict:
    """meta.json's content, if it is a bounded, sanely nested JSON object in aeviz's checkpoint format."""
    if len(raw) > MAX_META_BYTES:
        raise CheckpointError(f"{where}: {META} is larger than {MAX_META_BYTES // 2**20} MB")
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{where}: {META} is not valid JSON ({exc})") from None
    except RecursionError:
        raise CheckpointError(f"{where}: {META} is nested too deeply to be an aeviz checkpoint") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{where}: {META} is not an aeviz checkpoint (expected format {FORMAT})")
    return meta


def configs_from(meta: dict, where: str) -> tuple[ModelConfig, TrainConfig | None]:
    """The model and training configs of meta.json; their types and sizes are checked by the configs themselves."""
    try:
        config = ModelConfig.from_dict(meta["model"])
        train_config = TrainConfig.from_dict(meta["train"]) if meta.get("train") else None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:  # AevizError is a ValueError
        raise CheckpointError(f"{where}: the saved configuration is invalid ({exc})") from None
    return config, train_config


def record_from(meta: dict, where: str, config: ModelConfig) -> tuple[str, int, dict, list[dict]]:
    """What a checkpoint records beside its configs: dataset name, data seed, metrics, history, each checked; a
    built-in dataset must have as many features as the model has inputs."""
    dataset, seed = meta.get("dataset", ""), meta.get("data_seed", 0)
    if not isinstance(dataset, str) or not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63:
        raise CheckpointError(f"{where}: the saved dataset name or data seed is invalid (a seed is a whole number ≥ 0)")
    if DATASET_FEATURES.get(dataset, config.n_features) != config.n_features:
        raise CheckpointError(
            f"{where}: the model takes {config.n_features} inputs, but {dataset} has {DATASET_FEATURES[dataset]} "
            "features: it cannot have been trained on it"
        )
    return dataset, seed, _metrics(meta, where), _history(meta, where)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _metrics(meta: dict, where: str) -> dict:
    metrics = meta.get("metrics") or {}
    if not isinstance(metrics, dict) or not all(isinstance(k, str) and _number(v) for k, v in metrics.items()):
        raise CheckpointError(f"{where}: the saved metrics are not a table of numbers")
    return dict(metrics)


def _history(meta: dict, where: str) -> list[dict]:
    history = meta.get("history") or []
    needed = ("epoch", "train_loss", "val_loss")
    if not isinstance(history, list) or len(history) > MAX_EPOCHS:
        raise CheckpointError(f"{where}: the saved training history is damaged (a list of at most {MAX_EPOCHS} epochs)")
    for row in history:
        if not isinstance(row, dict) or not all(_number(row.get(k)) for k in needed):
            raise CheckpointError(f"{where}: the saved training history is damaged (each epoch needs {', '.join(needed)})")
        if not set(row) <= HISTORY_KEYS or not all(_number(v) for v in row.values()):
            raise CheckpointError(
                f"{where}: the saved training history has unknown entries: {sorted(set(row) - HISTORY_KEYS)[:3]}"
            )
    return [dict(row) for row in history]


def _header_shapes(weights: bytes, where: str) -> dict[str, tuple[str, tuple[int, ...]]]:
    """{tensor name: (dtype, shape)} from a safetensors file's header (8-byte length, then JSON), read before loading."""
    damaged = f"{where}: {WEIGHTS} is damaged or not a safetensors file"
    if len(weights) < 8:
        raise CheckpointError(damaged)
    length = int.from_bytes(weights[:8], "little")
    if length > min(len(weights) - 8, MAX_META_BYTES):
        raise CheckpointError(damaged)
    try:
        header = json.loads(weights[8 : 8 + length])
        return {k: (v["dtype"], tuple(v["shape"])) for k, v in header.items() if k != "__metadata__"}
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        raise CheckpointError(damaged) from None


def check_weights_fit(config: ModelConfig, weights: bytes, where: str) -> None:
    """Compare the weight file's header with the tensors the config needs, before anything is allocated (the model is
    laid out on torch's meta device, which holds shapes only)."""
    import torch

    from aeviz.models import Autoencoder

    with torch.device("meta"):
        expected = {k: (str(v.dtype), tuple(v.shape)) for k, v in Autoencoder(config).state_dict().items()}
    found = _header_shapes(weights, where)
    views = found.pop(VIEWS, None)
    if views is not None:
        dtype, shape = views
        if dtype != "F16" or len(shape) != 3 or shape[0] > MAX_EPOCHS or shape[1] > MAX_VIEW_ROWS or shape[2] != 2:
            raise CheckpointError(f"{where}: the stored epoch views are not (epochs, rows, 2) float16 within the limits")
    missing, unexpected = set(expected) - set(found), set(found) - set(expected)
    if missing or unexpected:
        raise CheckpointError(
            f"{where}: the weights do not fit the config "
            f"(missing {sorted(missing)[:3]}, unexpected {sorted(unexpected)[:3]})"
        )
    for key, (dtype, shape) in found.items():
        if shape != expected[key][1]:
            raise CheckpointError(f"{where}: tensor {key} has shape {shape}, the config needs {expected[key][1]}")
        if DTYPES.get(dtype) != expected[key][0]:
            raise CheckpointError(f"{where}: tensor {key} is stored as {dtype}, the model needs F32 or F16 (float)")
