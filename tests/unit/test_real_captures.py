"""Real captures of the papers pages parse to exactly the real papers, with no page furniture.

The expected tables are SOURCES.md's (tests/fixtures/real/), copied here as data. A capture
with hard-wrapped titles (`\\  `) is expected with that break made one space.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from papershelf.parser import ParseResult, parse_sources, parse_text

REAL = Path(__file__).parents[1] / "fixtures" / "real"
SEED = Path(__file__).parents[2] / "assets" / "sample-digest.txt"

# (arXiv id or None, title, abstract start or '', upvotes or None), from SOURCES.md's tables.
EXPECTED: dict[str, list[tuple[str | None, str, str, int | None]]] = {
    "obsidian-webclipper-2026-04-17.md": [
        (
            "2604.14268",
            "HY-World 2.0: A Multi-Modal World Model for Reconstructing, Generating, and "
            "Simulating 3D Worlds",
            "",
            1090,
        ),
        (
            "2604.15308",
            "RAD-2: Scaling Reinforcement Learning in a Generator-Discriminator Framework",
            "",
            207,
        ),
        (
            "2604.14683",
            "DR^{3}-Eval: Towards Realistic and Reproducible Deep Research Evaluation",
            "",
            21,
        ),
        (
            "2604.14164",
            "How to Fine-Tune a Reasoning Model? A Teacher-Student Cooperation Framework to "
            "Synthesize Student-Consistent SFT Data",
            "",
            15,
        ),
        (
            "2509.25843",
            "ASGuard: Activation-Scaling Guard to Mitigate Targeted Jailbreaking Attack",
            "",
            5,
        ),
        (
            "2604.15284",
            "GlobalSplat: Efficient Feed-Forward 3D Gaussian Splatting via Global Scene Tokens",
            "",
            None,
        ),
        (
            "2604.14125",
            "HiVLA: A Visual-Grounded-Centric Hierarchical Embodied Manipulation System",
            "",
            None,
        ),
        (
            "2604.14228",
            "Dive into Claude Code: The Design Space of Today's and Future AI Agent Systems",
            "",
            131,
        ),
        (
            "2604.14967",
            "UniDoc-RL: Coarse-to-Fine Visual RAG with Hierarchical Actions and Dense Rewards",
            "",
            4,
        ),
        (
            "2604.14629",
            "Switch-KD: Visual-Switch Knowledge Distillation for Vision-Language Models",
            "",
            5,
        ),
        (
            "2604.11707",
            "Representations Before Pixels: Semantics-Guided Hierarchical Video Prediction",
            "",
            6,
        ),
        (
            "2604.14531",
            "TRACER: Trace-Based Adaptive Cost-Efficient Routing for LLM Classification",
            "",
            122,
        ),
        ("2604.14062", "OneHOI: Unifying Human-Object Interaction Generation and Editing", "", 5),
        (
            "2604.15231",
            "RadAgent: A tool-using AI agent for stepwise interpretation of chest computed "
            "tomography",
            "",
            None,
        ),
        (
            "2604.14922",
            "LongAct: Harnessing Intrinsic Activation Patterns for Long-Context Reinforcement "
            "Learning",
            "",
            None,
        ),
        (
            "2604.15311",
            "LeapAlign: Post-Training Flow Matching Models at Any Generation Step by Building "
            "Two-Step Trajectories",
            "",
            None,
        ),
        (
            "2604.15309",
            "MM-WebAgent: A Hierarchical Multimodal Web Agent for Webpage Generation",
            "",
            5,
        ),
        ("2604.14265", "Reinforcement Learning via Value Gradient Flow", "", 3),
        ("2604.12966", "Boosting Visual Instruction Tuning with Self-Supervised Guidance", "", 12),
        (
            "2604.13226",
            "KV Packet: Recomputation-Free Context-Independent KV Caching for LLMs",
            "",
            6,
        ),
        (
            "2604.04514",
            "SuperLocalMemory V3.3: The Living Brain -- Biologically-Inspired Forgetting, "
            "Cognitive Quantization, and Multi-Channel Retrieval for Zero-LLM Agent Memory "
            "Systems",
            "",
            None,
        ),
        (
            "2604.14914",
            "Beyond Prompts: Unconditional 3D Inversion for Out-of-Distribution Shapes",
            "",
            None,
        ),
        (
            "2604.14572",
            "Don't Retrieve, Navigate: Distilling Enterprise Knowledge into Navigable Agent "
            "Skills for QA and RAG",
            "",
            1,
        ),
        ("2604.11661", "Towards Autonomous Mechanistic Reasoning in Virtual Cells", "", 3),
        ("2604.07466", "Cross-Tokenizer LLM Distillation through a Byte-Level Interface", "", None),
        ("2604.14430", "Three-Phase Transformer", "", 4),
        (
            "2604.13618",
            "C2: Scalable Rubric-Augmented Reward Modeling from Binary Preferences",
            "",
            1,
        ),
        (
            "2603.27844",
            "Model Capability Dominates: Inference-Time Optimization Lessons from AIMO 3",
            "",
            1,
        ),
        (
            "2211.16780",
            "An Optimal Transport-driven Approach for Cultivating Latent Space in Online "
            "Incremental Learning",
            "",
            None,
        ),
    ],
    "structured-html-text-trending-2026-10.md": [
        (
            "2610.05608",
            "Kandinsky 6.0 Video: Foundation Models for Synchronized Video and Audio Generation",
            "We present Kandinsky 6.0 Video, a family of foundation diffu",
            117,
        ),
        (
            "2609.18063",
            "The Other Half of the Memory Wall: Serving 35B MoEs from SSD with Trained "
            "Routing Prediction",
            "Mixture-of-experts (MoE) inference on consumer hardware is b",
            25,
        ),
        (
            "2412.20138",
            "TradingAgents: Multi-Agents LLM Financial Trading Framework",
            "A multi-agent framework using large language models for stoc",
            149,
        ),
        (
            "2609.05415",
            "UniMate: One Unified Model to Animate Diverse Skeletons",
            "UniMate is a unified diffusion transformer that generates ar",
            22,
        ),
    ],
    "firecrawl-search-2026-10-02.md": [
        (
            "2606.00683",
            "OCC-RAG: Optimal Cognitive Core for Faithful Question Answering",
            "Recent progress in the development of language models has be",
            101,
        ),
        (
            "2609.11115",
            "Benchmark Radar: A Living Database and Search Engine for AI Benchmarks and Evaluation",
            "Benchmark researchers and developers of large language model",
            173,
        ),
        (
            "2502.20581",
            "The Noisy Path from Source to Citation: Measuring How Scholars Engage with Past "
            "Research",
            "Academic citations are widely used for evaluating research a",
            None,
        ),
        (
            "2605.08583",
            "Source or It Didn't Happen: A Multi-Agent Framework for Citation Hallucination "
            "Detection",
            "Large language models are increasingly used in scientific wr",
            1,
        ),
        (
            "2609.00319",
            "Sources of Truth: A Multi-Platform, Multilingual Audit of Citations in AI Mental "
            "Health Information Queries",
            "Online health information seeking is shifting from keyword s",
            None,
        ),
        (
            "2403.01774",
            "WebCiteS: Attributed Query-Focused Summarization on Chinese Web Search Results "
            "with Citations",
            "Enhancing the attribution in large language models (LLMs) is",
            None,
        ),
        (
            "2410.22349",
            "Search Engines in an AI Era: The False Promise of Factual and Verifiable "
            "Source-Cited Responses",
            "Large Language Model (LLM)-based applications are graduating",
            None,
        ),
        (
            "2509.04499",
            "DeepTRACE: Auditing Deep Research AI Systems for Tracking Reliability Across "
            "Citations and Evidence",
            "Generative search engines and deep research LLM agents promi",
            None,
        ),
        (
            "2511.12142",
            "MAVIS: A Benchmark for Multimodal Source Attribution in Long-form Visual "
            "Question Answering",
            "Source attribution aims to enhance the reliability of AI-gen",
            None,
        ),
        (
            "2407.17722",
            "Text-Driven Neural Collaborative Filtering Model for Paper Source Tracing",
            "Identifying significant references within the complex interr",
            8,
        ),
    ],
    "reflinks-ragent-search-2026-06-29.md": [
        (
            None,
            "MURMUR: An Efficient Inference System for Long-Form ASR",
            "Long-form automatic speech recognition (ASR) requires both h",
            None,
        ),
        (
            None,
            "Gemini 1.5: Unlocking multimodal understanding across millions of tokens of context",
            "In this report, we present the latest model of the Gemini fa",
            65,
        ),
        (
            None,
            "Speech-Aware Long Context Pruning and Integration for Contextualized Automatic "
            "Speech Recognition",
            "Automatic speech recognition (ASR) systems have achieved rem",
            1,
        ),
        (
            None,
            "MLMA: Towards Multilingual with Mamba Based Architectures",
            "Multilingual automatic speech recognition (ASR) remains a ch",
            None,
        ),
        (
            None,
            "Whispering Context: Distilling Syntax and Semantics for Long Speech Transcripts",
            "ASR systems often struggle with maintaining syntactic and se",
            None,
        ),
        (
            None,
            "Mind the Gap: Entity-Preserved Context-Aware ASR Structured Transcriptions",
            "Automatic Speech Recognition (ASR) systems, such as Whisper,",
            None,
        ),
        (
            None,
            "Libriheavy: a 50,000 hours ASR corpus with punctuation casing and context",
            "In this paper, we introduce Libriheavy, a large-scale ASR co",
            1,
        ),
        (
            None,
            "PromptASR for contextualized ASR with controllable style",
            "Prompts are crucial to large language models as they provide",
            None,
        ),
        (
            None,
            "VIBEVOICE-ASR Technical Report",
            "This report presents VibeVoice-ASR, a general-purpose speech",
            24,
        ),
        (
            None,
            "ChunkFormer: Masked Chunking Conformer For Long-Form Speech Transcription",
            "Deploying ASR models at an industrial scale poses significan",
            1,
        ),
    ],
    "notebooklm-search-2026-07-28.txt": [
        (
            "2410.05434",
            "Better than Your Teacher: LLM Agents that learn from Privileged AI Feedback",
            "While large language models (LLMs) show impressive decision-",
            1,
        ),
        (
            "2306.14898",
            "InterCode: Standardizing and Benchmarking Interactive Coding with Execution Feedback",
            "Humans write code in a fundamentally interactive manner and ",
            None,
        ),
        (
            "2502.06858",
            "LLM-Supported Natural Language to Bash Translation",
            "The Bourne-Again Shell (Bash) command-line interface for Lin",
            None,
        ),
        (
            "1802.08979",
            "NL2Bash: A Corpus and Semantic Parser for Natural Language Interface to the "
            "Linux Operating System",
            "We present new data and semantic parsing methods for the pro",
            None,
        ),
        (
            "2104.13100",
            "Shellcode_IA32: A Dataset for Automatic Shellcode Generation",
            "We take the first step to address the task of automatically ",
            None,
        ),
        (
            "1808.01400",
            "code2seq: Generating Sequences from Structured Representations of Code",
            "The ability to generate natural language sequences from sour",
            2,
        ),
        (
            "2409.02326",
            "Arctic-SnowCoder: Demystifying High-Quality Data in Code Pretraining",
            "Recent studies have been increasingly demonstrating that hig",
            19,
        ),
        (
            "2203.03850",
            "UniXcoder: Unified Cross-Modal Pre-training for Code Representation",
            "Pre-trained models for programming languages have recently d",
            None,
        ),
        (
            "2510.21057",
            "Soft Instruction De-escalation Defense",
            "Large Language Models (LLMs) are increasingly deployed in ag",
            5,
        ),
        (
            "2310.17680",
            "CodeFusion: A Pre-trained Diffusion Model for Code Generation",
            "Imagine a developer who can only change their last line of c",
            74,
        ),
    ],
    "page-title-scrape-trending.txt": [
        (
            None,
            "Agent Lightning: Train ANY AI Agents with Reinforcement Learning",
            "Agent Lightning is a flexible RL framework for training LLMs",
            None,
        ),
        (
            None,
            "HeartMuLa: A Family of Open Sourced Music Foundation Models",
            "A suite of open-source music foundation models is introduced",
            None,
        ),
        (
            None,
            "MemOS: A Memory OS for AI System",
            "MemOS, a memory operating system for Large Language Models, ",
            None,
        ),
        (
            None,
            "ShapeR: Robust Conditional 3D Shape Generation from Casual Captures",
            "ShapeR generates high-fidelity 3D shapes from casual image s",
            None,
        ),
        (
            None,
            "Conditional Memory via Scalable Lookup: A New Axis of Sparsity for Large "
            "Language Models",
            "Conditional memory via Engram module enhances Transformer mo",
            None,
        ),
        (
            None,
            "SimpleMem: Efficient Lifelong Memory for LLM Agents",
            "To support reliable long-term interaction in complex environ",
            None,
        ),
        (
            None,
            "Continuous Audio Language Models",
            "Audio Language Models (ALM) have emerged as the dominant par",
            None,
        ),
    ],
}

# The listing day where a capture has one; search views and trending pages have none.
LISTING_DAY = {"obsidian-webclipper-2026-04-17.md": dt.date(2026, 4, 17)}

# What page furniture looks like when it leaks into a title or an abstract.
FURNITURE = re.compile(
    r"Submitted by|\d+ authors\b|\]\(|\]\[\d|\[|###|Upvote|GitHub \d|LINK:"
    r"|\A(?:https?:|[-\d.,k·\s]*\Z)"
)


def _parse(name: str) -> ParseResult:
    return parse_sources([REAL / name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_real_capture_gives_exactly_its_papers(name: str) -> None:
    result = _parse(name)
    expected = EXPECTED[name]
    assert [p.title for p in result.papers] == [title for _, title, _, _ in expected]
    assert [p.arxiv_id for p in result.papers] == [arxiv for arxiv, _, _, _ in expected]
    for paper, (_, _, start, upvotes) in zip(result.papers, expected, strict=True):
        assert " ".join(paper.abstract.split()).startswith(" ".join(start.split()))
        assert bool(paper.abstract) == bool(start)
        assert paper.upvotes == upvotes, paper.title
        assert paper.date == LISTING_DAY.get(name), paper.title  # never a card's date
    assert len(result.warnings) <= 1


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_page_furniture_is_left_in_titles_or_abstracts(name: str) -> None:
    for paper in _parse(name).papers:
        assert FURNITURE.search(paper.title) is None, paper.title
        assert FURNITURE.search(paper.abstract[:200] if paper.abstract else "x") is None
        assert FURNITURE.search(paper.abstract[-80:] if paper.abstract else "x") is None
        assert "\\\n" not in paper.abstract and "\\ " not in paper.title


def test_repeated_cards_count_once_and_keep_their_code_links() -> None:
    papers = _parse("page-title-scrape-trending.txt").papers
    assert papers[0].code_url == "https://github.com/microsoft/agent-lightning"
    structured = _parse("structured-html-text-trending-2026-10.md").papers
    assert [p.code_url for p in structured][2] == "https://github.com/tauricresearch/tradingagents"


def test_a_capture_without_abstracts_warns_once() -> None:
    result = _parse("obsidian-webclipper-2026-04-17.md")
    assert len(result.papers) == 29
    assert [w.message for w in result.warnings] == ["29 of 29 papers have no abstract here"]


@pytest.mark.parametrize("seed", [SEED, Path("/work/shared/seed/000_3c4e2736d298a566.txt")])
def test_the_seed_layout_still_gives_its_46_papers(seed: Path) -> None:
    if not seed.exists():
        pytest.skip("seed not present on this machine")
    result = parse_sources([seed])
    assert len(result.papers) == 46
    assert not result.warnings


# A rendered capture of random papers: cards in `### [Title](https://huggingface.co/papers/ID)`
# form, furniture lines interleaved, some cards repeated right after themselves.
_WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=9
)
_TITLE = st.lists(_WORD, min_size=2, max_size=10).map(" ".join)
_ABSTRACT = st.lists(_WORD, min_size=6, max_size=60).map(lambda words: " ".join(words) + ".")
_FURNITURE_BEFORE = [
    "Submitted by someone",
    "[{n}](https://huggingface.co/login?next=%2Fpapers%2F{id})",
]
_FURNITURE_AFTER = [
    "- {n} authors",
    "[- {n} authors](https://huggingface.co/papers/{id})",
    "·\n\nMay {n}",
    "· Published on Oct {n}, 2025",
    "[GitHub {n}.3k](https://github.com/owner/repo) [arXiv Page](https://arxiv.org/abs/{id})",
    "[Upvote\n\n{n}](https://huggingface.co/login?next=%2Fpapers%2F{id})",
    "[{n}](https://huggingface.co/papers/{id}#community)",
]


@st.composite
def _papers(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    count = draw(st.integers(1, 8))
    ids = draw(st.lists(st.integers(1000, 99999), min_size=count, max_size=count, unique=True))
    titles = draw(
        st.lists(_TITLE, min_size=count, max_size=count, unique_by=lambda t: t.casefold())
    )
    return [
        (f"2{n % 10}0{n % 3 + 1}.{n:05d}", title, draw(_ABSTRACT))
        for n, title in zip(ids, titles, strict=True)
    ]


@given(papers=_papers(), data=st.data())
def test_a_rendered_markdown_capture_parses_back_to_its_papers(
    papers: list[tuple[str, str, str]], data: st.DataObject
) -> None:
    lines = [
        "new",
        "",
        "Get trending papers in your email inbox once a day!",
        "",
        "# Daily Papers",
        "",
    ]
    for arxiv_id, title, abstract in papers:
        for _ in range(data.draw(st.integers(1, 2))):
            n = data.draw(st.integers(1, 28))
            for furniture in data.draw(st.lists(st.sampled_from(_FURNITURE_BEFORE), max_size=2)):
                lines += [furniture.format(n=n, id=arxiv_id), ""]
            lines += [f"### [{title}](https://huggingface.co/papers/{arxiv_id})", "", abstract, ""]
            for furniture in data.draw(st.lists(st.sampled_from(_FURNITURE_AFTER), max_size=4)):
                lines += [furniture.format(n=n, id=arxiv_id), ""]
    result = parse_text("\n".join(lines), reference_date=dt.date(2026, 1, 1))
    assert [(p.arxiv_id, p.title, p.abstract) for p in result.papers] == papers
    assert all(p.date is None for p in result.papers)
