"""The one parser: digest text and Hugging Face JSON in, `Paper` records and warnings out.

`parse_sources` reads what the user named (files, directories of digests, stdin) and is what the
CLI, the app and the library use; `parse_text` takes text already in memory, telling digest
text from JSON by content. The modules, each a step of the way:

- `sources`: files, directories, stdin; big files a block at a time (`blocks`), decoded
  (`decoding`), papers handed on per block while the rest is still being read.
- `digest`: digest text: page chrome, date lines (`dates`), titles paired with abstracts;
  `paragraphs` joins wrapped lines and strips controls, `latex` decodes TeX escapes.
- `capture`: copies of the papers pages with their markup (markdown, numbered references,
  addresses on lines of their own): cards found by structure (`markup` flattens links,
  `furniture` tells votes, author counts, badges and card dates by pattern).
- `links`: URLs, code repositories and arXiv ids found in abstracts.
- `hfjson`: the Hugging Face API's JSON.
- `results`: `ParseResult`, `ParseWarning`, and the `UserError` that names a bad source.

Everything a user can get wrong raises `UserError` with a one-line message naming the file;
recoverable oddities become `ParseWarning`s with a line number where one is known.
"""

from __future__ import annotations

from papershelf.parser.digest import CHROME, TITLE_MAX, parse_digest
from papershelf.parser.hfjson import parse_hf_json
from papershelf.parser.latex import decode_latex
from papershelf.parser.results import STDIN, ParseResult, ParseWarning
from papershelf.parser.sources import DIGEST_SUFFIXES, parse_sources, parse_text

__all__ = [
    "CHROME",
    "DIGEST_SUFFIXES",
    "STDIN",
    "TITLE_MAX",
    "ParseResult",
    "ParseWarning",
    "decode_latex",
    "parse_digest",
    "parse_hf_json",
    "parse_sources",
    "parse_text",
]
