"""aeviz.glossary: each score defined once, found in a page's text."""

from aeviz.glossary import TERMS, definitions, terms_in


def test_terms_are_found_by_their_names_in_running_text():
    assert terms_in("PSNR 21.3 dB, SSIM 0.80") == ["PSNR", "SSIM"]
    assert terms_in("Trustworthiness tells…; 5-NN accuracy on codes") == ["trustworthiness", "5-NN accuracy"]
    assert terms_in("SSIMILAR and PSNRs are not the scores") == []


def test_each_definition_says_which_way_is_better_or_what_chance_is():
    """A score without a direction or a baseline teaches nothing: every definition gives one."""
    for term, text in TERMS.items():
        assert term.split()[0].lower() in text.lower()
        assert any(word in text for word in ("higher is better", "chance is", "random 2-D view scores")), term


def test_definitions_join_the_terms_asked_for_in_order():
    assert definitions("SSIM", "PSNR") == f"{TERMS['SSIM']} {TERMS['PSNR']}"
