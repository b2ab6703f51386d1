"""A backend for tests and rehearsals: sends nothing and appends one JSON line a message to a file.

``ANZE_SMS_BACKEND=file`` with ``ANZE_SMS_FILE_PATH`` (default ``$ANZE_VAR_DIR/logs/sms-sent.jsonl``). Every
process of every node may write to the same file: each line is one ``write`` on a file opened for appending,
so lines of several workers never mix. The line carries the outbox row's ``reference`` (its UUID), the process
that sent it and the text as logs may show it (a verification code stays masked): reading the file tells how
many times each outbox message went out, and from which worker (the several-nodes test counts them).

Never the default: ``console`` is. A staging site can use it to watch what production would send.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from anze.core.validators import mask_mobile

from . import Sms, SmsBackend, SmsError, signed_text


class FileBackend(SmsBackend):
    name = "file"

    def __init__(self) -> None:
        self.path = Path(settings.SMS_FILE_PATH)

    def send(self, sms: Sms) -> str:
        message_id = f"file-{uuid.uuid4().hex[:20]}"
        self.record(sms, event="sent", message_id=message_id)
        return message_id

    def record(self, sms: Sms, **fields: Any) -> None:
        line = {
            **fields,
            "reference": sms.reference,
            "phone": mask_mobile(sms.phone),
            "text": signed_text(sms.shown_text or sms.text),
            "template_code": sms.template_code,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "at": timezone.now().isoformat(),
        }
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(handle, data)
            finally:
                os.close(handle)
        except OSError as exc:  # a full disk or a bad path: not sent, the outbox retries
            raise SmsError(f"短信记录文件无法写入：{exc.strerror}", code="FileNotWritable") from exc


def read_records(path: Path | str) -> list[dict[str, Any]]:
    """Every line the backend wrote to ``path``, oldest first (none when the file does not exist yet)."""
    path = Path(path)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
