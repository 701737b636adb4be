"""Fuzzing the parser: whatever the input, only `UserError` escapes, and no field keeps a control.

Two drivers over the text path (`parse_text`), the byte-stream path (`parse_sources` on stdin)
and the JSON path (`parse_hf_json`):
- a hypothesis strategy that builds inputs from the pieces real inputs are made of (lines of
  the seed digest and of the real captures under tests/fixtures/real/, markdown furniture,
  date lines, links) mixed with random unicode and control characters;
- a bounded loop (fixed seed, `ROUNDS` inputs) of byte-level mutations of the same material
  and of the real API JSON: flipped, dropped and inserted bytes, hostile values spliced in.
A paper's fields may hold no C0 control (a line break only between an abstract's paragraphs),
no DEL, no C1 control (ESC's 8-bit twins) and no lone surrogate.
"""

from __future__ import annotations

import io
import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from papershelf.errors import UserError
from papershelf.locations import sample_digest
from papershelf.model import Paper
from papershelf.parser import ParseResult, parse_hf_json, parse_sources, parse_text

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real"
ROUNDS = 300
"""Inputs of the random-bytes loop: a few seconds on a loaded two-core machine."""

_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_FORBIDDEN_IN_PROSE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_PROSE_FIELDS = ("abstract", "ai_summary")


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


SEED_LINES = _lines(sample_digest())
REAL_TEXTS = sorted(p for p in REAL.iterdir() if p.suffix in (".md", ".txt"))
REAL_LINES = [line for path in REAL_TEXTS for line in _lines(path)]
REAL_JSON = sorted(p for p in REAL.iterdir() if p.suffix == ".json")
FURNITURE = [
    "# ",
    "### ",
    "**",
    "---",
    "| a | b |",
    "> ",
    "- ",
    "1. ",
    "[Paper](https://huggingface.co/papers/2403.12345)",
    "[1]: https://huggingface.co/papers/2403.12345",
    "![img](https://x.org/a.png)",
    "https://huggingface.co/papers/2410.12345",
    "https://github.com/owner/repo",
    "https://g\u0456thub.com/owner/repo",
    "arXiv:2403.12345v2",
    "Mar 21",
    "March 21, 2024",
    "Feb 30",
    "Published on Oct 25",
    "Submitted by someone",
    "new",
    "Subscribe",
    "\\'e \\\"o $x^2$",
    "[/]",
    "[@click=app.quit]x[/]",
]
CONTROLS = [
    "\x00",
    "\x07",
    "\x08",
    "\x1b",
    "\x1b[2J",
    "\x1b]52;c;cGF3bmVk\x07",
    "\x7f",
    "\x85",
    "\x9b31m",
    "\r",
    "\r\n",
    "\t",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\ud800",
]
HOSTILE_VALUES: list[Any] = [
    "\x1b]52;c;cGF3bmVk\x07",
    "\ud800",
    "\x9b2J",
    "[/]",
    "",
    None,
    1e400,
    -1,
    10**40,
    True,
    [],
    {},
    {"a": [1]},
    "x" * 5000,
    "https://g\u0456thub.com/o/r",
    "javascript:alert(1)",
    "2024-13-45T99:99:99Z",
]


def check_fields(result: ParseResult) -> None:
    """No control character (but an abstract's paragraph breaks) in any field of any paper."""
    for paper in result.papers:
        assert isinstance(paper, Paper)
        for name, value in vars_of(paper).items():
            values = value if isinstance(value, tuple) else (value,)
            pattern = _FORBIDDEN_IN_PROSE if name in _PROSE_FIELDS else _FORBIDDEN
            for text in values:
                if isinstance(text, str):
                    assert pattern.search(text) is None, (name, text)


def vars_of(paper: Paper) -> dict[str, object]:
    return {name: getattr(paper, name) for name in paper.__dataclass_fields__}


def only_user_errors(parse: Callable[[], ParseResult]) -> None:
    try:
        result = parse()
    except UserError as exc:
        assert _FORBIDDEN.search(str(exc).replace("\n", " ")) is None, str(exc)
        return
    check_fields(result)


def every_path(text: str) -> None:
    """The text as text, as a byte stream, and (if it looks like one) as JSON."""
    only_user_errors(lambda: parse_text(text, source="fuzz", year=2025))
    data = text.encode("utf-8", "surrogatepass")
    only_user_errors(lambda: from_bytes(data))


def from_bytes(data: bytes) -> ParseResult:
    return parse_sources(["-"], stdin=io.TextIOWrapper(io.BytesIO(data)), year=2025)


# --- hypothesis ------------------------------------------------------------------------------

pieces = st.one_of(
    st.sampled_from(SEED_LINES),
    st.sampled_from(REAL_LINES),
    st.sampled_from(FURNITURE),
    st.sampled_from(CONTROLS),
    st.text(max_size=20),
    st.sampled_from(["\n", "\n\n", " ", "  \n \n"]),
)
documents = st.lists(pieces, max_size=30).map("".join)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_mix_of_real_pieces_parses_or_fails_with_a_user_error(text: str) -> None:
    every_path(text)


json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=10)
    | st.sampled_from([v for v in HOSTILE_VALUES if not isinstance(v, (list, dict))]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
ITEM_KEYS = ["title", "summary", "id", "authors", "githubRepo", "projectPage", "upvotes"]


@given(st.dictionaries(st.sampled_from(ITEM_KEYS), json_values), json_values)
def test_any_json_item_parses_or_fails_with_a_user_error(paper: dict[str, Any], top: Any) -> None:
    listing = [{"paper": paper, "publishedAt": top, "title": top, "numComments": top}]
    text = json.dumps(listing, allow_nan=True)
    only_user_errors(lambda: parse_hf_json(text, source="fuzz"))


# --- bounded random bytes --------------------------------------------------------------------


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """A few byte-level edits: flips, drops, duplicated runs, controls and hostile bytes."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(out))
        kind = rng.randrange(5)
        if kind == 0 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif kind == 1:
            del out[at : at + rng.randint(1, 64)]
        elif kind == 2:
            out[at:at] = rng.choice(CONTROLS).encode("utf-8", "surrogatepass")
        elif kind == 3:
            out[at:at] = out[at : at + rng.randint(1, 200)]
        else:
            out[at:at] = rng.choice([b"\n\n", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00"])
    return bytes(out)


def _text_input(rng: random.Random) -> bytes:
    lines = [rng.choice(SEED_LINES + REAL_LINES + FURNITURE) for _ in range(rng.randint(1, 20))]
    return "\n\n".join(lines).encode("utf-8")


def _json_input(rng: random.Random) -> bytes:
    data = json.loads(rng.choice(REAL_JSON).read_text(encoding="utf-8"))
    for _ in range(rng.randint(0, 4)):
        target = data
        while isinstance(target, (list, dict)) and target and rng.random() < 0.7:
            keys = range(len(target)) if isinstance(target, list) else list(target)
            key = rng.choice(keys)
            if not isinstance(target[key], (list, dict)):
                target[key] = rng.choice(HOSTILE_VALUES)
                break
            target = target[key]
    return json.dumps(data, allow_nan=True).encode("utf-8", "surrogatepass")


def test_random_bytes_of_mixed_structure() -> None:
    rng = random.Random(14)
    for _ in range(ROUNDS):
        data = rng.choice([_text_input, _json_input])(rng)
        if rng.random() < 0.8:
            data = _mutate(rng, data)
        only_user_errors(lambda data=data: from_bytes(data))  # type: ignore[misc]
        text = data.decode("utf-8", "replace")
        only_user_errors(lambda text=text: parse_text(text, source="fuzz"))  # type: ignore[misc]
