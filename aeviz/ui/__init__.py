"""The one part of aeviz that imports streamlit: cached loaders, session state, the sidebar, and display helpers.

Pages call these as `ui.<name>`; the modules split what would otherwise be one long file:
resources (shared caches), state (what pages share: the session, the active model, the sidebar), caches (per-model
computations keyed by content), display (drawing).
"""

from aeviz.ui.caches import VIEW_SAMPLES, code_view, codes, pca_view, ranges, teaching_pca, view_labels, view_rows
from aeviz.ui.display import browser_decoder, hover_images, show_error, show_image, training_monitor
from aeviz.ui.resources import builtin_dataset, model_sources, start_umap_warm_up, stored_checkpoint, user_dir
from aeviz.ui.state import (
    DEFAULT_MODEL,
    ActiveModel,
    PickedPoint,
    Session,
    SparsityPair,
    TrainRun,
    active_info,
    active_model,
    dataset_for,
    describe,
    require_dataset,
    save_session_model,
    session,
    session_model,
    set_session_model,
    sidebar,
    uploaded_dataset,
)

__all__ = [
    "DEFAULT_MODEL",
    "VIEW_SAMPLES",
    "ActiveModel",
    "PickedPoint",
    "Session",
    "SparsityPair",
    "TrainRun",
    "active_info",
    "active_model",
    "browser_decoder",
    "builtin_dataset",
    "code_view",
    "codes",
    "dataset_for",
    "describe",
    "hover_images",
    "model_sources",
    "pca_view",
    "ranges",
    "require_dataset",
    "save_session_model",
    "session",
    "session_model",
    "set_session_model",
    "show_error",
    "show_image",
    "sidebar",
    "start_umap_warm_up",
    "stored_checkpoint",
    "teaching_pca",
    "training_monitor",
    "uploaded_dataset",
    "user_dir",
    "view_labels",
    "view_rows",
]
