"""The Lecture page and lecture mode: every step opens its page with the strip, the key figure's formula and the same
formula with numbers that an independent computation gives; Next, Previous and Reset move through the steps."""

import pytest

from aeviz.lecture import STEPS, step
from aeviz.ui.lecture import page_file
from tests.app.helpers import new_session, open_page

N = len(STEPS)


def open_step(number: int, present: bool = False):
    """A new session that opened the link of step `number`."""
    shown = step(number)
    at = new_session(shown.query(number, present))
    return open_page(at, page_file(shown.page))


def strip(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Step "))


def formulas(at) -> list[str]:
    """The page's formulas, in drawing order, without the $$ … $$ Streamlit wraps them in."""
    return [latex.value.strip().removeprefix("$$").removesuffix("$$").strip() for latex in at.latex]


@pytest.mark.parametrize("number", range(1, N + 1))
def test_every_step_opens_with_its_strip_formula_numbers_and_look_for(number):
    """The strip names the step; the stage draws the lecture's formula, then a formula with the page's numbers (a
    number in it), then what to look for. A page that stopped handing its numbers to the stage fails here."""
    at = open_step(number)
    shown = step(number)
    assert strip(at) == f"**Step {number} of {N}** · {shown.title}"
    latex = formulas(at)
    assert latex[0] == shown.formula
    assert any(ch.isdigit() for ch in latex[1]), latex[1]
    look_for = [m.value for m in at.markdown if m.value.startswith("**Look for:**")]
    assert len(look_for) == 1 and any(ch.isdigit() for ch in look_for[0])
    assert at.button(key="lecture_prev").disabled == (number == 1)
    assert at.button(key="lecture_next").disabled == (number == N)


def test_the_first_step_writes_the_active_model_s_sizes():
    from aeviz.checkpoints import load_checkpoint
    from aeviz.lecture import shapes_latex

    at = open_step(1)
    assert formulas(at)[1] == shapes_latex(load_checkpoint("mnist-mlp-2d").config)


def test_the_training_step_writes_the_last_epoch_s_errors():
    from aeviz.checkpoints import load_checkpoint

    last = load_checkpoint("mnist-mlp-2d").history[-1]
    numbers = formulas(open_step(2))[1]
    assert f"{last['train_loss']:.4f}" in numbers and f"{last['val_loss']:.4f}" in numbers


def test_the_sparse_step_writes_the_sparse_twin_s_loss():
    """Recomputed from the shipped λ twin on the validation digits: MSE + λ · mean Σ|a| = the total shown."""
    import numpy as np
    import torch

    from aeviz.checkpoints import load_checkpoint
    from aeviz.datasets import load_dataset

    twin = load_checkpoint("mnist-sparse-l1")
    X = load_dataset("mnist").X_val
    with torch.no_grad():
        Z = twin.model.encode(torch.from_numpy(X)).numpy()
        R = twin.model(torch.from_numpy(X)).numpy()
    mse, l1 = float(np.mean((R - X) ** 2)), float(np.abs(Z).sum(axis=1).mean())
    lam = twin.train_config.l1
    numbers = formulas(open_step(next(i for i, s in enumerate(STEPS, 1) if s.page == "sparsity")))[1]
    assert f"{{{mse:.4f}}}" in numbers and f"{{{l1:.1f}}}" in numbers and numbers.endswith(f"= {mse + lam * l1:.4f}")


def test_the_choose_k_step_writes_the_share_scikit_learn_explains():
    from sklearn.decomposition import PCA

    from aeviz.datasets import load_dataset

    number = next(i for i, s in enumerate(STEPS, 1) if s.figure == "pca_4")
    k = int(dict(step(number).settings)["pca_k"])
    share = PCA(k).fit(load_dataset("mnist").X_train).explained_variance_ratio_.sum()
    assert formulas(open_step(number))[1].endswith(f"= {100 * share:.1f}\\%")


PCA_4 = next(i for i, s in enumerate(STEPS, 1) if s.figure == "pca_4")
K = int(dict(step(PCA_4).settings)["pca_k"])

# AppTest runs the page it last switched to, not the one a button switched to: each test below makes one move.


def test_reset_puts_a_moved_slider_back_to_the_step_s_value():
    at = open_step(PCA_4)
    assert at.slider(key="pca_k").value == K
    at.slider(key="pca_k").set_value(3).run()
    assert at.slider(key="pca_k").value == 3
    at.button(key="lecture_reset").click().run()
    assert strip(at).startswith(f"**Step {PCA_4} of") and at.slider(key="pca_k").value == K


@pytest.mark.parametrize(("button", "move"), [("lecture_next", 1), ("lecture_next_clicker", 1)])
def test_next_on_the_same_page_opens_the_next_step_with_its_settings(button, move):
    """Step 8 → 9 stays on the PCA page: a k the class moved on step 8 does not leak into step 9 (PageDown too)."""
    at = open_step(PCA_4 - 1)
    at.slider(key="pca_k").set_value(5).run()
    at.button(key=button).click().run()
    assert strip(at).startswith(f"**Step {PCA_4} of") and at.slider(key="pca_k").value == K
    assert at.query_params["step"] in (str(PCA_4), [str(PCA_4)])


@pytest.mark.parametrize("button", ["lecture_prev", "lecture_prev_clicker"])
def test_previous_goes_back_to_another_page(button):
    """Step 5 (Capacity) ← step 4 (Latent walk), by the button or a clicker's PageUp."""
    at = open_step(5)
    at.button(key=button).click().run()
    assert strip(at).startswith("**Step 4 of") and not at.exception


@pytest.mark.parametrize("value", ["0", "abc", str(N + 1), "3"])
def test_a_bad_or_foreign_step_shows_the_page_as_usual(value):
    """?step=abc, a step past the end, or step 3 (Latent space) on the Denoising page: no strip, no error."""
    at = open_page(new_session({"step": value}), "views/denoise.py")
    assert not at.exception and not [m for m in at.markdown if m.value.startswith("**Step ")]


def test_the_lecture_page_lists_every_step_and_starts_the_lecture():
    at = open_page(new_session(), "views/lecture.py")
    links = [link.proto for link in at.get("page_link") if link.proto.label[:1].isdigit()]
    assert [link.label for link in links] == [f"{i}. {s.title}" for i, s in enumerate(STEPS, 1)]
    at.toggle(key="lecture_present").set_value(True).run()
    assert at.query_params["present"] in ("1", ["1"]) and at.session_state["aeviz"].presenting
    at.button(key="lecture_start").click().run()
    assert strip(at).startswith("**Step 1 of") and not at.exception


def test_present_in_the_url_turns_on_the_presenter_view():
    at = open_step(3, present=True)
    assert at.session_state["aeviz"].presenting


def test_the_lecture_warm_up_fills_the_caches_the_slow_steps_read(monkeypatch):
    """What the warm-up computes is what the pages ask for: afterwards the upscaling and denoising steps' scores and
    the sweep's errors come from the caches (scoring again would fail here)."""
    from aeviz.pretrain import recipe
    from aeviz.sweep import sweep_ks
    from aeviz.ui import application_caches as apps
    from aeviz.ui import model_caches, resources
    from aeviz.ui.lecture import _warm_steps

    _warm_steps()

    def no_second_time(*args, **kwargs):
        raise AssertionError("computed again: the warm-up missed this cache")

    monkeypatch.setattr(apps, "score", no_second_time)
    monkeypatch.setattr(apps, "restore", no_second_time)
    mnist = resources.builtin_dataset("mnist")
    apps.upscale_scores(resources.stored_checkpoint(recipe("mnist-upscale").name), mnist)
    denoisers, sigma = resources.shipped_denoisers(), recipe("mnist-denoise").train.noise_std
    apps.scores(denoisers[0.0], denoisers[sigma], mnist, "gaussian", sigma)
    monkeypatch.setattr("aeviz.sweep.pca_errors", no_second_time)
    monkeypatch.setattr("aeviz.sweep.val_error", no_second_time)
    model_caches.pca_errors(mnist, max(sweep_ks(mnist.n_features)))
    for checkpoint in resources.shipped_sweep(mnist).values():
        model_caches.model_error(checkpoint, mnist)
    model_caches.pca_errors(resources.builtin_dataset("swiss_roll"), 2)


def test_the_presenter_view_off_a_step_links_back_to_the_outline():
    """The presenter view hides the sidebar: a page opened outside a step still offers the way back."""
    at = open_page(new_session({"present": "1"}), "views/denoise.py")
    assert [link.proto.page for link in at.get("page_link")][:1] == ["lecture"]
    plain = open_page(new_session(), "views/denoise.py")
    assert "lecture" not in [link.proto.page for link in plain.get("page_link")]


@pytest.mark.parametrize("number", range(1, N + 1))
def test_every_step_shown_goes_into_the_handout_with_its_numbers_and_key_figure(number):
    """The entry is what the stage showed: the formula with numbers and the look-for sentence, and a figure."""
    at = open_step(number)
    kept = at.session_state["aeviz"].handout[number]
    assert kept.title == step(number).title and kept.numbers == formulas(at)[1]
    shown = next(m.value for m in at.markdown if m.value.startswith("**Look for:**"))
    assert shown == f"**Look for:** {kept.look_for}" and kept.figures


def test_the_lecture_page_offers_the_handout_of_the_steps_shown():
    from aeviz.handout import handout_html

    at = open_step(13)
    at = open_page(at, "views/lecture.py")
    assert "1 of 17 steps collected" in " ".join(c.value for c in at.caption)
    assert at.get("download_button")
    page = handout_html(list(at.session_state["aeviz"].handout.values()), N)
    assert "13. Sparse autoencoders" in page and "Plotly.newPlot(" in page


def test_a_step_with_a_picture_offers_it_as_a_png_for_slides():
    """The denoising step's row of digits (a montage, not a chart) comes with a PNG download button per picture."""
    at = open_step(next(i for i, s in enumerate(STEPS, 1) if s.page == "denoise"))
    buttons = [b for b in at.get("download_button") if b.proto.label.startswith("PNG:")]
    assert len(buttons) == 1
    assert not [b for b in open_step(3).get("download_button") if b.proto.label.startswith("PNG:")]  # charts only
