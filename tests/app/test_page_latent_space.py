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
