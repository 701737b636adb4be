"""A paper listed on no day has rank 0: its row shows no number rather than a "0"."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import make_app, row_text, settle

REAL = Path(__file__).parents[1] / "fixtures" / "real"


async def test_undated_search_hits_show_no_rank_number() -> None:
    app = make_app([REAL / "notebooklm-search-2026-07-28.txt"])
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        row = row_text(app, 0)
        assert "Better than Your Teacher" in row
        # The prefix before the title holds new/star/code marks and the rank: no digit at all.
        prefix = row.split("Better than Your Teacher")[0]
        assert not any(ch.isdigit() for ch in prefix), repr(prefix)
