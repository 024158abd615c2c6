"""Measure retrieval on the default knowledge pack: recall@5 and MRR over distinct documents.

    python -m evals.retrieval_eval                # recall@5, MRR, per-kind recall
    python -m evals.retrieval_eval --misses       # also list the queries whose documents were not in the top 5

The pack is loaded into a fresh embedded store in a temporary folder, so the
figures do not depend on any existing data. A query counts as found at rank r
when the r-th distinct document of its ranked chunks is one of its expected
documents; recall@k is the share of queries found within k, MRR averages 1/r
(0 when not found in the top `--depth`). Dates are fixed (`--on`) because
claims expire.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from knowledge.libraries.repository import InMemoryLibraryRepository
from knowledge.models import Kind
from knowledge.pack import load_default_pack
from knowledge.retrieval import KnowledgeBase
from knowledge.store import open_store

DATASET = Path(__file__).parent / "datasets" / "retrieval.jsonl"
ORG = "retrieval-eval"
EVAL_DATE = date(2026, 11, 28)


class RetrievalFilters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kinds: list[Kind] | None = None
    product_ids: list[str] | None = None
    platforms: list[str] | None = None
    topics: list[str] | None = None


class RetrievalCase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    query: str = Field(min_length=1)
    expected: list[str] = Field(min_length=1, description="Any of these documents answers the query")
    filters: RetrievalFilters = Field(default_factory=RetrievalFilters)


class CaseResult(BaseModel):
    case: RetrievalCase
    ranking: list[str]
    rank: int | None = Field(description="1-based rank of the first expected document, None if absent")


class RetrievalScore(BaseModel):
    cases: int
    k: int
    recall_at_k: float
    mrr: float
    results: list[CaseResult]

    def misses(self) -> list[CaseResult]:
        return [r for r in self.results if r.rank is None or r.rank > self.k]


def load_cases(path: Path = DATASET) -> list[RetrievalCase]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [RetrievalCase.model_validate(json.loads(line)) for line in lines if line.strip()]


def rank_documents(kb: KnowledgeBase, org: str, case: RetrievalCase, *, depth: int, on: date) -> list[str]:
    f = case.filters
    bundle = kb.retrieve(
        org,
        case.query,
        kinds=f.kinds,
        product_ids=f.product_ids,
        platforms=f.platforms,
        topics=f.topics,
        k=depth,
        per_document=1,  # one chunk per document: the ranking is of documents
        on=on,
    )
    return bundle.doc_ids()


def score(cases: list[RetrievalCase], rankings: list[list[str]], *, k: int = 5) -> RetrievalScore:
    results = []
    for case, ranking in zip(cases, rankings, strict=True):
        expected = set(case.expected)
        rank = next((i for i, doc_id in enumerate(ranking, 1) if doc_id in expected), None)
        results.append(CaseResult(case=case, ranking=ranking, rank=rank))
    found = sum(1 for r in results if r.rank is not None and r.rank <= k)
    mrr = sum(1 / r.rank for r in results if r.rank is not None) / len(results)
    return RetrievalScore(cases=len(results), k=k, recall_at_k=found / len(results), mrr=mrr, results=results)


class UnknownDocumentsError(ValueError):
    """A case expects a document the pack does not hold."""


def check_expected_ids(kb: KnowledgeBase, org: str, cases: list[RetrievalCase]) -> None:
    """A typo in an expected id would silently count as a miss: refuse it instead."""
    known = kb.store.doc_ids(org)
    unknown = sorted({d for c in cases for d in c.expected} - known)
    if unknown:
        raise UnknownDocumentsError(f"expected document ids not in the pack: {', '.join(unknown)}")


@contextmanager
def pack_knowledge_base(on: date) -> Iterator[KnowledgeBase]:
    """The default pack loaded into a fresh embedded store in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="carepost-retrieval-eval-") as tmp:
        # chroma and onnxruntime may write caches; keep them out of the user's home.
        os.environ.setdefault("XDG_CACHE_HOME", str(Path(tmp) / "cache"))
        kb = KnowledgeBase(
            open_store(path=Path(tmp) / "chroma"), InMemoryLibraryRepository(), today=lambda: on
        )
        load_default_pack(kb.store, kb.libraries, ORG)
        yield kb


def rank_all(
    kb: KnowledgeBase,
    cases: list[RetrievalCase],
    *,
    depth: int,
    on: date,
    advance: Callable[[], None] | None = None,
) -> tuple[list[list[str]], list[float]]:
    """Rankings of every case and each query's latency in seconds (embedding included)."""
    check_expected_ids(kb, ORG, cases)
    rankings, latencies = [], []
    for case in cases:
        started = time.perf_counter()
        rankings.append(rank_documents(kb, ORG, case, depth=depth, on=on))
        latencies.append(time.perf_counter() - started)
        if advance is not None:
            advance()
    return rankings, latencies


def run(
    cases: list[RetrievalCase], *, k: int, depth: int, on: date
) -> tuple[RetrievalScore, dict[str, float]]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    with pack_knowledge_base(on) as kb:
        timings["load_s"] = time.perf_counter() - started
        rankings, latencies = rank_all(kb, cases, depth=depth, on=on)
    timings["query_ms"] = sum(latencies) * 1000 / len(cases)
    return score(cases, rankings, k=k), timings


def render(result: RetrievalScore, timings: dict[str, float], *, misses: bool) -> str:
    lines = [
        f"{result.cases} queries; pack loaded in {timings['load_s']:.1f} s; "
        f"{timings['query_ms']:.1f} ms per query (retrieve, embedding included)",
        f"recall@{result.k}: {result.recall_at_k:.3f}",
        f"MRR:       {result.mrr:.3f}",
    ]
    by_kind: dict[str, list[bool]] = {}
    for r in result.results:
        kind = r.case.expected[0].split(":")[0] if ":" in r.case.expected[0] else "document"
        by_kind.setdefault(kind, []).append(r.rank is not None and r.rank <= result.k)
    lines.append(
        "recall@k by expected kind: "
        + ", ".join(
            f"{kind} {sum(hits) / len(hits):.2f} ({len(hits)})" for kind, hits in sorted(by_kind.items())
        )
    )
    if misses:
        lines.append("")
        for r in result.misses():
            where = f"rank {r.rank}" if r.rank else "not found"
            lines.append(f"{r.case.id} ({where}) {r.case.query!r}")
            lines.append(f"    expected {r.case.expected}; got {r.ranking[: result.k]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", type=Path, default=DATASET)
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--depth", type=int, default=20, help="documents ranked per query (for MRR)")
    parser.add_argument("--on", type=date.fromisoformat, default=EVAL_DATE, help="date for expiry filters")
    parser.add_argument("--misses", action="store_true", help="list the queries that missed")
    args = parser.parse_args(argv)
    cases = load_cases(args.dataset)
    try:
        result, timings = run(cases, k=args.k, depth=args.depth, on=args.on)
    except UnknownDocumentsError as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    sys.stdout.write(render(result, timings, misses=args.misses) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
