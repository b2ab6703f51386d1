"""Enqueueing a background task for a transaction: the task runs only if the transaction commits.

With the database task backend (``django_tasks_db``, the default outside tests) the task is a row of our own
database: enqueued inside the caller's transaction, it commits or rolls back with it, and the worker cannot
see it before the commit — no task lost between a commit and an enqueue, none run for a rollback
(docs/spec/PERFORMANCE-NOTES.md, "Transactions"). With any other backend (the ImmediateBackend of the tests
runs a task the moment it is enqueued) the enqueue waits for ``transaction.on_commit``; a failing enqueue is
logged and does not break the caller, whose row stays for a sweep to find.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json, task_enqueued


def enqueue_with_transaction(task: Task[Any, Any], *args: Any) -> None:
    """Arrange for ``task(*args)`` to run once the current transaction has committed."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args), robust=True)


def enqueue_many_with_transaction(task: Task[Any, Any], calls: Sequence[tuple[Any, ...]]) -> None:
    """``enqueue_with_transaction(task, *args)`` for each ``args`` of ``calls`` (an import's 5,000 SMS): with the
    database backend their task rows in one insert, each the row the backend's own ``enqueue`` writes (its
    checks of the task, its fields, its ``task_enqueued`` signal); with any other backend one by one."""
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        for args in calls:
            enqueue_with_transaction(task, *args)
        return
    if not calls:
        return
    # A model: not importable before the apps are loaded.
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend.validate_task(task)
    rows = DBTaskResult.objects.bulk_create(
        DBTaskResult(
            id=backend._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": {}}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # What the backend's single insert stores for "at once" (bulk_create leaves a None as NULL).
            run_after=task.run_after or get_date_max(),
            backend_name=backend.alias,
        )
        for args in calls
    )
    for row in rows:
        task_enqueued.send(type(backend), task_result=row.task_result)
