"""aeviz.pretrain and the shipped checkpoints/ folder."""

from pathlib import Path

import numpy as np
import pytest

from aeviz.checkpoints import SHIPPED_DIR, list_checkpoints, load_checkpoint
from aeviz.datasets import load_dataset
from aeviz.evaluation import evaluate_model
from aeviz.latent import decode
from aeviz.pretrain import RECIPES, RECOLOUR_DIR, SWEEP_DIR, make, recolour_recipes, sweep_recipes

SHIPPED = [r.name for r in RECIPES]


def test_every_recipe_is_shipped_and_small():
    """All recipes are in checkpoints/ (the k-sweep's in checkpoints/sweep, out of the model list), under 20 MB (15 MB
    until the application pages added their denoisers and upscaler: 4.4 MB)."""
    assert set(SHIPPED) <= set(list_checkpoints(SHIPPED_DIR))
    sweep = {r.name for r in sweep_recipes()}
    assert len(sweep) == 34 and sweep <= set(list_checkpoints(SHIPPED_DIR / SWEEP_DIR))
    assert not sweep & set(list_checkpoints(SHIPPED_DIR))
    assert {r.name for r in recolour_recipes()} == set(list_checkpoints(SHIPPED_DIR / RECOLOUR_DIR))
    total = sum(f.stat().st_size for f in Path(SHIPPED_DIR).rglob("*") if f.is_file())
    assert total < 20 * 2**20


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_checkpoint_loads_and_decodes(name):
    checkpoint = load_checkpoint(name, SHIPPED_DIR)
    image = decode(checkpoint.model, np.zeros(checkpoint.config.latent_dim))
    assert image.shape == (1, checkpoint.config.n_features) and np.isfinite(image).all()


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_figures_are_what_the_model_measures(name):
    """The eval figures stored with each shipped checkpoint equal a fresh evaluation (README quotes them)."""
    checkpoint = load_checkpoint(name, SHIPPED_DIR)
    fresh = evaluate_model(checkpoint.model, load_dataset(checkpoint.dataset, seed=checkpoint.data_seed))
    for key, value in fresh.items():
        assert np.isclose(checkpoint.metrics[key], value, rtol=1e-4, atol=1e-6), key


def test_shipped_sparse_twin_is_sparser():
    """The λ > 0 checkpoint has fewer active code units than its λ = 0 twin."""
    sparse, dense = load_checkpoint("mnist-sparse-l1", SHIPPED_DIR), load_checkpoint("mnist-sparse-l0", SHIPPED_DIR)
    assert sparse.train_config.l1 > 0 and dense.train_config.l1 == 0
    assert sparse.metrics["active_fraction"] < 0.7 * dense.metrics["active_fraction"]


def test_recipes_are_reproducible():
    """Making a recipe twice (one epoch) gives identical weights."""
    recipe = next(r for r in RECIPES if r.name == "digits-2d")
    a, b = make(recipe, epochs=1), make(recipe, epochs=1)
    for p, q in zip(a.model.parameters(), b.model.parameters(), strict=True):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())


def test_the_shipped_lambda_sweep_is_what_training_gives():
    """The Sparsity page draws the shipped sweep before anyone runs it: retrained here (about 10 s), the same numbers
    up to summation order; and it shows what the page says, fewer active units and more error as λ grows."""
    from aeviz.pretrain import LAMBDA_SWEEP, SPARSITY_DIR, lambda_sweep_results
    from aeviz.sparsity import SWEEP_EPOCHS, sweep_from_json

    shipped, epochs = sweep_from_json((SHIPPED_DIR / SPARSITY_DIR / LAMBDA_SWEEP).read_text())
    fresh = lambda_sweep_results()
    assert epochs == SWEEP_EPOCHS and [r[0] for r in shipped] == [r[0] for r in fresh]
    assert np.allclose([r[1:] for r in shipped], [r[1:] for r in fresh], rtol=0.02, atol=2e-3)
    active, errors = [r[1] for r in shipped], [r[2] for r in shipped]
    assert active == sorted(active, reverse=True) and errors == sorted(errors)
