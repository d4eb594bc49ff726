"""aeviz.handout: the handout is one offline HTML file; what a step showed is in it, escaped, in step order."""

import base64
import io
import re

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from aeviz.handout import Entry, handout_html, plotly_figure, png_figure, svg_figure


def entry(number: int, **fields) -> Entry:
    return Entry(number, f"step {number}", "a claim", r"h = f(x)", **fields)


def test_images_are_embedded_pngs_of_the_same_pixels():
    image = (np.arange(12 * 20) % 256).astype(np.uint8).reshape(12, 20)
    page = handout_html([entry(1, figures=(png_figure(image, "digits"),))], 17)
    (data,) = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(base64.b64decode(data)))), image)
    assert "<script>" not in page  # no chart: no Plotly script (3.5 MB) either


def test_charts_carry_their_data_and_plotly_is_inlined_once():
    chart = go.Figure(go.Scatter(x=[1, 2], y=[3.25, 4.5]))
    page = handout_html([entry(2, figures=(plotly_figure(chart), plotly_figure(chart)))], 17)
    assert page.count("Plotly.newPlot(") == 2 and "3.25" in page
    assert page.count("<script>") == 3  # the library once, one per chart


def test_text_is_escaped_formulas_are_mathml_and_steps_are_in_order():
    hostile = Entry(5, "<script>alert(1)</script>", "a & b", r"\frac{1}{2}", r"\lambda = 0.0003", "look <b>here</b>")
    page = handout_html([hostile, entry(3, figures=(svg_figure("<svg></svg>"),))], 17)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page and "look &lt;b&gt;here" in page
    assert page.count("<math") == 3 and "<mfrac>" in page and "0.0003" in page
    assert page.index("3. step 3") < page.index("5. &lt;script")
    assert "2 of 17 steps" in page and "data:image/svg+xml;base64," in page


def test_a_later_report_of_a_step_adds_what_it_has_and_keeps_the_rest():
    first = entry(9, numbers="k = 8", figures=(svg_figure("<svg/>"),))
    later = entry(9, look_for="8 components keep 44%")
    merged = first.merged(later)
    assert (merged.numbers, merged.look_for, merged.figures) == ("k = 8", "8 components keep 44%", first.figures)


def test_the_lines_of_a_gathered_formula_stay_lines():
    page = handout_html([entry(1, numbers=r"\begin{gathered} a = 1 \\ b = 2 \end{gathered}")], 17)
    assert page.count("<math") == 3 and "<mi>a</mi>" in page and "gathered" not in page


def test_a_large_picture_is_kept_small():
    photo = np.zeros((854, 1280, 3), dtype=np.uint8)
    kept = png_figure(photo).content
    assert max(kept.shape[:2]) <= 400 and kept.shape[2] == 3 and not np.shares_memory(kept, photo)
