"""The store against a real `chroma run` server on loopback, as with several workers in production."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from knowledge.embeddings import MiniLmEmbedding
from knowledge.errors import DocumentNotFound, StoreUnavailable
from knowledge.ingest import IngestStatus, ingest_bytes
from knowledge.models import DocumentTags, Kind
from knowledge.store import KnowledgeStore, open_store

CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    env = os.environ | {
        "ANONYMIZED_TELEMETRY": "False",
        "XDG_CACHE_HOME": str(data / "cache"),
        "HOME": str(data),  # anything the server writes under ~ stays in the test folder
    }
    log = (data / "server.log").open("wb")
    server = subprocess.Popen(
        [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data / "db")],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"chroma run exited with {server.returncode}: {(data / 'server.log').read_text()[-2000:]}"
                )
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("chroma run did not answer its heartbeat within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def http_store(chroma_url: str, embedding: MiniLmEmbedding) -> Iterator[KnowledgeStore]:
    with open_store(url=chroma_url, embedding=embedding) as opened:
        yield opened


DOC = b"# Flu clinic\n\n## Hours\n\nFlu shots every Saturday from 9 a.m. to 1 p.m.\n\n## Who\n\nEveryone 6 months and older.\n"


def test_ingest_query_and_delete_through_the_server(http_store: KnowledgeStore) -> None:
    assert http_store.heartbeat() > 0
    tags = DocumentTags(kind=Kind.POLICY)
    first = ingest_bytes(http_store, "http-org", DOC, filename="flu.md", tags=tags)
    assert first.status is IngestStatus.CREATED
    assert (
        ingest_bytes(http_store, "http-org", DOC, filename="flu.md", tags=tags).status
        is IngestStatus.UNCHANGED
    )
    hits = http_store.query("http-org", "when can my toddler get a flu vaccine", k=2)
    assert hits[0].citation.doc_id == "flu"
    changed = DOC.replace(b"Saturday", b"Sunday")
    assert ingest_bytes(http_store, "http-org", changed, filename="flu.md", tags=tags).version == 2
    assert {c.citation.version for c in http_store.chunks("http-org", "flu")} == {2}
    http_store.delete_document("http-org", "flu")
    with pytest.raises(DocumentNotFound):
        http_store.delete_document("http-org", "flu")


def test_server_and_embedded_stores_are_separate(http_store: KnowledgeStore, store: KnowledgeStore) -> None:
    ingest_bytes(http_store, "shared-name", DOC, filename="flu.md", tags=DocumentTags(kind=Kind.POLICY))
    assert store.document("shared-name", "flu") is None
    assert http_store.document("shared-name", "flu") is not None


def test_a_second_client_sees_the_same_data(chroma_url: str, embedding: MiniLmEmbedding) -> None:
    with open_store(url=chroma_url, embedding=embedding) as writer:
        ingest_bytes(writer, "two-clients", DOC, filename="flu.md", tags=DocumentTags(kind=Kind.POLICY))
    with open_store(url=chroma_url, embedding=embedding) as reader:  # e.g. another worker process
        assert [d.doc_id for d in reader.documents("two-clients")] == ["flu"]


def test_unreachable_server_is_a_store_error(embedding: MiniLmEmbedding) -> None:
    with (
        pytest.raises(StoreUnavailable),
        open_store(url=f"http://127.0.0.1:{_free_port()}", embedding=embedding) as store,
    ):
        store.heartbeat()
    with pytest.raises(StoreUnavailable, match="http"):
        open_store(url="ftp://example", embedding=embedding)
