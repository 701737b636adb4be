"""The pane layout's steps and how it is remembered; the three links; copy choices; export."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.errors import UserError
from papershelf.layout import DEFAULT_DETAIL_WIDTH, DETAIL_WIDTHS, PaneLayout
from papershelf.links import code_url, paper_url, pdf_url
from papershelf.model import Paper, paper_id
from papershelf.session import Session, copy_choices, copy_text
from papershelf.store import Store

LINKED = Paper(
    id=paper_id("SAM 3", "2511.20107"),
    title="SAM 3",
    arxiv_id="2511.20107",
    code_url="https://github.com/facebookresearch/sam3",
)
BARE = Paper(id=paper_id("A digest paper"), title="A digest paper")


@given(st.lists(st.integers(-3, 3), max_size=20))
def test_resizing_stays_on_the_steps_and_shows_the_pane(steps: list[int]) -> None:
    layout = PaneLayout(detail_shown=False)
    for step in steps:
        before = layout.detail_width
        layout = layout.resized(step)
        assert layout.detail_width in DETAIL_WIDTHS
        assert layout.detail_shown
        if step > 0:
            assert layout.detail_width >= before
        if step < 0:
            assert layout.detail_width <= before


def test_resizing_stops_at_either_end_and_toggling_keeps_the_width() -> None:
    assert PaneLayout().resized(99).detail_width == DETAIL_WIDTHS[-1]
    assert PaneLayout().resized(-99).detail_width == DETAIL_WIDTHS[0]
    hidden = PaneLayout(45).toggled()
    assert not hidden.detail_shown and hidden.toggled() == PaneLayout(45)


@given(st.sampled_from(DETAIL_WIDTHS), st.booleans())
def test_a_layout_round_trips_through_its_settings(width: int, shown: bool) -> None:
    layout = PaneLayout(width, shown)
    assert PaneLayout.from_settings(layout.to_settings().get) == layout


@given(st.dictionaries(st.sampled_from(list(PaneLayout().to_settings())), st.text(max_size=5)))
def test_garbage_settings_fall_back_to_the_default(saved: dict[str, str]) -> None:
    layout = PaneLayout.from_settings(saved.get)
    assert layout.detail_width in DETAIL_WIDTHS
    if saved.get("layout.detail_width") not in {str(w) for w in DETAIL_WIDTHS}:
        assert layout.detail_width == DEFAULT_DETAIL_WIDTH


def test_every_width_step_has_a_rule_in_the_stylesheet() -> None:
    css = (Path(__file__).parents[2] / "src/papershelf/ui/app.tcss").read_text()
    for width in DETAIL_WIDTHS:
        assert f"MainScreen.-detail-{width} #detail {{ width: {width}%; }}" in css


def test_the_session_remembers_the_layout_in_the_store() -> None:
    with Store() as store:
        session = Session(store)
        assert session.pane_layout() == PaneLayout()
        assert session.save_pane_layout(PaneLayout(50, detail_shown=False))
    with Store() as store:
        assert Session(store).pane_layout() == PaneLayout(50, detail_shown=False)
        assert store.get_setting("layout.detail_width") == "50"
        assert store.get_setting("nothing") is None


def test_without_a_store_the_layout_is_the_default_and_not_saved() -> None:
    session = Session(None, "no database")
    assert session.pane_layout() == PaneLayout()
    assert not session.save_pane_layout(PaneLayout(25))


def test_the_paper_page_is_never_the_code() -> None:
    assert paper_url(LINKED) == "https://huggingface.co/papers/2511.20107"
    assert code_url(LINKED) == "https://github.com/facebookresearch/sam3"
    assert pdf_url(LINKED) == "https://arxiv.org/pdf/2511.20107"
    assert paper_url(BARE) == BARE.hf_search_url
    assert code_url(BARE) is None and pdf_url(BARE) is None


def test_copy_offers_only_the_links_a_paper_has() -> None:
    assert copy_choices(LINKED) == ("title", "link", "code", "pdf", "markdown", "bibtex")
    assert copy_choices(BARE) == ("title", "link", "markdown", "bibtex")
    assert copy_text(LINKED, "link") == "https://huggingface.co/papers/2511.20107"
    assert copy_text(LINKED, "pdf") == "https://arxiv.org/pdf/2511.20107"
    with pytest.raises(UserError, match="no code link"):
        copy_text(BARE, "code")


@pytest.mark.parametrize(
    ("name", "start"),
    [("list.bib", "@"), ("list.md", "- [SAM 3]"), ("list.json", "["), ("list.CSV", "id,")],
)
def test_export_picks_the_format_by_extension(tmp_path: Path, name: str, start: str) -> None:
    with Store() as store:
        session = Session(store)
        session.reload_bookmarks()
        session.toggle_bookmark(LINKED)
        said = session.export_reading_list(tmp_path / name)
    assert said == f"Exported 1 bookmark(s) to {tmp_path / name}"
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(start)


def test_export_refuses_unknown_extensions_and_unwritable_places(tmp_path: Path) -> None:
    with Store() as store:
        session = Session(store)
        with pytest.raises(UserError, match=r"end the name in \.bib, \.md, \.json or \.csv"):
            session.export_reading_list(tmp_path / "list.txt")
        a_file = tmp_path / "a-file"
        a_file.write_text("not a folder")
        with pytest.raises(UserError, match="cannot write"):
            session.export_reading_list(a_file / "list.bib")
