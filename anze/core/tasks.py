"""Enqueueing a background task for a transaction: the task runs only if the transaction commits.

With the database task backend (``django_tasks_db``, the default outside tests) the task is a row of our own
database: enqueued inside the caller's transaction, it commits or rolls back with it, and the worker cannot
see it before the commit — no task lost between a commit and an enqueue, none run for a rollback
(docs/spec/PERFORMANCE-NOTES.md, "Transactions"). With any other backend (the ImmediateBackend of the tests
runs a task the moment it is enqueued) the enqueue waits for ``transaction.on_commit``; a failing enqueue is
logged and does not break the caller, whose row stays for a sweep to find.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend


def enqueue_with_transaction(task: Task[Any, Any], *args: Any) -> None:
    """Arrange for ``task(*args)`` to run once the current transaction has committed."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args), robust=True)
