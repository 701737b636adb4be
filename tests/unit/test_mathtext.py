"""Readable math: common LaTeX shown as Unicode, the rest kept as written, never an error."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.mathtext import render_math, search_text


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (
            r"On the Expressivity of $\mathcal{O}(\log n)$-Depth Transformers",
            "On the Expressivity of 𝒪(log n)-Depth Transformers",
        ),
        (
            r"$\pi_0$: A Vision-Language-Action Flow Model",
            "π₀: A Vision-Language-Action Flow Model",
        ),
        (r"$\alpha$-Divergence and $\Omega(\sqrt{n})$", "α-Divergence and Ω(√n)"),
        (r"$x^{-1}$, $x^2$, $W^\top$, $x_{t+1}$", "x⁻¹, x², Wᵀ, xₜ₊₁"),
        (r"Embeddings in $\mathbb{R}^d$", "Embeddings in ℝᵈ"),
        (r"$10\times$ Faster, $\leq 1\%$ Loss", "10× Faster, ≤ 1% Loss"),
        (r"$\geq$ $\to$ $\infty$ $\sum_i$", "≥ → ∞ ∑ᵢ"),
        (r"$\frac{1}{2}$ and $\frac{a+b}{c}$", "1/2 and (a+b)/c"),
        (r"$\text{Top-}k$ and $O(n^{1.5})$", "Top-k and O(n^1.5)"),
        (r"\emph{Deep} \textsc{Nets} in \LaTeX", "Deep Nets in LaTeX"),
    ],
)
def test_common_math_reads_as_unicode(source: str, shown: str) -> None:
    assert render_math(source) == shown


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (r"$\foo{x} + \alpha$", r"\foo{x} + α"),  # an unknown macro stays as written
        (r"Plain \unknown text", r"Plain \unknown text"),
        ("It costs $5 and $10", "It costs $5 and $10"),  # not math: dollars of money
        ("A lone $ sign", "A lone $ sign"),
        ("$ spaced $", "$ spaced $"),
        (r"$\frac{1}$", r"\frac{1}"),
        ("No math at all", "No math at all"),
    ],
)
def test_what_is_not_understood_is_kept(source: str, shown: str) -> None:
    assert render_math(source) == shown


def test_plain_text_is_returned_as_is() -> None:
    title = "Attention Is All You Need"
    assert render_math(title) is title
    assert search_text(title) is title


def test_search_text_holds_both_forms() -> None:
    source = r"$\mathcal{O}(\log n)$-Depth"
    assert search_text(source) == f"{source}\n𝒪(log n)-Depth"


def test_deep_nesting_is_shown_not_recursed() -> None:
    hostile = "$" + "{" * 5000 + "x" + "}" * 5000 + "$ and $" + "^" * 5000 + "x$"
    assert render_math(hostile)  # no RecursionError
    assert render_math("$" + r"\frac" * 3000 + "$")


MATHY = st.lists(
    st.sampled_from(
        [*"${}^_\\ ax1'~%", r"\frac", r"\mathcal", r"\alpha", r"\sqrt", r"\text", r"\foo", "$$"]
    ),
    max_size=30,
).map("".join)


@given(st.one_of(MATHY, st.text(max_size=60)))
def test_any_text_renders_without_error(text: str) -> None:
    shown = render_math(text)
    assert isinstance(shown, str)
    if "$" not in text and "\\" not in text:
        assert shown == text


def test_rendering_many_titles_is_cheap() -> None:
    """Rows render per keystroke: plain titles cost a scan, math titles are cached."""
    titles = [f"Paper {n} on $\\mathcal{{O}}(n^{n % 7})$ things" for n in range(2000)]
    plain = [f"Paper {n} on things" for n in range(100_000)]
    for title in titles:
        render_math(title)
    start = time.perf_counter()
    for title in titles * 10:
        render_math(title)
    for title in plain:
        render_math(title)
    assert time.perf_counter() - start < 0.5
