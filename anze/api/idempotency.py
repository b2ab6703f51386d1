"""``Idempotency-Key`` on every POST: a retried call returns the first call's answer and changes nothing twice.

The key is remembered per organisation with a digest of the request (method, path, body or form and files) and
the first successful answer. The record is written in the same transaction as the call's step: a concurrent
retry waits for it on the unique index (PostgreSQL) or the write lock (SQLite), then replays it. A call that
did not succeed (a 4xx: nothing changed) is not remembered, so its retry runs again. The same key with another
request is refused (422); after ``API_IDEMPOTENCY_HOURS`` the key may be used afresh.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from . import problems
from .models import ApiKey, IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
REPLAYED = "Idempotent-Replayed"


def fingerprint(request: HttpRequest) -> str:
    found = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if (request.content_type or "").startswith("multipart/"):
        for name, values in sorted(request.POST.lists()):
            found.update(json.dumps([name, values], ensure_ascii=False).encode())
        for name, files in sorted(request.FILES.lists()):
            for upload in files:
                found.update(json.dumps([name, upload.name, upload.size], ensure_ascii=False).encode())
                for chunk in upload.chunks():
                    found.update(chunk)
                upload.seek(0)
    else:
        found.update(request.body)
    return found.hexdigest()


def run_once(request: HttpRequest, key: ApiKey, run: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """``run()`` the call once per Idempotency-Key (no header: simply run it)."""
    idempotency_key = request.headers.get(HEADER, "").strip()
    if not idempotency_key:
        return run()
    if len(idempotency_key) > MAX_LENGTH:
        return problems.response(
            request,
            422,
            f"{HEADER} 不能超过{MAX_LENGTH}个字符",
            errors={HEADER: [f"不能超过{MAX_LENGTH}个字符"]},
        )
    digest = fingerprint(request)
    with transaction.atomic():
        record, earlier = _claim(key.organisation_id, idempotency_key, digest)
        if earlier is not None:
            if earlier.fingerprint != digest:
                return problems.response(
                    request,
                    422,
                    f"该 {HEADER} 已用于另一个请求，请为新的请求使用新的键",
                    errors={HEADER: ["已用于另一个请求"]},
                )
            replay = HttpResponse(earlier.body, status=earlier.status_code, content_type=earlier.content_type)
            replay[REPLAYED] = "true"
            return replay
        answer = run()
        if 200 <= answer.status_code < 300 and isinstance(answer, HttpResponse):
            record.status_code = answer.status_code
            record.content_type = answer.get("Content-Type", "application/json")
            record.body = answer.content.decode()
            record.save(update_fields=["status_code", "content_type", "body"])
        else:
            transaction.set_rollback(True)  # nothing changed: forget the key, a retry runs again
    return answer


def _claim(
    organisation_id: int, idempotency_key: str, digest: str
) -> tuple[IdempotencyRecord, IdempotencyRecord | None]:
    """This call's record, or the earlier call's (when the key is still remembered)."""
    for _ in range(2):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    organisation_id=organisation_id,
                    key=idempotency_key,
                    fingerprint=digest,
                    status_code=0,
                    content_type="",
                )
            return record, None
        except IntegrityError:
            earlier = IdempotencyRecord.objects.filter(
                organisation_id=organisation_id, key=idempotency_key
            ).first()
            if earlier is None:
                continue  # the other call failed and forgot it meanwhile
            if earlier.created_at >= timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS):
                return earlier, earlier
            earlier.delete()  # expired: the key is free again
    raise problems.Problem(409, f"相同 {HEADER} 的请求正在处理，请稍后重试")
