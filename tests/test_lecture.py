"""aeviz.lecture: the steps point at pages, figures and settings that exist, and each formula-with-numbers says what
an independent computation says."""

import re
from pathlib import Path

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio
from sklearn.decomposition import PCA

from aeviz.configs import ModelConfig
from aeviz.lecture import (
    STEPS,
    code_sentence,
    copy_latex,
    gap_latex,
    losses_latex,
    psnr_latex,
    shapes_latex,
    step,
    step_number,
    versus_latex,
    views_sentence,
    walk_sentence,
)
from aeviz.pca import TeachingPCA, choice_sentence, recast_sentence
from aeviz.sitemap import PAGES

ROOT = Path(__file__).resolve().parent.parent
FILES = {p.url_path: ROOT / p.file for p in PAGES}


@pytest.mark.parametrize("number", range(1, len(STEPS) + 1))
def test_each_step_names_a_page_that_draws_its_figure_and_binds_its_settings(number):
    """A renamed figure or widget key would leave a step that shows nothing, or a step whose settings do nothing."""
    shown = step(number)
    source = FILES[shown.page].read_text()
    assert f'key_figure("{shown.figure}")' in source
    for key, _ in shown.settings:
        assert re.search(rf'key="{key}"[^)]*bind=', source, re.S), key


def test_the_steps_follow_the_lecture_and_cover_every_lecture_page():
    """Pages appear in the navigation's order (the lecture's), and every page but the outline and the gallery has a step."""
    order = [p.url_path for p in PAGES]
    firsts = [order.index(s.page) for s in STEPS]
    assert firsts == sorted(firsts)
    assert {s.page for s in STEPS} == set(order) - {"lecture", "gallery"}  # the outline and the class's models


@pytest.mark.parametrize("value", [None, "", "0", "-1", "x", "1.5", str(len(STEPS) + 1), " 99999999999999999999 "])
def test_a_bad_step_in_the_url_is_no_step(value):
    assert step_number(value) is None


def test_a_step_link_opens_its_page_with_its_settings():
    assert step_number("3") == 3
    assert STEPS[0].url(1, present=True) == "/?step=1&present=1"  # Home is served at /
    number, pca_4 = next((i, s) for i, s in enumerate(STEPS, 1) if s.figure == "pca_4")
    assert pca_4.url(number) == f"/pca_steps?step={number}&pca_k=8"


def test_shapes_name_every_layer_of_the_model():
    config = ModelConfig(arch="mlp", n_features=784, latent_dim=2, hidden=(256, 128))
    assert r"784 \to 256 \to 128 \to 2" in shapes_latex(config)
    assert r"784 \to 16" in shapes_latex(ModelConfig(arch="vanilla", n_features=784, latent_dim=16))
    conv = ModelConfig(arch="conv", n_features=784, latent_dim=8, image_shape=(28, 28))
    assert r"16\cdot8\cdot8" in shapes_latex(conv)


@pytest.mark.parametrize(("latent", "word"), [(2, "undercomplete"), (784, "complete"), (1024, "overcomplete")])
def test_the_code_sentence_names_the_completeness(latent, word):
    assert f"— {word}:" in code_sentence(ModelConfig(arch="vanilla", n_features=784, latent_dim=latent))


def test_losses_show_the_reconstruction_parts_and_their_gap():
    """A penalised history reports its reconstruction errors, not the loss with the penalty."""
    history = [{"train_loss": 0.9, "val_loss": 0.9, "recon_loss": 0.0200, "val_recon": 0.0250}]
    shown = losses_latex(history)
    assert "0.0200" in shown and "0.0250" in shown and r"+25\%" in shown and "0.9" not in shown
    assert r"\mathrm{BCE}" in losses_latex(history, "bce")


def test_the_gap_formula_computes_the_gap():
    assert gap_latex(0.0200, 0.0300).endswith(r"= +50\%")
    assert gap_latex(0.0400, 0.0300).endswith(r"= -25\%")


def test_psnr_with_its_mse_equals_scikit_image():
    rng = np.random.default_rng(0)
    clean = rng.random(784)
    restored = np.clip(clean + rng.normal(0, 0.05, 784), 0, 1)
    expected = peak_signal_noise_ratio(clean, restored, data_range=1.0)
    mse = float(np.mean((clean - restored) ** 2))
    assert f"= {expected:.1f}" in psnr_latex(clean, restored) and f"{mse:.4f}" in psnr_latex(clean, restored)
    assert r"\infty" in psnr_latex(clean, clean)


def test_views_sentence_names_the_better_view_for_each_score():
    sentence = views_sentence((0.85, 0.57), (0.75, 0.43))
    assert sentence.startswith("The code keeps") and "the code separates" in sentence and "57% against 43%" in sentence
    assert views_sentence((0.70, None), (0.75, None)).startswith("PCA keeps")


def test_copy_latex_lists_every_model_with_its_share():
    shown = copy_latex({"under": 16, "over": 1024}, {"under": 0.05, "over": 0.3}, 784, "strokes")
    assert r"16\!:\ 5\%" in shown and r"1024\!:\ 30\%" in shown and "d = 784" in shown
    seven = copy_latex({f"m{i}": 2**i for i in range(7)}, {f"m{i}": 0.1 for i in range(7)}, 784, "strokes")
    assert seven.count(r"\\") == 1 + 2, "three models' figures a row: three rows under the heading"


def test_versus_latex_and_walk_sentence_carry_their_numbers():
    assert "0.0546" in versus_latex(2, 0.0546, 0.0480) and "0.0480" in versus_latex(2, 0.0546, 0.0480)
    ranges = np.array([[-5.5, 17.6], [-19.1, 12.4]])
    assert "z0 from -5.5 to 17.6, z1 from -19.1 to 12.4" in walk_sentence(0, ranges, [0, 1])


def test_choosing_k_keeps_the_share_scikit_learn_explains(digits):
    X = digits.X_train
    pca = TeachingPCA(64, standardize=False).fit(X)
    share = PCA(8).fit(X).explained_variance_ratio_.sum()
    assert f"keep {share:.1%}" in choice_sentence(pca.ratios_, 8)
    assert f"add {pca.ratios_[8]:.1%}" in choice_sentence(pca.ratios_, 8)
    assert "8 number(s) instead of 64" in recast_sentence(64, 8, share)


def test_families_name_the_best_and_every_family_pca_beats():
    from aeviz.families import FamilyRow, families_latex, families_sentence

    rows = [
        FamilyRow("vanilla", "784-64-784", 101_200, 64, 0.0126, 0.0094, 0.92),
        FamilyRow("convolutional", "conv", 8_625, 16, 0.0262, 0.0271, 0.89),
    ]
    sentence = families_sentence(rows)
    assert sentence.startswith("Lowest validation error: vanilla (0.0126, 101,200 parameters).")
    assert "Fewest parameters: convolutional (8,625)" in sentence
    assert "Below PCA at the same code size: convolutional." in sentence
    assert "Not below PCA at the same code size: vanilla." in sentence
    assert r"\text{vanilla (64)}:\ 0.0126\ \text{vs}\ 0.0094" in families_latex(rows)
