"""Synthetic trending-papers digests for benchmarks: N papers in the sample's text format.

Papers are recombined from the words of the bundled sample so that word frequencies, casing
(acronyms, CamelCase names) and punctuation look like the real digest, and so that search at
scale faces the same ambiguity it will meet in practice (many synthetic titles contain "LoRA").
A few real papers ("needles") are planted verbatim at fixed positions so that search quality
can be checked at any size. Output depends only on (n, seed): no set iteration, no hashing.

    python bench/generate.py 100000 bench/out/digest-100k.txt --lines bench/out/lines-100k.txt
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from random import Random

SAMPLE_PATH = Path(__file__).resolve().parents[1] / "assets" / "sample-digest.txt"

#: The page chrome that opens every digest, one paragraph each.
CHROME = (
    "new",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
)

#: Real papers from the sample, planted verbatim at fractions of N (see `needle_positions`).
NEEDLES: tuple[tuple[float, str], ...] = (
    (0.1, "LeMo: Enabling LEss Token Involvement for MOre Context Fine-tuning"),
    (
        0.5,
        "Merging LoRAs like Playing LEGO: Pushing the Modularity of LoRA to Extremes Through "
        "Rank-Wise Clustering",
    ),
    (0.9, "Light Schrödinger Bridge"),
)

TITLE_WORDS = (4, 20)
ABSTRACT_WORDS = (120, 300)
# Mode of the triangular abstract-length distribution, tuned so that 100k papers make ~170 MB.
ABSTRACT_MODE = 265
PAPERS_PER_DAY = (20, 50)
CODE_LINK_SHARE = 0.2
NAMED_TITLE_SHARE = 0.25
SENTENCE_CASE_SHARE = 0.25
SUBTITLE_SHARE = 0.08
FIRST_DAY = dt.date(2025, 3, 21)  # the sample's "Mar 21"; sections go back one day at a time

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE_LINE = re.compile(r"^[A-Z][a-z]{2} \d{1,2}$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_NOT_URL_CHAR = re.compile(r"[^A-Za-z0-9]+")
# Function words: lower-case inside title-case titles, never the last word of a title or sentence.
_SMALL_TEXT = "a an and as at by for from in into is of on or over the to under via vs with without"
_SMALL_WORDS = frozenset(_SMALL_TEXT.split())
_INTRO_PHRASES = (
    "In this paper, we propose {},",
    "We introduce {},",
    "To address this, we present {},",
    "This work presents {},",
)
_LINK_PHRASES = (
    "The code is available at",
    "Our code is available at",
    "The code is released at",
    "Code is publicly available at",
)
_OWNER_SUFFIXES = ("lab", "Lab", "group", "ai", "research", "nlp", "ml")


@dataclass(frozen=True)
class Vocabulary:
    """Word pools from the sample, duplicates kept so that sampling follows its frequencies."""

    abstract_words: tuple[str, ...]
    """Tokens inside sentences (not the first), in order, sentence-final periods removed."""
    starters: tuple[str, ...]
    """Capitalised tokens that open sentences in the sample ("We", "However,", "The")."""
    sentence_lengths: tuple[int, ...]
    """Word counts of the sample's sentences, so generated sentences have the same rhythm."""
    title_words: tuple[str, ...]
    """Title tokens in order (weighted up) plus distinct content words from the abstracts."""
    content_words: tuple[str, ...]
    """Distinct words of four or more letters: name fragments and title endings."""
    papers: dict[str, str]
    """The sample's papers verbatim, title -> abstract; the needles come from here."""


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each stripped, empty ones dropped."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _balanced(token: str) -> bool:
    """Whether a token can be dropped anywhere without leaving a bracket or quote open."""
    return (
        token.count("(") == token.count(")")
        and token.count("[") == token.count("]")
        and token.count("{") == token.count("}")
        and token.count('"') % 2 == 0
    )


def _clean_inner(token: str) -> str:
    """Drop a sentence-final period but keep abbreviations such as "e.g." and "al."."""
    if token.endswith(".") and "." not in token[:-1] and token != "al.":
        return token[:-1]
    return token


def _has_alnum(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def sample_papers(text: str) -> dict[str, str]:
    """The (title -> abstract) pairs of a digest in the sample's layout, in order."""
    papers: dict[str, str] = {}
    body = [p for p in _paragraphs(text) if p not in CHROME and not _DATE_LINE.match(p)]
    for title, abstract in zip(body[0::2], body[1::2], strict=True):
        papers[title] = abstract
    return papers


def build_vocabulary(text: str) -> Vocabulary:
    """Word pools from a digest's text; order of first appearance keeps the result deterministic."""
    papers = sample_papers(text)
    starters: list[str] = []
    inner: list[str] = []
    lengths: list[int] = []
    for abstract in papers.values():
        for sentence in _SENTENCE_END.split(abstract):
            tokens = [t for t in sentence.split() if "://" not in t and "github" not in t]
            if len(tokens) < 3:
                continue
            lengths.append(len(tokens))
            if tokens[0][0].isupper() and _balanced(tokens[0]):
                starters.append(tokens[0])
            inner.extend(_clean_inner(t) for t in tokens[1:] if _balanced(t) and _has_alnum(t))
    title_tokens = [
        t.rstrip(".,;:")
        for title in papers
        for t in title.split()
        if _balanced(t) and _has_alnum(t)
    ]
    content = list(
        dict.fromkeys(
            w
            for w in (t.strip(".,;:()[]'\"") for t in inner)
            if len(w) >= 4 and w.replace("-", "").isalpha()
        )
    )
    return Vocabulary(
        abstract_words=tuple(inner),
        starters=tuple(starters),
        sentence_lengths=tuple(lengths),
        title_words=tuple(title_tokens * 3 + content),
        content_words=tuple(content),
        papers=papers,
    )


@lru_cache(maxsize=1)
def load_vocabulary(path: Path = SAMPLE_PATH) -> Vocabulary:
    """The vocabulary of the bundled sample (read once per process)."""
    return build_vocabulary(path.read_text(encoding="utf-8"))


def needle_positions(n: int) -> dict[int, str]:
    """Index -> title of the real papers planted in a digest of n papers."""
    positions: dict[int, str] = {}
    for fraction, title in NEEDLES:
        index = min(n - 1, int(n * fraction))
        if n > 0 and index not in positions:
            positions[index] = title
    return positions


def date_line(day: dt.date) -> str:
    """A date heading as the digest writes it ("Mar 21"), independent of the locale."""
    return f"{_MONTHS[day.month - 1]} {day.day}"


class _PaperMaker:
    """Draws titles and abstracts from one seeded random stream."""

    def __init__(self, vocab: Vocabulary, rng: Random) -> None:
        self.v = vocab
        self.rng = rng

    def name(self) -> str:
        """An acronym-like system name such as "LeMo", "SQUASH", "XGrammar" or "DART-Math"."""
        rng, words = self.rng, self.v.content_words
        style = rng.random()
        if style < 0.35:
            a, b = rng.choices(words, k=2)
            return a[: rng.randint(2, 4)].capitalize() + b[: rng.randint(2, 4)].capitalize()
        if style < 0.6:
            return "".join(w[0] for w in rng.choices(words, k=rng.randint(3, 6))).upper()
        if style < 0.8:
            return chr(rng.randint(65, 90)) + rng.choice(words).capitalize()
        a, b = rng.choices(words, k=2)
        return a[: rng.randint(3, 5)].upper() + "-" + b.split("-")[0].capitalize()

    def fragments(self, pool: Sequence[str], count: int, longest: int) -> list[str]:
        """count words copied as runs of 1..longest consecutive sample words (local sense)."""
        rnd, size = self.rng.random, len(pool)
        words: list[str] = []
        while len(words) < count:
            start = int(rnd() * size)
            words.extend(pool[start : start + 1 + int(rnd() * longest)])
        return words[:count]

    def title_words(self, count: int, sentence_case: bool) -> list[str]:
        """Words for a title, cased like the sample's title-case or sentence-case titles."""
        words = self.fragments(self.v.title_words, count, 4)
        if words[-1].lower() in _SMALL_WORDS:
            words[-1] = self.rng.choice(self.v.content_words)
        out = []
        for w in words:
            plain = w[1:].islower() or len(w) == 1
            if sentence_case and plain and w[0].isupper():
                w = w.lower()
            elif not sentence_case and w[0].islower() and w.lower() not in _SMALL_WORDS:
                w = w[0].upper() + w[1:]
            out.append(w)
        out[0] = out[0][0].upper() + out[0][1:]
        return out

    def title(self) -> tuple[str, str | None]:
        """A title (4-20 words, no final period) and its system name, if it has one."""
        rng = self.rng
        count = TITLE_WORDS[0] + min(TITLE_WORDS[1] - TITLE_WORDS[0], int(rng.expovariate(0.2)))
        name = self.name() if rng.random() < NAMED_TITLE_SHARE else None
        words = self.title_words(count - (name is not None), rng.random() < SENTENCE_CASE_SHARE)
        if name is None and len(words) >= 6 and rng.random() < SUBTITLE_SHARE:
            cut = rng.randint(2, len(words) - 3)
            words[cut] += ":"
            words[cut + 1] = words[cut + 1][0].upper() + words[cut + 1][1:]
        if name is not None:
            words.insert(0, name + ":")
        return " ".join(words), name

    def code_link(self, title: str, name: str | None) -> str:
        """A sentence pointing at a generated GitHub repository."""
        rng, words = self.rng, self.v.content_words
        style = rng.random()
        if style < 0.4:
            owner = rng.choice(words).lower() + str(rng.randint(1, 9999))
        elif style < 0.7:
            owner = f"{rng.choice(words).lower()}-{rng.choice(_OWNER_SUFFIXES)}"
        else:
            letters = "".join(w[0] for w in rng.choices(words, k=rng.randint(3, 5))).upper()
            owner = f"{letters}-{rng.choice(_OWNER_SUFFIXES)}"
        if name is not None:
            repo = _NOT_URL_CHAR.sub("-", name).strip("-")
        else:
            parts = [_NOT_URL_CHAR.sub("", w).lower() for w in title.split()[:6]]
            picked = [p for p in parts if len(p) > 3][: rng.randint(1, 3)] or ["code"]
            repo = rng.choice("-_").join(picked)
        return f"{rng.choice(_LINK_PHRASES)} https://github.com/{owner}/{repo}."

    def abstract(self, title: str, name: str | None) -> str:
        """An abstract of 120-300 words in sentences that end with periods."""
        rng, v = self.rng, self.v
        total = int(rng.triangular(ABSTRACT_WORDS[0], ABSTRACT_WORDS[1] + 1, ABSTRACT_MODE))
        intro = rng.choice(_INTRO_PHRASES).format(name) if name else ""
        link = self.code_link(title, name) if rng.random() < CODE_LINK_SHARE else ""
        remaining = total - len(intro.split()) - len(link.split())
        words = self.fragments(v.abstract_words, remaining, 7)
        rnd, lengths = rng.random, v.sentence_lengths
        sentences: list[str] = []
        start = 0
        while start < remaining:
            end = start + lengths[int(rnd() * len(lengths))]
            if remaining - end < 5:  # no stub sentence at the end
                end = remaining
            body = words[start:end]
            if body[-1].lower() in _SMALL_WORDS:
                body[-1] = rng.choice(v.content_words)
            body[-1] = body[-1].rstrip(".,;:") + "."
            if intro and len(sentences) == 1:  # the name is introduced after the context
                body.insert(0, intro)
            else:
                body[0] = rng.choice(v.starters)
            sentences.append(" ".join(body))
            start = end
        if link:
            sentences.append(link)
        return " ".join(sentences)


def _title_key(title: str) -> str:
    """Case and punctuation folded, like the ids papershelf derives from titles."""
    return " ".join(_NOT_URL_CHAR.sub(" ", title.casefold()).split())


def _fresh(key: str, seen: set[str], needle_keys: Sequence[str]) -> bool:
    """Titles must be unique (papershelf derives ids from them) and must not contain a needle's
    whole title, so that an exact title query has exactly one best answer."""
    return key not in seen and not any(needle in key for needle in needle_keys)


def papers(n: int, seed: int = 0) -> Iterator[tuple[str, str, str]]:
    """(date line, title, abstract) for n papers, newest day first, needles in place."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    vocab = load_vocabulary()
    maker = _PaperMaker(vocab, Random(seed))
    layout = Random(f"sections-{seed}")
    needles = needle_positions(n)
    needle_keys = tuple(_title_key(title) for _fraction, title in NEEDLES)
    seen = set(needle_keys)
    day, left_today = FIRST_DAY, layout.randint(*PAPERS_PER_DAY)
    for index in range(n):
        if left_today == 0:
            day, left_today = day - dt.timedelta(days=1), layout.randint(*PAPERS_PER_DAY)
        left_today -= 1
        if index in needles:
            title = needles[index]
            yield date_line(day), title, vocab.papers[title]
            continue
        title, name = maker.title()
        while not _fresh(_title_key(title), seen, needle_keys):
            title, name = maker.title()
        seen.add(_title_key(title))
        yield date_line(day), title, maker.abstract(title, name)


def _digest_chunks(rows: Iterable[tuple[str, str, str]]) -> Iterator[str]:
    """The chrome, then one chunk per day section: a date paragraph and its papers."""
    yield "".join(f"{line}\n\n" for line in CHROME)
    current: str | None = None
    chunk: list[str] = []
    for date, title, abstract in rows:
        if date != current:
            if chunk:
                yield "".join(chunk)
            chunk, current = [f"{date}\n\n"], date
        chunk.append(f"{title}\n\n{abstract}\n\n")
    if chunk:
        yield "".join(chunk)


def generate(n: int, seed: int = 0) -> Iterator[str]:
    """The digest text of n papers as chunks (the chrome, then one chunk per day section)."""
    return _digest_chunks(papers(n, seed))


def lines(n: int, seed: int = 0) -> Iterator[str]:
    """One line per paper, title + " " + abstract, the input `fzf --filter` searches."""
    for _date, title, abstract in papers(n, seed):
        yield f"{title} {abstract}\n"


def _write(path: Path, chunks: Iterator[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.writelines(chunks)
    return path


def write_digest(path: Path, n: int, seed: int = 0) -> Path:
    """Write the digest of n papers to path (parents created) and return it."""
    return _write(path, generate(n, seed))


def write_lines(path: Path, n: int, seed: int = 0) -> Path:
    """Write the one-line-per-paper form of the same n papers to path and return it."""
    return _write(path, lines(n, seed))


def _write_pair(digest: Path, lines_out: Path, n: int, seed: int) -> None:
    """Both forms in one pass over the papers (the CLI's --lines), identical to the two writers."""
    lines_out.parent.mkdir(parents=True, exist_ok=True)
    with lines_out.open("w", encoding="utf-8", newline="\n") as out:

        def rows() -> Iterator[tuple[str, str, str]]:
            for row in papers(n, seed):
                out.write(f"{row[1]} {row[2]}\n")
                yield row

        _write(digest, _digest_chunks(rows()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of papers")
    parser.add_argument("out", type=Path, help="digest file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--lines", type=Path, metavar="OUT", help="also write one line per paper here (for fzf)"
    )
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("n must be >= 0")
    if args.lines is None:
        write_digest(args.out, args.n, args.seed)
    else:
        _write_pair(args.out, args.lines, args.n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
