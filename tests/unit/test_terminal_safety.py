"""Text that reaches a terminal or a JSON consumer: nothing in it can act, nothing is lost."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from papershelf.text import safe_json, terminal_safe

ANY_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=80)
RAW_DANGER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@given(ANY_TEXT)
def test_terminal_safe_leaves_no_control_and_always_encodes(text: str) -> None:
    safe = terminal_safe(text)
    assert not RAW_DANGER.search(safe)
    safe.encode("utf-8")  # never raises, lone surrogates included


def test_terminal_safe_keeps_text_and_drops_sequences() -> None:
    assert terminal_safe("a\x1b]52;c;aGk=\x07b\x1b[2Jc\td\ne") == "abc\td\ne"
    assert terminal_safe("Schrödinger \ud800") == "Schrödinger \ufffd"


@given(st.lists(ANY_TEXT, max_size=4))
def test_safe_json_round_trips_and_prints_nothing_raw(values: list[str]) -> None:
    text = safe_json({"values": values})
    assert json.loads(text) == {"values": values}
    assert not RAW_DANGER.search(text)
    text.encode("utf-8")


def test_safe_json_keeps_readable_unicode() -> None:
    assert safe_json(["Schrödinger", "\x9b"], indent=None) == '["Schrödinger", "\\u009b"]'
