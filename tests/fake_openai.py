"""A fake OpenAI-compatible chat server on loopback, scripted per model, for provider-fault tests.

Each model name has a script of behaviours, one per request, the last repeated:
`"ok"` (a chat completion whose content is `reply(messages)`), an HTTP status such as
`500` or `429`, or `"hang"` (answer only after `hang_seconds`, past the client's timeout).
Every request is recorded (model and messages), so a test sees what the provider was sent.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Behaviour = str | int
Reply = Callable[[list[dict[str, Any]]], str]


@dataclass
class FakeOpenAI:
    scripts: dict[str, list[Behaviour]]
    reply: Reply = lambda messages: '{"text": "Get your flu shot this Saturday."}'
    hang_seconds: float = 3.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def models_called(self) -> list[str]:
        return [r["model"] for r in self.requests]

    def next_behaviour(self, body: dict[str, Any]) -> Behaviour:
        with self._lock:
            self.requests.append(body)
            script = self.scripts[body["model"]]
            return script.pop(0) if len(script) > 1 else script[0]

    def completion(self, body: dict[str, Any]) -> bytes:
        content = self.reply(body["messages"])
        return json.dumps(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            }
        ).encode()


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # the default writes to stderr
            pass

        def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
            # A client that timed out has left, as a test of timeouts intends: nothing to answer.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            behaviour = fake.next_behaviour(body)
            if behaviour == "hang":
                time.sleep(fake.hang_seconds)
                behaviour = "ok"
            if behaviour == "ok":
                self._send(200, fake.completion(body))
                return
            error = {"error": {"message": "fake provider failure", "type": "server_error", "code": behaviour}}
            headers = {"Retry-After": "0"} if behaviour == 429 else None
            self._send(int(behaviour), json.dumps(error).encode(), headers)

    return Handler


@contextmanager
def fake_openai(scripts: dict[str, list[Behaviour]], **options: Any) -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(scripts={k: list(v) for k, v in scripts.items()}, **options)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True  # a hanging answer must not hold up the test's end
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def use_real_litellm(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """litellm's real entry points (the network guard still allows loopback only), with its retry
    backoff recorded instead of slept; returns the list the backoff seconds are appended to."""
    import litellm
    from litellm import router_python_host

    from tests.conftest import LITELLM_ENTRY_POINTS

    for name in LITELLM_ENTRY_POINTS:
        original = getattr(getattr(litellm, name), "carepost_original", None)
        if original is not None:
            monkeypatch.setattr(litellm, name, original)
    slept: list[float] = []

    def record(host: object, seconds: float) -> None:
        slept.append(seconds)

    # The Router's one sleeping seam (its host object is slotted, so the method is patched on the class).
    monkeypatch.setattr(router_python_host.PythonHost, "sleep_sync", record)
    return slept
