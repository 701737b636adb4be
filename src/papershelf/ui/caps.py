"""How much of one text field the screen draws: a 10 MB title or abstract must not freeze it.

Laying out, wrapping and measuring text costs time in its length, on every highlight and every
row drawn; a digest or an API can hand us megabytes in one field. The screen draws a prefix
and says how much is left out; the paper keeps the whole text (copy and export give it all).
"""

from __future__ import annotations

ROW_TITLE = 1_000
"""Characters of a title a list row looks at: wider than any terminal."""
TITLE = 2_000
"""Characters of a title the detail pane and the dialogs show."""
LINE = 2_000
"""Characters of a one-line field (authors, links, keywords) the detail pane shows."""
BODY = 10_000
"""Characters of an abstract, AI summary or note the detail pane shows: five times arXiv's
limit for an abstract (1,920), and a highlight that wraps it still takes ~0.1 s."""


def capped(text: str, limit: int) -> tuple[str, str | None]:
    """The first `limit` characters of `text`, and the line saying what was left out (None
    when nothing was)."""
    if len(text) <= limit:
        return text, None
    return text[:limit], f"… {len(text) - limit:,} more characters (y copies the whole text)"
