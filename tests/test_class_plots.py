"""The room's figures: the votes chart says the counts and, once revealed, which choice was right."""

from aeviz.class_plots import ANSWER_COLOR, OPEN_COLOR, OTHER_COLOR, votes_fig


def test_open_votes_are_one_colour_with_counts_and_shares_at_the_bars():
    bar = votes_fig(["Up", "Down", "Same"], [1, 3, 0]).data[0]
    assert list(bar.y) == ["Up", "Down", "Same"] and list(bar.x) == [1, 3, 0]
    assert list(bar.text) == ["1 (25%)", "3 (75%)", "0 (0%)"]
    assert list(bar.marker.color) == [OPEN_COLOR] * 3


def test_revealed_votes_mark_the_answer_alone():
    bar = votes_fig(["Up", "Down", "Same"], [1, 3, 0], answer=0).data[0]
    assert list(bar.marker.color) == [ANSWER_COLOR, OTHER_COLOR, OTHER_COLOR]


def test_no_votes_yet_draws_empty_bars_without_dividing_by_zero():
    fig = votes_fig(["Yes", "No"], [0, 0])
    assert list(fig.data[0].text) == ["0", "0"] and fig.layout.xaxis.range[1] > 0


def test_the_class_link_s_qr_code_is_a_square_png_that_depends_on_the_link():
    import io

    from PIL import Image

    from aeviz.class_plots import qr_png

    first, second = qr_png("http://192.0.2.2:8501/"), qr_png("http://192.0.2.3:8501/")
    image = Image.open(io.BytesIO(first))
    assert image.format == "PNG" and image.width == image.height >= 21 * 8
    assert first != second


def test_the_gallery_chart_has_one_trace_per_family_with_each_students_point():
    from aeviz.class_plots import gallery_fig

    fig = gallery_fig(["Ada", "Ben", "Cy"], ["mlp", "conv", "mlp"], [2, 64, 8], [0.04, 0.01, 0.03])
    assert [t.name for t in fig.data] == ["mlp", "conv"]
    assert list(fig.data[0].text) == ["Ada", "Cy"] and list(fig.data[0].y) == [0.04, 0.03]
    assert fig.layout.xaxis.type == "log"  # 2 to 64 code units
    assert gallery_fig(["Ada"], ["mlp"], [2], [0.04]).layout.xaxis.type == "linear"
