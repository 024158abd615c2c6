"""Retrieval benchmark: a synthetic 10,000-chunk collection, query latency and embedding throughput.

    .venv/bin/python -m bench.retrieval                  # 10,000 chunks (embedding them takes minutes)
    .venv/bin/python -m bench.retrieval --chunks 2000    # quicker
    .venv/bin/python -m bench.retrieval --path /tmp/bench-chroma   # keep it; rerun to re-measure queries only

Everything runs in a temporary folder (chroma data and caches) with the
embedded PersistentClient, through the same `KnowledgeStore` the service uses.
Query latency includes embedding the query; the goal is p50 <= 15 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from guardrails.context import Platform
from knowledge.embeddings import MiniLmEmbedding, load_embedding_function
from knowledge.filters import ChunkFilter
from knowledge.models import ChunkDraft, DocumentInfo, Kind, Origin
from knowledge.store import KnowledgeStore, open_store

ORG = "bench"
CHUNKS_PER_DOC = 50

_SUBJECTS = [
    "flu shots",
    "blood pressure checks",
    "lung cancer screening",
    "the emergency department",
    "diabetes education",
    "heart rhythm monitoring",
    "weight management surgery",
    "skin cancer checks",
    "video visits",
    "review replies",
    "patient stories",
    "crisis updates",
    "staff spotlights",
    "hashtag use",
    "alt text",
    "influencer posts",
    "prescription drug posts",
    "device safety information",
    "billing questions",
    "visitor rules",
]
_VERBS = [
    "explain",
    "describe",
    "limit",
    "require",
    "support",
    "schedule",
    "review",
    "approve",
    "update",
    "share",
]
_DETAILS = [
    "during business hours",
    "for adults aged 50 to 80",
    "at the Brightwater Clinic",
    "on character-limited platforms",
    "with a signed authorization",
    "before the first post of the season",
    "within 24 hours",
    "in plain language",
    "with the risk statement in the same post",
    "without confirming anyone is a patient",
    "in every new campaign",
    "after compliance review",
    "for people with diabetes",
    "in the observance calendar",
    "with the #ad label first",
]
_QUERIES = [
    "how fast do we answer reviews",
    "what must a tweet about a drug include",
    "who can get a flu shot",
    "is the emergency department open at night",
    "how do we disclose an influencer partnership",
    "can we share a patient's recovery story",
    "what words are banned in posts",
    "lung screening eligibility",
    "how to write alt text",
    "crisis post after a power outage",
    "replying to a complaint about a bill",
    "hashtags for heart month",
    "risks of weight loss surgery",
    "can staff review the hospital",
    "video visit rules",
    "what to post in March",
    "side effect mentioned in a comment",
    "glucose monitor and MRI",
]


def synthetic_chunk(rng: random.Random) -> str:
    sentences = [
        f"Our teams {rng.choice(_VERBS)} {rng.choice(_SUBJECTS)} {rng.choice(_DETAILS)}."
        for _ in range(rng.randint(5, 8))
    ]
    return " ".join(sentences)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def build(store: KnowledgeStore, texts: list[str], vectors: NDArray[np.float32]) -> None:
    kinds = list(Kind)
    for doc_index, start in enumerate(range(0, len(texts), CHUNKS_PER_DOC)):
        part = texts[start : start + CHUNKS_PER_DOC]
        info = DocumentInfo(
            doc_id=f"bench-{doc_index:05d}",
            version=1,
            kind=kinds[doc_index % len(kinds)],
            title=f"Synthetic document {doc_index}",
            origin=Origin.UPLOAD,
            source_name="synthetic.md",
            media_type="text/markdown",
            content_hash="0" * 64,
            ingest_key="0" * 64,
            chunk_count=len(part),
            # a third of the documents are tagged for one platform, the rest for all
            platforms=[list(Platform)[doc_index % len(Platform)]] if doc_index % 3 == 0 else [],
            ingested_at=datetime.now(UTC),
        )
        store.write_document(
            ORG,
            info,
            [ChunkDraft(text=t, heading=f"Section {i}") for i, t in enumerate(part)],
            vectors=vectors[start : start + CHUNKS_PER_DOC],
        )


def measure_queries(store: KnowledgeStore, embedding: MiniLmEmbedding, queries: list[str], k: int) -> None:
    for query in queries[:10]:  # warm-up: first calls build caches in onnxruntime and chroma
        store.query(ORG, query, k=k)
    filtered = ChunkFilter(
        kinds=[Kind.POLICY, Kind.BRAND, Kind.CLAIM], platforms=[Platform.X], on=date.today()
    )
    for label, where in (("unfiltered", None), ("filtered (3 kinds + platform + dates)", filtered)):
        latencies = []
        for query in queries:
            started = time.perf_counter()
            store.query(ORG, query, k=k, where=where)
            latencies.append((time.perf_counter() - started) * 1000)
        print(
            f"query {label}, k={k}: p50 {percentile(latencies, 50):.1f} ms, "
            f"p99 {percentile(latencies, 99):.1f} ms, mean {statistics.mean(latencies):.1f} ms "
            f"over {len(latencies)} queries"
        )
    embed_only = []
    for query in queries[:100]:
        started = time.perf_counter()
        embedding.embed([query])
        embed_only.append((time.perf_counter() - started) * 1000)
    print(f"query embedding alone: p50 {percentile(embed_only, 50):.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--path", type=Path, help="keep the collection here; a later run with the same path only re-measures"
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory(prefix="carepost-bench-") as tmp:
        os.environ.setdefault("XDG_CACHE_HOME", str(Path(tmp) / "cache"))
        # Other processes on the machine skew every figure: print the load with them.
        print(f"cpus {os.cpu_count()}, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        started = time.perf_counter()
        embedding = load_embedding_function()
        print(f"model load: {time.perf_counter() - started:.2f} s")
        store = open_store(path=args.path or Path(tmp) / "chroma", embedding=embedding)

        texts = [synthetic_chunk(rng) for _ in range(args.chunks)]
        built = store.count(ORG) == args.chunks
        sample = texts if not built else texts[:1000]
        started = time.perf_counter()
        vectors = embedding.embed(sample)
        embed_s = time.perf_counter() - started
        print(
            f"embedding: {len(sample)} chunks (mean {statistics.mean(len(t) for t in sample):.0f} chars) "
            f"in {embed_s:.1f} s = {len(sample) / embed_s:.1f} chunks/s"
        )
        if built:
            print(f"collection of {args.chunks} chunks reused from {args.path}")
        else:
            started = time.perf_counter()
            build(store, texts, vectors)
            print(
                f"insert: {store.count(ORG)} chunks in {time.perf_counter() - started:.1f} s (vectors precomputed)"
            )

        queries = [
            rng.choice(_QUERIES) + rng.choice(["", "?", " please", " for facebook", " on X"])
            for _ in range(args.queries)
        ]
        measure_queries(store, embedding, queries, args.k)
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
