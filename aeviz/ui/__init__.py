"""The one part of aeviz that imports streamlit: cached loaders, session state, the sidebar, and display helpers.

Pages call these as `ui.<name>`; the modules split what would otherwise be one long file: resources (server-wide
caches: datasets, stored checkpoints, the job pool), records (what a session keeps, typed), state (the session, the active
model, the live store, saves), datasets (the active model's data), sidebar, model_caches (per-model computations keyed by
content), application_caches (the application pages'), display (drawing), job_panel (a page's view of the job pool).
"""

from aeviz.ui.checkpoint_panels import load_panel, save_panel
from aeviz.ui.datasets import active_dataset, dataset_for, require_dataset, uploaded_dataset
from aeviz.ui.display import browser_decoder, hover_images, show_error, show_image, training_monitor
from aeviz.ui.job_panel import collect_jobs, job_panel, pending_job, submit
from aeviz.ui.lecture import beside, explain, key_figure, on_stage, presenting
from aeviz.ui.model_caches import (
    VIEW_SAMPLES,
    code_view,
    codes,
    model_error,
    pca_errors,
    pca_view,
    principal_angles,
    ranges,
    slow_views,
    slow_views_job,
    teaching_pca,
    view_labels,
    view_rows,
)
from aeviz.ui.records import ActiveModel, PickedPoint, Session, SparsityPair, SweepRun, TrainRun
from aeviz.ui.resources import (
    builtin_dataset,
    job_pool,
    model_sources,
    shared_result,
    shared_results,
    shipped_capacity,
    shipped_denoisers,
    shipped_lambda_sweep,
    shipped_photo_upscaler,
    shipped_recolourer,
    shipped_sweep,
    start_umap_warm_up,
    stored_checkpoint,
    user_dir,
)
from aeviz.ui.sidebar import describe, sidebar
from aeviz.ui.state import (
    DEFAULT_MODEL,
    active_info,
    active_model,
    keep_live,
    live_store,
    save_session_model,
    session,
    session_model,
    set_session_model,
)

__all__ = [
    "beside",
    "on_stage",
    "presenting",
    "explain",
    "key_figure",
    "load_panel",
    "save_panel",
    "slow_views",
    "slow_views_job",
    "submit",
    "pending_job",
    "job_panel",
    "collect_jobs",
    "live_store",
    "keep_live",
    "job_pool",
    "shipped_denoisers",
    "shipped_photo_upscaler",
    "shipped_recolourer",
    "DEFAULT_MODEL",
    "VIEW_SAMPLES",
    "ActiveModel",
    "PickedPoint",
    "Session",
    "SparsityPair",
    "SweepRun",
    "TrainRun",
    "active_dataset",
    "active_info",
    "active_model",
    "browser_decoder",
    "builtin_dataset",
    "code_view",
    "codes",
    "dataset_for",
    "describe",
    "hover_images",
    "shared_results",
    "model_error",
    "model_sources",
    "pca_errors",
    "pca_view",
    "principal_angles",
    "ranges",
    "require_dataset",
    "save_session_model",
    "session",
    "session_model",
    "set_session_model",
    "shared_result",
    "shipped_capacity",
    "shipped_lambda_sweep",
    "shipped_sweep",
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
