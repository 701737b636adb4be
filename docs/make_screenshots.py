"""Regenerate the README's screenshots: `python docs/make_screenshots.py` (headless, ~5 s).

Each is the installed app driven by Textual's Pilot on the bundled sample, saved as SVG.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from papershelf.locations import sample_digest
from papershelf.ui.app import PapershelfApp

HERE = Path(__file__).resolve().parent


async def similar_papers(path: Path) -> None:
    """The similar view of "Subgraph Permutation Equivariant Networks" (the `~` key)."""
    app = PapershelfApp(sources=[sample_digest()], year=2025, read_after=3600)
    async with app.run_test(size=(120, 32)) as pilot:
        while app.session.index is None or not app.main.loaded:
            await app.workers.wait_for_complete()
            await pilot.pause()
        subgraph = next(p for p in app.session.papers if p.title.startswith("Subgraph Perm"))
        app.main.paper_list.move_to(subgraph.id)
        await pilot.press("tilde")
        await app.workers.wait_for_complete()
        app.clear_notifications()
        await pilot.pause()
        app.save_screenshot(str(path))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as home:
        os.environ["PAPERSHELF_HOME"] = home  # never the user's library or config
        os.environ["PAPERSHELF_CONFIG"] = str(Path(home) / "config.toml")
        asyncio.run(similar_papers(HERE / "similar-papers.svg"))
