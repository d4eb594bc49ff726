"""Every page: opens from a shipped model, reads the model from the URL, survives hostile URL values, and the sidebar."""

import json

import pytest

from aeviz.sitemap import HOME, PAGES
from tests.app.helpers import new_session, open_page, page_text, run_job

FILES = [page.file for page in PAGES]
IDS = [page.url_path for page in PAGES]


@pytest.mark.parametrize("page", FILES, ids=IDS)
def test_page_opens_with_a_shipped_model(app, page):
    """Each page shows something on first open, before anyone trains."""
    at = open_page(app, page)
    assert at.title and not at.error
    assert at.selectbox(key="model_picker").value == "mnist-mlp-2d"


def test_home_links_every_other_page_from_the_one_list(app):
    """Home's links are the page list's, in its order, each with its purpose (a page left out of Home fails)."""
    links = [(link.proto.page, link.proto.label) for link in app.get("page_link")]
    assert links == [(page.url_path, page.purpose) for page in PAGES if page is not HOME]


def test_query_parameters_open_the_same_view():
    at = new_session({"model": "digits-2d"})
    assert at.selectbox(key="model_picker").value == "digits-2d"


def test_switching_model_in_the_sidebar(app):
    at = open_page(app, "views/latent_space.py")
    at.selectbox(key="model_picker").set_value("mnist-conv").run()
    assert not at.exception
    assert at.radio(key="space_method").value == "pca"  # a 16-D code gets a projection choice
    assert at.query_params["model"] in ("mnist-conv", ["mnist-conv"])


def test_an_expired_live_model_gives_way_to_a_shipped_one_with_a_message(app):
    at = open_page(app, "views/train.py")
    at.selectbox(key="train_dataset").set_value("digits")
    at.slider(key="train_epochs").set_value(1)
    run_job(at, "train")
    state = at.session_state["aeviz"]
    state.live_name = state.active_name = "live:" + "0" * 32  # what the store no longer holds after the idle time
    at.run()
    assert "idle too long" in at.sidebar.info[0].value
    assert at.selectbox(key="model_picker").value == "mnist-mlp-2d" and state.live_name == ""


@pytest.mark.parametrize("page", ["views/latent_space.py", "views/latent_walk.py"])
def test_tabular_model_pages(page):
    """The swiss roll (no images) draws its points instead of pictures: 2-D views of its 400 validation points on
    Latent space, decoded points in 3-D among the training rows on Latent walk; no image anywhere."""
    at = new_session({"model": "swiss-roll-2d"})
    at.switch_page(page).run()
    assert not at.exception and not at.error and not at.get("image")
    kinds = [[trace["type"] for trace in json.loads(c.proto.spec)["data"]] for c in at.get("plotly_chart")]
    if page == "views/latent_space.py":
        assert len(kinds) == 2 and all(set(k) <= {"scatter", "scattergl"} for k in kinds)
    else:
        assert kinds and all("scatter3d" in k for k in kinds)


HOSTILE_QUERIES = {  # grouped so that each page meets every value in a few runs
    "old names": {"latent": "abc", "l1": "x", "dataset": "nope", "arch": "x"},  # no longer read
    "old names, out of range": {"latent": "0", "l1": "5"},
    "not numbers": {
        "train_latent": "abc",
        "train_l1": "x",
        "train_epochs": "-3",
        "train_lr": "nan",
        "sparsity_lambda": "1e9",
        "sparsity_epochs": "x",
        "space_dims": "7",
        "capacity_rows": "x",
        "pca_standardize": "maybe",
        "model": "../../etc",
    },
    "out of range": {
        "train_latent": "0",
        "train_l1": "5",
        "train_seed": "-1",
        "train_batch": "7",
        "capacity_rows": "70000",
        "model": "",
    },
    "the newly bound": {
        "walk_row": "-5",
        "walk_dims": "99",
        "walk_z0": "1e308",
        "grid_x": "x",
        "grid_steps": "1000",
        "interp_a": "nan",
        "interp_steps": "2",
        "upscale_index": "99999",
        "upscale_patch": "99999",
        "recolour_photo": "../../etc/passwd",
        "recolour_epochs": "0",
        "recolour_head": "ab-bins<script>",
        "pca_k": "-1",
        "sweep_angle_k": "3",
        "sparsity_source": "<b>x</b>",
        "train_hidden": "9" * 400,
        "denoise_kind": "Blur",
    },
    "markup and paths": {
        "train_latent": "99999999",
        "train_dataset": "../../etc/passwd",
        "train_arch": "<script>alert(1)</script>",
        "space_method": "umap'; drop",
        "model": "live:not-a-key",
    },
}


@pytest.mark.parametrize("page", FILES, ids=IDS)
@pytest.mark.parametrize("query", HOSTILE_QUERIES.values(), ids=HOSTILE_QUERIES.keys())
def test_hostile_query_values_fall_back_to_defaults(page, query):
    """A bad value in the URL never crashes a page: bound widgets fall back to their default, `model` to the default
    model, and no error is shown."""
    at = open_page(new_session(query), page)
    assert at.title and not at.error
    assert at.selectbox(key="model_picker").value == "mnist-mlp-2d"
    if page == "views/train.py":
        assert at.number_input(key="train_latent").value == 2 and at.number_input(key="train_l1").value == 0.0
        assert at.selectbox(key="train_dataset").value == "mnist" and at.slider(key="train_epochs").value == 15
    if page == "views/capacity.py":
        assert at.select_slider(key="capacity_rows").value == 1_000


VALUE_WIDGETS = (
    "checkbox", "color_picker", "date_input", "multiselect", "number_input", "radio", "select_slider", "selectbox",
    "slider", "text_area", "text_input", "time_input", "toggle",
)  # fmt: skip
NOT_IN_THE_URL = {
    "model_picker": "the sidebar's model is written to ?model= by the session itself (a live model's key included)",
    "save_name": "a name to save under is the input of one click, not a view a link should reopen",
    "save_replace": "a link must never arrive with 'replace my saved model' ticked",
    "lecture_present": "the presenter switch writes ?present=1 itself, which every page reads (aeviz.ui.lecture)",
}
# Queries that bring out a page's conditional widgets: λ and epochs of a pair trained now, the projection choice of a
# wider code, the server sliders and the dimension picker of a 64-unit code, the other corruptions, the faces. A choice
# is in the URL as the label the student reads (Streamlit's binding of option widgets).
REVEALING = {
    "views/sparsity.py": [{"sparsity_source": "train a pair now with my λ"}],
    "views/latent_space.py": [{"model": "mnist-conv"}],
    "views/latent_walk.py": [{"model": "mnist-sparse-l0", "walk_browser": "false"}],
    "views/denoise.py": [{"denoise_kind": "Masking"}, {"denoise_kind": "Salt and pepper"}],
    "views/upscale.py": [{"upscale_source": "faces (25×25)"}],
}


def value_widgets(at) -> list:
    return [w for kind in VALUE_WIDGETS for w in getattr(at, kind)]


@pytest.mark.parametrize("page", FILES, ids=IDS)
def test_every_widget_of_every_page_is_bound_to_the_url_under_its_key(page):
    """Walks each page's widgets (with the queries that show its conditional ones): every value widget lives in the
    URL under its own key (a lecture step or a shared link can set it), except the few named in NOT_IN_THE_URL."""
    seen = set()
    for query in [{}, *REVEALING.get(page, [])]:
        at = open_page(new_session(query), page)
        for widget in value_widgets(at):
            seen.add(widget.key)
            if widget.key not in NOT_IN_THE_URL:
                assert widget.proto.query_param_key == widget.key, f"{widget.key} is not bound to the URL"
    assert "model_picker" in seen  # the walk saw the page (Home has no widget of its own)
    assert set(REVEALED.get(page, ())) <= seen  # the revealing queries did reveal


REVEALED = {
    "views/latent_space.py": ["space_method", "space_dims"],
    "views/sparsity.py": ["sparsity_lambda", "sparsity_epochs"],
    "views/latent_walk.py": ["walk_dims", "walk_z0", "walk_z15"],
    "views/denoise.py": ["denoise_masking", "denoise_salt_pepper"],
    "views/upscale.py": ["upscale_faces"],
}


def test_a_link_to_a_live_model_the_server_no_longer_keeps_says_so():
    """A link made before the server restarted (or left idle too long) opens the default model with a line that says
    why (it did so without a word)."""
    at = new_session({"model": "live:" + "0" * 32})
    assert at.selectbox(key="model_picker").value == "mnist-mlp-2d"
    assert "no longer kept on the server" in at.sidebar.info[0].value


@pytest.mark.parametrize("page", FILES, ids=IDS)
def test_every_score_a_page_shows_is_defined_on_it(page):
    """PSNR, SSIM, trustworthiness and 5-NN accuracy each come with their one definition (aeviz.glossary), in the
    page's text or in the help of the metric that shows them."""
    from aeviz.glossary import TERMS, terms_in

    for query in [{}, *REVEALING.get(page, [])]:
        at = open_page(new_session(query), page)
        text, helps = page_text(at)
        missing = [term for term in terms_in(text) if TERMS[term] not in text and TERMS[term] not in helps]
        assert not missing, f"{page} {query} uses {missing} without defining them"
