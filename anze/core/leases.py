"""Rows a worker claims for a while (a lease), and the sweep that takes back what a dead worker or a lost task
left behind: one mechanism for the SMS outbox (``notifications.tasks``), the webhook outbox
(``notifications.webhooks``) and the 下载中心's exports (``downloads.tasks``).

A leased row has a ``status``, an ``attempts`` counter and one timestamp field, ``due``: while the row waits it
says when it is due (its next attempt), while a worker holds it, when the claim ends. Then:

- ``claim``: one conditional UPDATE (waiting → working, one more attempt, the lease's end): a second worker, a
  duplicate task or a stray early task claims nothing and does nothing.
- ``take_back``: claims whose lease ended (the worker died mid-way) go back to waiting, due now, with a new
  task — or, with no attempt left, get the kind's final fields (failed, with the reason).
- ``requeue_overdue``: waiting rows overdue for longer than a grace period (their task was lost: a crash
  between commit and an after-commit enqueue, a purged queue) get a new task. Moving ``due`` to now is the
  sweep's claim: a concurrent sweep, or the next run, skips the row until it is overdue again, so one lost row
  gets one new task, not one per run.

Every UPDATE names the values it read (status, attempts, due), so two sweeps, or a sweep and a worker, never
both act on one row; the new task is enqueued in the transaction of its UPDATE.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import F, Q


@dataclass(frozen=True)
class Leased:
    """One kind of leased row (see the module's docstring)."""

    model: type[models.Model]
    waiting: str  # the status of a row waiting for a worker
    working: str  # the status of a row a worker holds
    due: str  # the field: when a waiting row is due / when a working row's claim ends
    max_attempts: int
    lease: Callable[[], timedelta]
    enqueue: Callable[[int], None]  # a new task for the row, in the caller's transaction
    claim_when_due: bool = True  # whether ``claim`` also requires the row to be due (the outboxes' retries)

    def _rows(self, **lookups: Any) -> models.QuerySet[Any]:
        return self.model._default_manager.filter(**lookups)

    def claim(self, pk: int, *, now: datetime, **fields: Any) -> bool:
        """Take the waiting row ``pk`` for a worker, setting ``fields`` too; False when it is not there to take
        (done, failed, deleted, held by another worker, or not due yet)."""
        rows = self._rows(pk=pk, status=self.waiting)
        if self.claim_when_due:
            rows = rows.filter(Q(**{f"{self.due}__isnull": True}) | Q(**{f"{self.due}__lte": now}))
        claimed = rows.update(
            status=self.working, attempts=F("attempts") + 1, **{self.due: now + self.lease()}, **fields
        )
        return bool(claimed)

    def take_back(
        self, *, now: datetime, limit: int, retry: Mapping[str, Any], final: Mapping[str, Any]
    ) -> tuple[int, int]:
        """Claims whose lease ended: waiting again (with ``retry``'s fields) and enqueued, or, after the last
        attempt, ``final``'s fields. Returns (taken back, failed)."""
        released = failed = 0
        expired = self._rows(status=self.working, **{f"{self.due}__lte": now}).order_by(self.due)
        for pk, attempts in expired.values_list("pk", "attempts")[:limit]:
            last = attempts >= self.max_attempts
            fields = {**final, self.due: None} if last else {**retry, "status": self.waiting, self.due: now}
            with transaction.atomic():
                updated = self._rows(
                    pk=pk, status=self.working, attempts=attempts, **{f"{self.due}__lte": now}
                ).update(**fields)
                if updated and not last:
                    self.enqueue(pk)
            if updated:
                failed += last
                released += not last
        return released, failed

    def requeue_overdue(self, *, now: datetime, grace: timedelta, limit: int) -> int:
        """Waiting rows due for longer than ``grace``: a new task each. Returns how many."""
        requeued = 0
        overdue = self._rows(status=self.waiting, **{f"{self.due}__lte": now - grace}).order_by(self.due)
        for pk, due_at in overdue.values_list("pk", self.due)[:limit]:
            with transaction.atomic():
                if self._rows(pk=pk, status=self.waiting, **{self.due: due_at}).update(**{self.due: now}):
                    self.enqueue(pk)
                    requeued += 1
        return requeued
