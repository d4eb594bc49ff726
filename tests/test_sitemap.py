"""aeviz.sitemap: one list of pages that names every page file once, in sections, with a purpose Home can show."""

from pathlib import Path

from aeviz.sitemap import HOME, PAGES, sections

ROOT = Path(__file__).resolve().parent.parent


def test_every_page_file_is_listed_once_and_every_listed_file_exists():
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py"))
    assert sorted(page.file for page in PAGES) == files


def test_titles_and_url_paths_are_unique_and_the_lecture_comes_first():
    assert len({p.title for p in PAGES}) == len({p.url_path for p in PAGES}) == len(PAGES)
    assert HOME.url_path == "home" and PAGES[0].url_path == "lecture"


def test_sections_keep_the_lecture_order():
    grouped = sections()
    assert [p for members in grouped.values() for p in members] == list(PAGES)
    assert list(grouped) == ["Start", "Autoencoders", "PCA", "Regularisation", "Applications", "Families"]
