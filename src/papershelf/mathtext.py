"""Readable math for display: `$\\mathcal{O}(\\log n)$` shown as `𝒪(log n)`.

Titles and abstracts carry the LaTeX their authors wrote. Display forms (the app's rows and
detail pane, `list --format text`, Markdown) show common math as Unicode; JSON, TSV and
BibTeX keep the original, and the search index holds both forms (`search_text`).

Only `$...$` spans whose dollars pair the way Pandoc pairs them (no space just inside either
dollar, no digit just after the closing one) are math: `$5 and $10` stays as written. Inside,
known macros become their symbols and unknown ones are kept verbatim, so nothing the author
wrote is lost. Outside math only a few text-style commands (`\\emph{x}` -> `x`) are read.
Text with neither `$` nor a backslash is returned at once, and results are cached, so rows
rendered per keystroke at 100k papers cost a substring scan each.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _words(text: str) -> tuple[str, ...]:
    """The space-separated words of `text`: long lists of names read best as one string."""
    return tuple(text.split())


def _names(text: str) -> frozenset[str]:
    return frozenset(_words(text))


# --- what each macro shows as -----------------------------------------------------------------

_GREEK = dict(
    zip(
        _words(
            "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda"
            " mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega"
            " Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
        ),
        "αβγδεεζηθϑικλμνξπϖρϱσςτυφφχψωΓΔΘΛΞΠΣΥΦΨΩ",
        strict=True,
    )
)
_SYMBOLS = {
    **_GREEK,
    "times": "×", "cdot": "·", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆",
    "circ": "∘", "bullet": "•", "dagger": "†", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "equiv": "≡", "propto": "∝",
    "ll": "≪", "gg": "≫", "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "leftrightarrow": "↔", "Leftrightarrow": "⇔",
    "mapsto": "↦", "uparrow": "↑", "downarrow": "↓", "infty": "∞", "sum": "∑", "prod": "∏",
    "int": "∫", "oint": "∮", "partial": "∂", "nabla": "∇", "in": "∈", "notin": "∉", "ni": "∋",
    "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇", "cup": "∪", "cap": "∩",
    "setminus": "∖", "emptyset": "∅", "varnothing": "∅", "forall": "∀", "exists": "∃",
    "neg": "¬", "lnot": "¬", "land": "∧", "wedge": "∧", "lor": "∨", "vee": "∨", "oplus": "⊕",
    "otimes": "⊗", "odot": "⊙", "ell": "ℓ", "hbar": "ℏ", "top": "⊤", "bot": "⊥", "perp": "⊥",
    "mid": "∣", "parallel": "∥", "prime": "′", "ldots": "…", "dots": "…", "cdots": "⋯",
    "vdots": "⋮", "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
    "rceil": "⌉", "lvert": "|", "rvert": "|", "vert": "|", "Vert": "‖", "lVert": "‖",
    "rVert": "‖", "triangleq": "≜", "coloneqq": "≔", "checkmark": "✓", "degree": "°",
    "quad": " ", "qquad": " ", "left": "", "right": "", "big": "", "Big": "", "bigl": "",
    "bigr": "", "displaystyle": "", "textstyle": "", "limits": "", "nolimits": "",
}  # fmt: skip
_FUNCTIONS = _names(
    "log ln lg exp sin cos tan sinh cosh tanh arcsin arccos arctan min max argmin argmax arg"
    " lim liminf limsup sup inf det dim ker deg gcd Pr mod bmod softmax"
)
# Commands whose braced argument is shown as it is (font and text switches).
_PLAIN_ARGUMENT = _names(
    "text textrm textit textbf textsf texttt textsc textnormal emph mathrm mathit mathbf mathsf"
    " mathtt mathnormal operatorname boldsymbol bm mathbold mbox hbox underline overline"
    " widehat widetilde hat tilde bar vec dot ddot"
)
TEXT_COMMANDS = _names("text textrm textit textbf textsf texttt textsc emph underline")
"""The commands read outside math (a title's `\\textsc{Foo}`); their argument is shown."""
_NAMED = {"LaTeX": "LaTeX", "TeX": "TeX", "ldots": "…", "textendash": "–", "textemdash": "—"}
TEXT_SYMBOLS = frozenset(_NAMED)
"""The argument-less commands read outside math (`\\LaTeX`)."""


def _alphabet(upper_start: int, lower_start: int, exceptions: dict[str, str]) -> dict[str, str]:
    table = {chr(65 + i): chr(upper_start + i) for i in range(26)}
    table.update({chr(97 + i): chr(lower_start + i) for i in range(26)})
    table.update(exceptions)
    return table


# Mathematical script and double-struck letters; the holes of those Unicode blocks are the
# older letterlike symbols (ℬ, ℝ, ...).
_SCRIPT = _alphabet(
    0x1D49C,
    0x1D4B6,
    dict(zip("BEFHILMRego", "ℬℰℱℋℐℒℳℛℯℊℴ", strict=True)),
)
_DOUBLE = _alphabet(0x1D538, 0x1D552, dict(zip("CHNPQRZ", "ℂℍℕℙℚℝℤ", strict=True)))
_DOUBLE.update({str(d): chr(0x1D7D8 + d) for d in range(10)})
_FONTS = {"mathcal": _SCRIPT, "mathscr": _SCRIPT, "mathbb": _DOUBLE, "mathds": _DOUBLE}

_SUPERSCRIPT = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW*'",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ*′",
        strict=True,
    )
)
_SUPERSCRIPT.update({"⊤": "ᵀ", "′": "′", "∗": "*", "∘": "°", "−": "⁻"})
_SUBSCRIPT = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)
_SUBSCRIPT["−"] = "₋"

ONE_ARGUMENT = frozenset({*_PLAIN_ARGUMENT, *_FONTS, "sqrt"})
TWO_ARGUMENTS = frozenset({"frac", "dfrac", "tfrac", "binom"})
MATH_MACROS = frozenset({*_SYMBOLS, *_FUNCTIONS, *ONE_ARGUMENT, *TWO_ARGUMENTS})
"""Every macro this module renders inside math (exports keep exactly these in BibTeX math)."""

# --- finding math -----------------------------------------------------------------------------

MATH_SPAN = re.compile(
    r"(?<!\\)\$(?=[^\s$])((?:[^$\\]|\\.)*?(?:[^\s$\\]|\\[^\s$]))\$(?!\d)", re.DOTALL
)
"""An inline math span, Pandoc's rule: `$x$`, not `$5 and $10`; group 1 is its content."""
_TEXT_COMMAND = re.compile(r"\\([A-Za-z]+)(?:\{([^{}$]*)\})?")
_NAME = re.compile(r"[A-Za-z]+")
_MAX_DEPTH = 20
"""Groups nested deeper than this are shown as written (no recursion on hostile input)."""


def render_math(text: str) -> str:
    """`text` with its math spans (and a few text commands) rendered as Unicode; never raises.

    What is not understood is kept as written: unknown macros, unpaired dollars.
    """
    if "$" not in text and "\\" not in text:
        return text
    return _render_cached(text)


def search_text(text: str) -> str:
    """What the search index reads for `text`: the original, plus its rendered form when it
    differs, so `log n`, `𝒪` and `mathcal` all find `$\\mathcal{O}(\\log n)$`."""
    shown = render_math(text)
    return text if shown == text else f"{text}\n{shown}"


@lru_cache(maxsize=1 << 14)
def _render_cached(text: str) -> str:
    pieces: list[str] = []
    position = 0
    for match in MATH_SPAN.finditer(text):
        pieces.append(_render_text(text[position : match.start()]))
        pieces.append(_Math(match[1]).render())
        position = match.end()
    pieces.append(_render_text(text[position:]))
    return "".join(pieces)


def _render_text(text: str) -> str:
    if "\\" not in text:
        return text
    return _TEXT_COMMAND.sub(_text_command, text)


def _text_command(match: re.Match[str]) -> str:
    name, argument = match[1], match[2]
    if name in _NAMED and argument is None:
        return _NAMED[name]
    if name in TEXT_COMMANDS and argument is not None:
        return argument
    return match.group()


class _Math:
    """A one-pass reader of one math span's content (a tiny recursive-descent renderer)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def render(self) -> str:
        return " ".join(self._sequence(0, closing=False).split())

    def _sequence(self, depth: int, *, closing: bool) -> str:
        """Atoms up to the end, or (`closing`) up to and including the `}` of this group."""
        out: list[str] = []
        source = self.source
        while self.pos < len(source):
            if closing and source[self.pos] == "}":
                self.pos += 1
                break
            out.append(self._atom(depth))
        return "".join(out)

    def _atom(self, depth: int) -> str:
        """The next unit shown: a group, a macro with its arguments, a script, a character."""
        source = self.source
        char = source[self.pos]
        self.pos += 1
        if char == "{":
            if depth >= _MAX_DEPTH:
                return char
            return self._sequence(depth + 1, closing=True)
        if char == "\\":
            return self._macro(depth)
        if char in "^_" and depth < _MAX_DEPTH:
            return self._script(char, depth)
        if char == "~":
            return " "
        if char == "'":
            return "′"
        return char

    def _argument(self, depth: int) -> str | None:
        """The next atom as a macro's argument (spaces before it skipped), None at the end."""
        while self.pos < len(self.source) and self.source[self.pos] == " ":
            self.pos += 1
        if self.pos >= len(self.source) or self.source[self.pos] == "}":
            return None
        return self._atom(depth + 1)

    def _macro(self, depth: int) -> str:
        source = self.source
        match = _NAME.match(source, self.pos)
        if match is None:  # `\{`, `\,`, `\%`, or a backslash at the end
            if self.pos >= len(source):
                return "\\"
            char = source[self.pos]
            self.pos += 1
            return {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "|": "‖"}.get(char, char)
        name = match.group()
        self.pos = match.end()
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        if name in _FUNCTIONS:
            return name
        if depth >= _MAX_DEPTH:
            return "\\" + name
        if not (name in ONE_ARGUMENT or name in TWO_ARGUMENTS):  # unknown: kept as written
            if self.pos < len(source) and source[self.pos] == "{":
                self.pos += 1
                return f"\\{name}{{{self._sequence(depth + 1, closing=True)}}}"
            return "\\" + name
        first = self._argument(depth)
        if first is None:
            return "\\" + name
        if name in _FONTS:
            table = _FONTS[name]
            return "".join(table.get(c, c) for c in first)
        if name == "sqrt":
            return "√" + _wrap(first)
        if name in _PLAIN_ARGUMENT:
            return first
        second = self._argument(depth)
        if second is None:
            return f"\\{name}{{{first}}}"
        if name == "binom":
            return f"C({first}, {second})"
        return f"{_wrap(first)}/{_wrap(second)}"

    def _script(self, mark: str, depth: int) -> str:
        body = self._argument(depth)
        if body is None:
            return mark
        table = _SUPERSCRIPT if mark == "^" else _SUBSCRIPT
        if body and all(c in table for c in body):
            return "".join(table[c] for c in body)
        return mark + _wrap(body)


def _wrap(text: str) -> str:
    """`text` as one operand: parenthesised unless it is a single word, number or symbol."""
    if len(text) <= 1 or re.fullmatch(r"\w+|\w+\.\w+", text):
        return text
    return f"({text})"
