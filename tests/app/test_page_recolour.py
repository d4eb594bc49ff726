"""The Recolouring page."""

from tests.app.helpers import (
    open_page,
    run_job,
)


def test_recolour_page_shows_both_models_and_says_what_their_numbers_show(app):
    """The sentence is the one recomputed here from the shipped models' recolourings; the table carries each model's
    PSNR over the held-out patches; on a training photo there is no goal; a retrained regression model (3 epochs)
    replaces the shipped one."""
    from aeviz.applications import colouring, recolour_sentence
    from aeviz.checkpoints import SHIPPED_DIR, load_checkpoint
    from aeviz.colours import colourfulness
    from aeviz.datasets import photo_dataset
    from aeviz.evaluation import score
    from aeviz.photos import grayscale, load_photo, recolour_photo, recolour_rows
    from aeviz.pretrain import RECOLOUR_DIR, recolour_recipes

    at = open_page(app, "views/recolour.py")
    assert not at.error and len(at.image) == 4
    models = {r.model_options["head"]: load_checkpoint(r.name, SHIPPED_DIR / RECOLOUR_DIR).model for r in recolour_recipes()}
    image = load_photo("flower")
    found = {"gray": colouring(image, grayscale(image))}
    found |= {head: colouring(image, recolour_photo(model, image)) for head, model in models.items()}
    assert at.info[0].value == recolour_sentence(found, colourfulness(image), held_out=True)
    assert "The goal on the held-out photo" in at.info[0].value
    table = next(m.value for m in at.markdown if m.value.startswith("| | difference"))
    data = photo_dataset()
    held = score(data.X_val, recolour_rows(models["ab-bins"], data.X_val, (32, 32)), (32, 32))
    row = next(line for line in table.splitlines() if line.startswith("| re-weighted distribution model"))
    assert f"| {found['ab-bins'].difference:.4f} |" in row and f"{held.psnr:.2f} dB" in row
    at.selectbox(key="recolour_photo").set_value("astronaut").run()
    assert not at.exception and "goal" not in at.info[0].value
    at.radio(key="recolour_head").set_value("ab")
    at.slider(key="recolour_epochs").set_value(3)
    run_job(at, "recolour_train")
    assert "Trained the regression model for 3 epochs" in at.success[0].value
    captions = [image.proto.imgs[0].caption for image in at.get("image")]
    assert "regression model (yours)" in captions and "re-weighted distribution model (shipped)" in captions
