"""aeviz.capacity_plots: the Capacity page's figures hold the numbers they are given, one colour per variant."""

from aeviz.capacity_plots import copy_shares_fig, errors_fig, train_val_fig

HISTORY = [
    {"epoch": 1, "train_loss": 0.09, "recon_loss": 0.08, "val_loss": 0.095, "val_recon": 0.09},
    {"epoch": 2, "train_loss": 0.05, "recon_loss": 0.04, "val_loss": 0.07, "val_recon": 0.06},
]


def test_training_and_validation_curves_are_the_reconstruction_errors_of_each_variant():
    """Two traces per variant in its own colour, training solid and validation dashed, from the reconstruction parts
    of the losses (a penalty is not an error), on a log axis."""
    fig = train_val_fig({"complete": HISTORY, "with L1": HISTORY[:1]})
    assert [t.name for t in fig.data] == [
        "complete: training", "complete: validation", "with L1: training", "with L1: validation",
    ]  # fmt: skip
    assert list(fig.data[0].y) == [0.08, 0.04] and list(fig.data[1].y) == [0.09, 0.06]
    assert fig.data[0].line.color == fig.data[1].line.color != fig.data[2].line.color
    assert fig.data[1].line.dash == "dash" and fig.data[0].line.dash is None
    assert fig.layout.yaxis.type == "log"


def test_copy_shares_are_grouped_bars_from_0_to_100_percent_with_the_error_on_hover():
    shares = {"complete": {"validation rows": 0.9, "uniform noise": 0.0}, "undercomplete": {"validation rows": 0.6,
              "uniform noise": 0.1}}  # fmt: skip
    errors = {"complete": {"validation rows": 0.007, "uniform noise": 0.3}, "undercomplete": {"validation rows": 0.03,
              "uniform noise": 0.28}}  # fmt: skip
    fig = copy_shares_fig(shares, errors)
    assert [t.name for t in fig.data] == ["complete", "undercomplete"] and fig.layout.barmode == "group"
    assert list(fig.data[1].x) == ["validation rows", "uniform noise"] and list(fig.data[1].y) == [0.6, 0.1]
    assert list(fig.data[0].customdata) == [0.007, 0.3]
    assert tuple(fig.layout.yaxis.range) == (0, 1) and fig.layout.yaxis.tickformat == ".0%"


def test_the_errors_chart_puts_each_models_training_and_validation_error_side_by_side():
    """Absolute errors, not gaps: one bar per model for each of the two inputs, labelled with the value, on a log
    axis whose ticks read as numbers."""
    errors = {"under": {"train": 0.036, "val": 0.0375}, "linear": {"train": 0.0004, "val": 0.0013}}
    fig = errors_fig(errors, "train", "val")
    assert [t.name for t in fig.data] == ["train", "val"] and fig.layout.barmode == "group"
    assert list(fig.data[0].x) == ["under", "linear"] and list(fig.data[1].y) == [0.0375, 0.0013]
    assert list(fig.data[1].text) == ["0.0375", "0.0013"] and fig.data[0].marker.color != fig.data[1].marker.color
    assert fig.layout.yaxis.type == "log" and "0.001" in fig.layout.yaxis.ticktext
