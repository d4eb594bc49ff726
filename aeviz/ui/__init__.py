"""The one part of aeviz that imports streamlit: cached loaders, session state, the sidebar, and display helpers.

Pages call these as `ui.<name>`; the modules split what would otherwise be one long file:
resources (shared caches), state (the active model, the sidebar), caches (per-model computations), display (drawing).
"""

from aeviz.ui.caches import VIEW_SAMPLES, codes, ranges, raw_pca, view, view_labels, view_rows
from aeviz.ui.display import browser_decoder, hover_images, show_error, show_image, training_monitor
from aeviz.ui.resources import builtin_dataset, model_sources, start_umap_warm_up, stored_checkpoint, user_dir
from aeviz.ui.state import (
    DEFAULT_MODEL,
    active_checkpoint,
    active_info,
    check_dataset,
    dataset_for,
    describe,
    session_model,
    set_session_model,
    sidebar,
    uploaded_dataset,
)

__all__ = [
    "DEFAULT_MODEL",
    "VIEW_SAMPLES",
    "active_checkpoint",
    "active_info",
    "browser_decoder",
    "builtin_dataset",
    "check_dataset",
    "codes",
    "dataset_for",
    "hover_images",
    "describe",
    "model_sources",
    "ranges",
    "raw_pca",
    "session_model",
    "set_session_model",
    "show_error",
    "show_image",
    "sidebar",
    "start_umap_warm_up",
    "stored_checkpoint",
    "training_monitor",
    "uploaded_dataset",
    "user_dir",
    "view",
    "view_labels",
    "view_rows",
]
