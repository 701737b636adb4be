"""Similar papers (~) and recommendations (3) as views of the list pane; Esc goes back."""

from __future__ import annotations

from papershelf.model import Paper
from papershelf.ui.app import PapershelfApp
from tests.ui.conftest import make_app, row_text, settle


def shown_papers(app: PapershelfApp) -> list[Paper]:
    papers = app.main.paper_list
    return [papers.papers[int(i)] for i in papers.order]


async def test_similar_lists_related_papers_and_esc_returns_to_the_paper() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"subgraph", "enter")
        await settle(pilot)
        app.main.paper_list.move_to(
            next(p.id for p in app.session.papers if p.title.startswith("Subgraph Permutation"))
        )
        await pilot.press("tilde")
        await settle(pilot)
        assert app.session.view == "similar"
        title = app.main.paper_list.border_title
        assert title is not None and title.startswith("Like “Subgraph Permutation Equivari…” ")
        shown = [p.title for p in shown_papers(app)]
        assert app.main.filter_input.value == "" and len(shown) == 20, "the filter steps aside"
        assert "Subgraph Permutation Equivariant Networks" not in shown
        assert any("Pard: Permutation-Invariant" in t for t in shown[:5])
        assert "Weisfeiler-Leman" in row_text(app, 0)
        await pilot.press("enter", "escape", "escape")  # read one, back to the list, back
        await settle(pilot)
        assert app.session.view == "all"
        assert app.main.filter_input.value == "subgraph", "the filter comes back"
        assert app.main.paper_list.current is not None
        assert app.main.paper_list.current.title == "Subgraph Permutation Equivariant Networks"


async def test_recommendations_need_bookmarks_then_follow_them() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert app.session.view == "all"
        assert any("bookmark a few papers first" in n.message for n in app._notifications)
        for title in ("Subgraph Permutation", "Learnable Commutative Monoids"):
            app.main.paper_list.move_to(
                next(p.id for p in app.session.papers if p.title.startswith(title))
            )
            await pilot.press("b")
            await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert app.session.view == "recommended"
        shown = shown_papers(app)
        assert shown and not {p.id for p in shown} & set(app.session.bookmarks)
        because = app.session.because(shown[0])
        assert because is not None and because.id in app.session.bookmarks
        subtitle = app.main.detail.border_subtitle
        assert str(subtitle).startswith("like your bookmark “")
        await pilot.press("escape")
        assert app.session.view == "all"
