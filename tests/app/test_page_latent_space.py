"""The Latent space page."""

import json

from tests.app.helpers import (
    new_session,
    open_page,
    run_job,
)


def test_t_sne_runs_in_the_pool_and_then_replaces_pca():
    """A 64-unit code: t-SNE is queued by its button, PCA shows meanwhile, then both panels show t-SNE views."""
    at = new_session({"model": "mnist-sparse-l0"})
    at = open_page(at, "views/latent_space.py")
    at.radio(key="space_method").set_value("tsne").run()
    assert any("PCA is shown until then" in c.value for c in at.caption)
    assert "PCA view" in json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["title"]["text"]
    run_job(at, "space_compute")
    figures = [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]
    assert figures == ["Autoencoder code (t-SNE view)", "PCA of the inputs, 64 component(s), t-SNE view"]
    assert at.success[0].value == "t-SNE is ready."


def test_the_swiss_roll_page_says_whether_the_code_unrolled_it():
    """Recomputed with scipy from the shipped swiss-roll model's codes: its best code axis barely orders the points
    along the roll, and the page says the code has not unrolled it (a low error was read as unrolling)."""
    from scipy.stats import spearmanr

    from aeviz.checkpoints import load_checkpoint
    from aeviz.datasets import load_dataset
    from aeviz.latent import encode_dataset

    data = load_dataset("swiss_roll")
    X, t = data.X_val[:1000], data.y_val[:1000]
    Z = encode_dataset(load_checkpoint("swiss-roll-2d").model, X)
    rho = max(abs(spearmanr(Z[:, j], t)[0]) for j in range(Z.shape[1]))
    assert rho < 0.9
    at = open_page(new_session({"model": "swiss-roll-2d"}), "views/latent_space.py")
    (said,) = [m.value for m in at.markdown if m.value.startswith("Unrolled?")]
    assert f"|Spearman ρ| = {rho:.2f}" in said and "not unrolled it" in said


def test_each_view_names_its_axes():
    """The code of a 2-D model is drawn as it is (z₀, z₁); PCA's view of the inputs by its components (PC 1, PC 2),
    which it labelled z₀, z₁ like the code."""
    import json

    at = open_page(new_session(), "views/latent_space.py")
    specs = {c.key: json.loads(c.proto.spec)["layout"] for c in at.get("plotly_chart")}
    code, pca = specs["space_model"], specs["space_pca"]
    assert (code["xaxis"]["title"]["text"], code["yaxis"]["title"]["text"]) == ("z₀", "z₁")
    assert (pca["xaxis"]["title"]["text"], pca["yaxis"]["title"]["text"]) == ("PC 1", "PC 2")


def test_a_two_unit_code_offers_no_third_dimension():
    """A 2-D code is drawn as it is: no 3-D choice (it drew an empty third axis); a 16-unit code has one."""
    at = open_page(new_session({"space_dims": "3"}), "views/latent_space.py")
    assert not [r for r in at.radio if r.key == "space_dims"] and not at.exception
    wide = open_page(new_session({"model": "mnist-conv"}), "views/latent_space.py")
    assert wide.radio(key="space_dims").options == ["2-D", "3-D"]
