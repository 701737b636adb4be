"""In the app: math titles read as Unicode in rows and the detail pane, `o` and `y l` give the
paper page (not the code), `y c` and `y p` the code and the PDF, and a missing link says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Label

from papershelf.ui.dialogs import CopyMenu
from tests.ui.conftest import make_app, row_text, settle

MATH_TITLE = r"On the Expressivity of $\mathcal{O}(\log n)$-Depth Transformers"
SHOWN = "On the Expressivity of 𝒪(log n)-Depth Transformers"
PAGE = "https://huggingface.co/papers/2511.20107"
CODE = "https://github.com/vdb/depth"


@pytest.fixture
def digest(tmp_path: Path) -> Path:
    records = [
        {
            "paper": {
                "id": "2511.20107",
                "title": MATH_TITLE,
                "summary": r"We bound depth by $\Theta(\log n)$ layers.",
                "authors": [{"name": "Ludwig van der Berg"}],
                "submittedOnDailyAt": "2026-01-02T08:00:00.000Z",
                "githubRepo": CODE,
            }
        },
        {
            "paper": {
                "id": "no-arxiv",
                "title": "A Paper Without Code",
                "summary": "Nothing to run.",
                "submittedOnDailyAt": "2026-01-02T08:00:00.000Z",
            }
        },
    ]
    path = tmp_path / "daily.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


@pytest.fixture
def clipboard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import pyperclip

    copied: list[str] = []
    monkeypatch.setattr(pyperclip, "copy", copied.append)
    return copied


async def test_math_reads_as_unicode_in_the_row_and_the_detail_pane(digest: Path) -> None:
    app = make_app([digest])
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert SHOWN in row_text(app, 0)
        assert "mathcal" not in row_text(app, 0)
        assert SHOWN in app.main.detail.text
        assert "Θ(log n) layers" in app.main.detail.text
        await pilot.press("y")
        assert isinstance(app.screen, CopyMenu)
        heading = app.screen.query_one(Label).render()
        assert "𝒪(log n)" in str(heading)


async def test_filtering_by_what_the_row_shows(digest: Path) -> None:
    app = make_app([digest])
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"𝒪(log")
        await settle(pilot)
        assert app.main.paper_list.current is not None
        assert app.main.paper_list.current.title == MATH_TITLE


async def test_open_and_copy_give_the_paper_then_code_then_pdf(
    digest: Path, clipboard: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app([digest])
    opened: list[str] = []

    def open_url(app: object, url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("papershelf.ui.browser.open_url", open_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        assert opened == [PAGE], "o opens the paper, not its code"
        await pilot.press("y")
        assert isinstance(app.screen, CopyMenu)
        await pilot.press("l")
        await pilot.press("y", "c")
        await pilot.press("y", "p")
        await pilot.press("y", "b")
        assert clipboard[:3] == [PAGE, CODE, "https://arxiv.org/pdf/2511.20107"]
        assert clipboard[3].startswith("@misc{vanderberg2025expressivity,")
        assert f"url = {{{PAGE}}}" in clipboard[3]


async def test_copying_a_link_the_paper_lacks_says_so(digest: Path, clipboard: list[str]) -> None:
    app = make_app([digest])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "y", "c")
        await pilot.press("y", "p")
        await pilot.pause()
        assert clipboard == []
        messages = [n.message for n in app._notifications]
        assert "This paper has no code link." in messages
        assert "No PDF link: the paper has no arXiv id." in messages
