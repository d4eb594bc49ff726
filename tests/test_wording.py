"""aeviz.wording: articles, family names and vectors as the pages print them."""

import pytest

from aeviz.wording import article, family_name, vector_text


@pytest.mark.parametrize(
    ("word", "expected"),
    [("8-dimensional", "an"), ("16-dimensional", "a"), ("11-unit", "an"), ("18", "an"), ("1", "a"), ("80", "an"),
     ("multilayer", "a"), ("autoencoder", "an"), ("vanilla", "a"), ("overcomplete", "an")],
)  # fmt: skip
def test_the_article_follows_how_the_word_is_spoken(word, expected):
    assert article(word) == expected


def test_families_read_as_the_lecture_names_them():
    assert family_name("mlp") == "multilayer" and family_name("conv") == "convolutional" and family_name("x") == "x"


def test_a_vector_is_short_rounded_and_signed_with_a_true_minus():
    assert vector_text([-1.7920000553131104, 0.4]) == "(−1.79, 0.40)"
    assert vector_text(range(10), digits=0, limit=3) == "(0, 1, 2, …)"
