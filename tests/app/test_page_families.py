"""The Four families page."""

from aeviz.families import FAMILIES
from tests.app.helpers import open_page


def test_every_family_is_shown_with_its_error_recomputed_and_pca_s_at_its_code_size(app):
    """Recomputed from the shipped models on the validation digits: each family's MSE and PCA's with as many
    components as its code (scikit-learn), and the page's table says the same."""
    import numpy as np
    from sklearn.decomposition import PCA

    from aeviz.checkpoints import load_checkpoint
    from aeviz.datasets import load_dataset
    from aeviz.latent import reconstruct

    data = load_dataset("mnist")
    at = open_page(app, "views/families.py")
    table = at.dataframe[0].value
    assert list(table["family"]) == [f.name for f in FAMILIES]
    for i, family in enumerate(FAMILIES):
        model = load_checkpoint(family.model)
        error = float(np.mean((reconstruct(model.model, data.X_val) - data.X_val) ** 2))
        k = model.config.latent_dim
        pca = PCA(k, random_state=0).fit(data.X_train)
        flat = float(np.mean((pca.inverse_transform(pca.transform(data.X_val)) - data.X_val) ** 2))
        assert abs(table["validation MSE"][i] - round(error, 4)) <= 1e-4
        assert abs(table["PCA, same code size"][i] - round(flat, 4)) <= 1e-4
        assert table["code units"][i] == k and table["parameters"][i] == model.config.n_parameters
    assert any(m.value.startswith("Lowest validation error:") for m in at.markdown)
