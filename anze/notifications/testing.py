"""Helpers for tests that read an SMS as its recipient would (a verification code, for instance), and a webhook
receiver to deliver to."""

from __future__ import annotations

import json
import queue
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .models import SmsMessage
from .tasks import _as_sms


def received_text(message: SmsMessage) -> str:
    """The text the phone receives: for a code message still in the outbox, with its code decrypted into it
    (the stored text masks it). Once sent the code is gone from the row: read the backend's record instead."""
    return _as_sms(message).text


class WebhookReceiver:
    """A real HTTP server on 127.0.0.1 that plays an insurer's system receiving webhooks: it keeps each request
    (headers and body) and answers ``status``. ``stop()`` closes the port (the receiver is down); ``start()``
    opens the same port again."""

    def __init__(self, port: int | None = None, status: int = 200) -> None:
        self.port = port or _free_port()
        self.status = status
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/anze/webhook"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.received.put({"headers": dict(self.headers), "body": body, "path": self.path})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def next(self, timeout: float = 20) -> dict[str, Any]:
        """The next request received, waiting up to ``timeout`` seconds; its body parsed as ``json``."""
        request = self.received.get(timeout=timeout)
        request["json"] = json.loads(request["body"])
        return request


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
