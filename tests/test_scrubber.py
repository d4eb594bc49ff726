"""aeviz.scrubber: the epoch scrubber's frames are the stored views, its marker the stored losses."""

import numpy as np
import pytest

from aeviz.plots import COLOR
from aeviz.scrubber import MAX_FRAMES, frame_epochs, point_colors, scrubber_fig


def _history(n):
    return [{"epoch": i + 1, "train_loss": 1.0 / (i + 1), "val_loss": 1.2 / (i + 1)} for i in range(n)]


def test_frames_keep_every_epoch_or_an_even_spread_with_both_ends():
    assert frame_epochs(5) == [0, 1, 2, 3, 4]
    kept = frame_epochs(1_000)
    assert len(kept) == MAX_FRAMES and kept[0] == 0 and kept[-1] == 999 and kept == sorted(set(kept))
    assert max(np.diff(kept)) <= 17  # evenly spread, no long gap


def test_each_frame_shows_its_epochs_view_and_marks_its_losses():
    rng = np.random.default_rng(0)
    views = [rng.normal(size=(30, 2)).astype(np.float16) * (i + 1) for i in range(4)]
    history = _history(4)
    fig = scrubber_fig(views, history, rng.integers(0, 3, 30), "class", ("a", "b", "c"))
    assert [f.name for f in fig.frames] == ["1", "2", "3", "4"] and fig.layout.sliders[0].active == 3
    for frame, view, row in zip(fig.frames, views, history, strict=True):
        scatter, marker = frame.data
        assert np.allclose(scatter.x, view[:, 0]) and np.allclose(scatter.y, view[:, 1])
        assert list(marker.x) == [row["epoch"]] * 2 and list(marker.y) == [row["train_loss"], row["val_loss"]]
    x_range = fig.layout.xaxis.range  # fixed over all frames: the largest (last) view fits
    assert x_range[0] < views[3][:, 0].min() and x_range[1] > views[3][:, 0].max()


def test_the_figure_opens_on_the_last_epoch():
    views = [np.full((5, 2), i, dtype=np.float16) for i in range(3)]
    fig = scrubber_fig(views, _history(3))
    assert list(fig.data[0].x) == [2.0] * 5 and list(fig.data[3].x) == [3, 3]


def test_views_and_history_must_match():
    with pytest.raises(ValueError):
        scrubber_fig([np.zeros((5, 2))], _history(2))


def test_points_are_coloured_by_class_or_by_value():
    assert point_colors(np.array([0, 1, 0]), "class")["color"][0] == point_colors(np.array([0]), "class")["color"][0]
    assert len(set(point_colors(np.array([0, 1, 2]), "class")["color"])) == 3
    assert point_colors(np.array([0.5, 2.0]), "continuous")["colorscale"] == "Viridis"
    assert point_colors(None, "none") == {"color": COLOR["points"]}


def test_a_log_loss_axis_reads_its_ticks_as_numbers():
    """Losses spanning more than tenfold get a log axis whose ticks say 0.01, not a bare 1."""
    from aeviz.scrubber import scrubber_fig

    history = [{"epoch": e, "train_loss": 0.5 / e**2, "val_loss": 0.6 / e**2} for e in range(1, 6)]
    views = [np.zeros((4, 2), dtype=np.float32) for _ in history]
    fig = scrubber_fig(views, history, np.zeros(4), label_kind="none", class_names=[], axis_titles=("z₀", "z₁"))
    axis = fig.layout.yaxis2
    assert axis.type == "log" and "0.05" in axis.ticktext


def test_the_classes_get_a_key_after_the_animated_traces():
    """One legend entry per digit in its colour, added after the traces the frames animate (indices 0 and 3)."""
    from aeviz.plots import CLASS_COLORS

    history = [{"epoch": 1, "train_loss": 0.1, "val_loss": 0.12}]
    labels = np.array([0, 2, 2, 1])
    fig = scrubber_fig([np.zeros((4, 2))], history, labels, label_kind="class", class_names=["zero", "one", "two"])
    keys = [t for t in fig.data if t.legend == "legend2"]
    assert [t.name for t in keys] == ["zero", "one", "two"] and keys[2].marker.color == CLASS_COLORS[2]
    assert fig.frames[0].traces == (0, 3) and fig.data[3].name != "zero" and keys[0].legend == "legend2"
