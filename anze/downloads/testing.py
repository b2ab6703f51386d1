"""Exports for tests: a finished one with a real workbook in the storage, without running the worker."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from anze.core.exports import write_xlsx

from .models import Export, ExportStatus


def finished_export(
    user: Any,
    *,
    label: str = "订单列表",
    rows: int = 3,
    kind: str = "orders.insurer",
    expires_at: datetime | None = None,
) -> Export:
    """A 已完成 export of ``user`` holding ``rows`` rows, its file in the storage."""
    buffer = io.BytesIO()
    write_xlsx(buffer, label, ["编号", "名称"], ([n, f"第{n}行"] for n in range(1, rows + 1)))
    now = timezone.now()
    export = Export(
        user=user,
        organisation_id=user.organisation_id,
        kind=kind,
        label=label,
        status=ExportStatus.DONE,
        rows_total=rows,
        rows_done=rows,
        size=len(buffer.getvalue()),
        attempts=1,
        started_at=now,
        finished_at=now,
        expires_at=expires_at or now + timedelta(hours=24),
    )
    export.file.save("export.xlsx", ContentFile(buffer.getvalue()), save=False)
    export.save()
    return export
