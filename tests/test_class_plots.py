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


def test_the_gallery_chart_has_a_trace_per_data_and_family_coloured_by_data():
    from aeviz.class_plots import gallery_fig

    fig = gallery_fig(["Ada", "Ben", "Cy", "Di"], ["mnist", "mnist", "mnist", "swiss_roll"], ["mlp", "conv", "mlp", "mlp"],
                      [2, 64, 8, 2], [0.04, 0.01, 0.03, 0.2])  # fmt: skip
    assert [t.name for t in fig.data] == ["mnist · mlp", "mnist · conv", "swiss_roll · mlp"]
    assert list(fig.data[0].text) == ["Ada", "Cy"] and list(fig.data[0].y) == [0.04, 0.03]
    assert fig.data[0].marker.color == fig.data[1].marker.color != fig.data[2].marker.color  # colour: the data
    assert fig.data[0].marker.symbol == fig.data[2].marker.symbol != fig.data[1].marker.symbol  # symbol: the family
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.range[1] > 0.2  # 2 to 64 code units; the top point in
    assert list(fig.layout.xaxis.tickvals) == [2, 8, 64] and list(fig.layout.xaxis.ticktext) == ["2", "8", "64"]
    one = gallery_fig(["Ada"], ["mnist"], ["mlp"], [2], [0.04]).layout.xaxis
    assert one.type == "linear" and list(one.tickvals) == [2]  # one code size: one tick, not 1.5 and 2.5 units
    named = gallery_fig(["Ada Lovelace-Byron"], ["mnist"], ["mlp"], [2], [0.04], ["Ada Lovelace…"])
    assert list(named.data[0].text) == ["Ada Lovelace…"] and "customdata" in named.data[0].hovertemplate
    assert list(named.data[0].customdata) == ["Ada Lovelace-Byron"]  # the whole name on hover
    many = gallery_fig(["x"] * 10, ["mnist"] * 10, ["mlp"] * 10, [3, 5, 6, 7, 9, 11, 20, 33, 40, 100], [0.1] * 10)
    assert list(many.layout.xaxis.tickvals) == [2, 4, 8, 16, 32, 64, 128]  # ten sizes: powers of 2 around them


def test_a_code_thumbnail_puts_each_class_in_its_colour_where_its_points_are():
    import io

    import numpy as np
    from PIL import Image

    from aeviz.class_plots import THUMBNAIL, code_thumbnail
    from aeviz.plots import CLASS_COLORS

    rng = np.random.default_rng(0)
    coords = np.vstack([rng.normal((0, 0), 0.05, (50, 2)), rng.normal((1, 1), 0.05, (50, 2))])  # 0 low left, 3 up right
    labels = np.repeat([0, 3], 50)
    image = np.asarray(Image.open(io.BytesIO(code_thumbnail(coords, labels))).convert("RGB"))
    assert image.shape == (THUMBNAIL, THUMBNAIL, 3)
    half = THUMBNAIL // 2

    def colours(block):
        return {tuple(c) for c in block.reshape(-1, 3)} - {(255, 255, 255)}

    def rgb(hex_color):
        return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))

    assert colours(image[half:, :half]) == {rgb(CLASS_COLORS[0])}  # bottom left: class 0 only
    assert colours(image[:half, half:]) == {rgb(CLASS_COLORS[3])}  # top right: class 3 only
    assert colours(image[:half, :half]) == set()
