"""aeviz.plots: figures carry what the pages need (row indices, one trace per class) and selections map back to rows."""

import re
from pathlib import Path

import numpy as np
import pytest

from aeviz.configs import ModelConfig
from aeviz.plots import (
    COLOR,
    PALETTE,
    architecture_svg,
    code_axis_titles,
    histogram_fig,
    lambda_sweep_fig,
    latent_scatter_fig,
    log_ticks,
    loss_curves_fig,
    points_3d_fig,
    selected_row,
    unit_means_fig,
)


def test_class_scatter_has_a_trace_per_class_carrying_row_indices():
    coords = np.arange(20, dtype=np.float32).reshape(10, 2)
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2, 0])
    fig = latent_scatter_fig(coords, labels, label_kind="class", class_names=("a", "b", "c"))
    assert [t.name for t in fig.data] == ["a", "b", "c"]
    rows = np.concatenate([t.customdata for t in fig.data])
    assert sorted(rows.tolist()) == list(range(10))
    first = fig.data[1]
    assert np.array_equal(first.x, coords[first.customdata, 0])


def test_continuous_colour_is_one_trace_with_a_colour_bar():
    fig = latent_scatter_fig(np.zeros((5, 3)), np.linspace(0, 1, 5), label_kind="continuous", label_name="t")
    assert len(fig.data) == 1 and fig.data[0].type == "scatter3d"
    assert fig.data[0].marker.colorbar.title.text == "t"


def test_highlight_adds_a_ring_around_the_selected_point():
    fig = latent_scatter_fig(np.eye(3, 2), None, highlight=2)
    assert fig.data[-1].name == "selected" and fig.data[-1].x[0] == 0.0


def test_meta_marks_the_charts_that_show_images_on_hover():
    """The hover-image component follows only charts whose layout.meta it was given."""
    assert latent_scatter_fig(np.eye(3, 2), None, meta="aeviz-latent-space").layout.meta == "aeviz-latent-space"
    assert latent_scatter_fig(np.eye(3, 2), None).layout.meta is None


@pytest.mark.parametrize(
    ("event", "row"),
    [
        ({"selection": {"points": [{"customdata": {"0": 1993}}]}}, 1993),  # Streamlit 1.67's shape
        ({"selection": {"points": [{"customdata": [7]}]}}, 7),
        ({"selection": {"points": [{"customdata": 4}]}}, 4),
        ({"selection": {"points": []}}, None),
        (None, None),
        ({}, None),
    ],
)
def test_selected_row(event, row):
    assert selected_row(event) == row


def test_loss_curves_show_training_and_validation():
    history = [{"epoch": e, "train_loss": 1 / e, "val_loss": 1.1 / e} for e in (1, 2, 3)]
    fig = loss_curves_fig(history, total_epochs=10)
    assert [t.name for t in fig.data] == ["training", "validation"]
    assert list(fig.data[1].y) == pytest.approx([1.1, 0.55, 1.1 / 3])
    assert tuple(fig.layout.xaxis.range) == (0.5, 10.5)
    # the house's training blue and validation orange (Streamlit's theme drew them in two similar blues)
    assert [t.line.color for t in fig.data] == [COLOR["training"], COLOR["validation"]]


HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")


def _is_grey(hex_colour: str) -> bool:
    return len({hex_colour[1:3].lower(), hex_colour[3:5].lower(), hex_colour[5:7].lower()}) == 1


def test_series_colours_come_from_the_one_house_palette():
    """No figure module or browser script picks a colour of its own: every non-grey colour literal is in plots.py, the
    one home of PALETTE, COLOR and CLASS_COLORS (the scripts get them from ui.display). A colour scale that encodes a
    value (monitor.js's Viridis stops) and a page's background tint (the handout's formulas) are not series colours and are
    named here."""
    root = Path(__file__).resolve().parents[1] / "aeviz"
    not_series = {"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725", "#f4f6f0"}
    found = {
        f"{path.relative_to(root)}: {colour}"
        for path in [*root.rglob("*.py"), *root.rglob("*.js")]
        if path.name != "plots.py"
        for colour in HEX.findall(path.read_text())
        if not _is_grey(colour) and colour not in not_series
    }
    assert found == set()
    assert set(COLOR.values()) - {COLOR["muted"]} <= set(PALETTE)


def test_losses_spanning_decades_get_a_log_axis():
    """A swiss-roll run falls from 0.4 to 1e-4: on a linear axis every later epoch would lie on zero."""
    falling = [{"epoch": e, "train_loss": 0.4 / 10**e, "val_loss": 0.5 / 10**e} for e in (0, 1, 2, 3)]
    gentle = [{"epoch": e, "train_loss": 0.1 / e, "val_loss": 0.1 / e} for e in (1, 2, 3)]
    assert loss_curves_fig(falling).layout.yaxis.type == "log"
    assert loss_curves_fig(gentle).layout.yaxis.type is None


def test_architecture_svg_draws_a_bar_per_layer():
    """784-256-128-[2]-128-256-784 has seven layers; the code's width is written under it."""
    svg = architecture_svg(ModelConfig.for_data(784, (28, 28), "mlp", 2, hidden=(256, 128)))
    assert svg.startswith("<svg") and svg.count("<rect") == 7
    assert ">code h</text>" in svg and ">2</text>" in svg


def test_unit_means_are_sorted_busiest_first():
    assert list(unit_means_fig(np.array([0.1, 0.5, 0.2]), "m").data[0].y) == [0.5, 0.2, 0.1]


def test_histogram_counts_every_activation_of_every_unit():
    """A (samples, units) array is one histogram of all its values, not of the first unit or the first sample."""
    assert histogram_fig(np.random.default_rng(0).random((10, 4)), "h").data[0].x.shape == (40,)


def test_lambda_sweep_puts_the_error_on_its_own_axis():
    """Active fraction (0-1) and MSE (~0.01) differ 100-fold: on one axis the error would be a flat line at zero."""
    fig = lambda_sweep_fig([0, 1e-4], [0.7, 0.3], [0.01, 0.02])
    active, error = fig.data
    assert active.name == "active fraction" and list(active.y) == [0.7, 0.3] and active.yaxis in (None, "y")
    assert error.name == "validation MSE" and error.yaxis == "y2" and fig.layout.yaxis2.overlaying == "y"
    assert active.line.color != error.line.color and error.line.dash == "dash"  # told apart without colour too


def test_points_3d_marks_decoded_points_apart_from_the_data():
    """Decoded points are their own trace, drawn larger than the data, so one decoded point is visible on the roll."""
    fig = points_3d_fig(np.zeros((10, 3)), None, marked=np.ones(3))
    data, marked = fig.data
    assert list(marked.x) == [1.0] and marked.marker.size > data.marker.size


def test_a_codes_axes_say_what_the_view_shows():
    assert code_axis_titles(1, "class", "digit") == ("z₀", "digit") and code_axis_titles(1) == ("z₀", "")
    assert code_axis_titles(2) == ("z₀", "z₁") and code_axis_titles(16) == ("PC 1 of the code", "PC 2 of the code")


def test_log_ticks_label_values_as_plain_numbers_across_the_span():
    """Plotly's own log ticks print 0.05 as "5"; these print "0.05", at 1-2-5 steps covering every value."""
    axis = log_ticks([0.0013, 0.0375, 0.0074])
    assert axis["type"] == "log"
    assert axis["ticktext"] == ["0.001", "0.002", "0.005", "0.01", "0.02", "0.05"]
    assert axis["tickvals"][0] <= 0.0013 and axis["tickvals"][-1] >= 0.0375
    assert log_ticks([0.0, float("nan")]) == {"type": "log"}


def test_a_loss_chart_on_a_log_axis_reads_its_ticks_as_numbers():
    history = [{"epoch": e, "train_loss": 0.5 / e**2, "val_loss": 0.6 / e**2} for e in range(1, 11)]
    axis = loss_curves_fig(history).layout.yaxis
    assert axis.type == "log" and "0.01" in axis.ticktext and all(not t.isdigit() or t == "1" for t in axis.ticktext)


def test_the_architecture_is_drawn_to_scale():
    """Bar heights in proportion to the layers' widths (784 against 128 is about 6×, not the log scale's 1.4×)."""
    import re

    svg = architecture_svg(ModelConfig.for_data(784, (28, 28), "mlp", 2, hidden=(256, 128)))
    heights = [int(h) for h in re.findall(r'<rect [^>]*height="(\d+)"', svg)]
    assert heights[0] / heights[2] == pytest.approx(784 / 128, rel=0.05) and heights[3] == min(heights)


def test_a_roll_is_seen_along_its_axis():
    """The camera looks along y, the axis scikit-learn's swiss roll and S-curve are rolled around."""
    eye = points_3d_fig(np.zeros((4, 3)), None).layout.scene.camera.eye
    assert eye.y > 1.5 and abs(eye.x) < eye.y and abs(eye.z) < eye.y
