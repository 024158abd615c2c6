"""The organisation's brand and policy knowledge: what drafts are grounded in and checks consult.

Entry points (imported from their modules; this package imports nothing at
load time, so `import knowledge` stays cheap and never touches chroma):

- `knowledge.embeddings.load_embedding_function()`: the offline MiniLM ONNX model, once per process.
- `knowledge.store.open_store(path=..., url=...)`: the chroma store (embedded folder or `chroma run` server).
- `knowledge.ingest.ingest_bytes()` / `ingest_path()`: Markdown, text, HTML and PDF files, idempotent.
- `knowledge.libraries`: products, approved claims, disclaimers, brand profile, templates (YAML, pydantic).
- `knowledge.pack.load_default_pack()`: the fictional Larkspur Valley Health pack for a first start.
- `knowledge.retrieval.KnowledgeBase`: `retrieve()` for drafting, `facts()` for guardrails' `CheckContext`.

Errors are `knowledge.errors.KnowledgeError` subclasses with a stable `kind`.
"""
