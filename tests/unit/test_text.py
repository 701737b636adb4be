"""The one fold: the fast `text.fold` against the straightforward definition of the rule."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from papershelf.text import fold


def reference_fold(text: str) -> str:
    """The rule as written: casefold, NFKD, then drop every combining mark."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Accented and compatibility letters, combining marks in and out of U+0300-U+036F, letters
# whose case fold grows ("ß", "İ"), ligatures and the like: the paths the fast fold takes.
tricky = st.sampled_from(
    "aAeEßẞİıﬁﬀǄǅΩΣςÅÖöé\u0301\u0308\u0345\u034f\u1ab0\u20d7\u0f71\u0f72\u3099ｶﾞ①½ŉ–’ \t"
)


@given(st.text() | st.text(tricky) | st.text(st.characters(codec="utf-8") | tricky))
@example("Light Schro\u0308dinger Bridge")
@example("Die Straße")
def test_fold_is_casefold_nfkd_without_combining_marks(text: str) -> None:
    assert fold(text) == reference_fold(text)


@pytest.mark.parametrize(
    "text", ["a\u20d7b", "x\u1ab0\u0300y", "Ǆ\u0345", "na\u0308ive – ’", "\u0f71\u0f72", "Ω\u034f"]
)
def test_fold_drops_every_combining_mark(text: str) -> None:
    assert fold(text) == reference_fold(text)
    assert not any(unicodedata.combining(c) for c in fold(text))


def test_fold_examples() -> None:
    assert fold("Schrödinger") == "schrodinger"
    assert fold("STRASSE") == fold("Straße") == "strasse"
    assert fold("ﬁne") == "fine"
    assert fold("plain ascii") == "plain ascii"
