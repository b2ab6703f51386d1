"""Test doubles: SMS backends chosen through ``settings.SMS_BACKEND`` (a dotted path), and a local HTTP server
that answers like a provider's API so the real SDKs can be exercised without the internet."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from anze.notifications.sms import Sms, SmsBackend, SmsError
from anze.notifications.sms.file import FileBackend

RECORDING = "anze.notifications.tests.fakes.RecordingBackend"
FAILING = "anze.notifications.tests.fakes.FailingBackend"
REFUSING = "anze.notifications.tests.fakes.RefusingBackend"
SLOW = "anze.notifications.tests.fakes.SlowBackend"
SLOW_FILE = "anze.notifications.tests.fakes.SlowFileBackend"


class RecordingBackend(SmsBackend):
    """Accepts everything and remembers it (class-level: the task builds a new backend for each send)."""

    name = "recording"
    sent: ClassVar[list[Sms]] = []

    def send(self, sms: Sms) -> str:
        RecordingBackend.sent.append(sms)
        return f"rec-{len(RecordingBackend.sent)}"


class FailingBackend(SmsBackend):
    """A provider that is down."""

    name = "failing"
    calls: ClassVar[int] = 0

    def send(self, sms: Sms) -> str:
        FailingBackend.calls += 1
        raise SmsError("短信服务暂不可用", code="ServiceUnavailable")


class RefusingBackend(SmsBackend):
    """A provider that refuses the number for good."""

    name = "refusing"

    def send(self, sms: Sms) -> str:
        raise SmsError("手机号码格式错误", code="isv.MOBILE_NUMBER_ILLEGAL", permanent=True)


class SlowBackend(RecordingBackend):
    """Takes its time, so that two workers overlap while one of them is sending."""

    name = "slow"

    def send(self, sms: Sms) -> str:
        time.sleep(0.3)
        return super().send(sms)


class SlowFileBackend(FileBackend):
    """The file backend of several processes, taking a provider's time: it writes a ``begin`` line when the
    call starts and the ``sent`` line ``DELAY`` seconds later, so a test sees which worker is inside a send and
    can kill it there (the several-nodes test)."""

    DELAY = 0.2

    def send(self, sms: Sms) -> str:
        self.record(sms, event="begin")
        time.sleep(self.DELAY)
        return super().send(sms)


# --- a provider's API on 127.0.0.1 -----------------------------------------------------------------------------
@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeProvider:
    url: str
    received: list[Received] = field(default_factory=list)


@contextmanager
def fake_provider(
    status: int, body: dict[str, Any], content_type: str = "application/json"
) -> Iterator[FakeProvider]:
    """An HTTP server on 127.0.0.1 answering every request with ``status`` and the JSON ``body``.

    ``content_type`` as the provider sends it: the Tencent SDK reads an error body only when it is exactly
    ``application/json``; Aliyun answers ``application/json;charset=utf-8``."""
    provider = FakeProvider(url="")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            provider.received.append(
                Received(
                    method=self.command,
                    path=parts.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    body=self.rfile.read(length) if length else b"",
                )
            )
            payload = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval: shutdown() waits for the loop to notice, 0.5 s by default.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
