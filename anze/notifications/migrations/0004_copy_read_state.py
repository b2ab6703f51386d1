"""Read state moves from the message (shared by the organisation) to each user (issue 12).

- A message to everyone that was read is read for each account of the organisation that existed before it
  was written (the accounts created later do not count it as unread anyway: it predates them). A message
  to one user that was read is read for that user.
- Each message gets the permission its link's page requires, so it reaches only those who may open it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.db import migrations

BATCH = 1000


def permission_of_link(link: str) -> str:
    # The page's @requires code, as anze.notifications.services.permission_of_link reads it (copied: a
    # migration must not follow later changes of the app's code).
    from django.urls import Resolver404, resolve

    if not link:
        return ""
    try:
        match = resolve(urlsplit(link).path)
    except Resolver404:
        return ""
    code = getattr(match.func, "required_permission", None)
    return "" if code in (None, "signed_in") else code


def forwards(apps: Any, schema_editor: Any) -> None:
    Notification = apps.get_model("notifications", "Notification")
    NotificationRead = apps.get_model("notifications", "NotificationRead")
    User = apps.get_model("accounts", "User")

    by_code: dict[str, list[int]] = {}
    for pk, link in (
        Notification.objects.exclude(link="").values_list("pk", "link").iterator(chunk_size=BATCH)
    ):
        code = permission_of_link(link)
        if code:
            by_code.setdefault(code, []).append(pk)
    for code, pks in by_code.items():
        for start in range(0, len(pks), BATCH):
            Notification.objects.filter(pk__in=pks[start : start + BATCH]).update(permission=code)

    users: dict[int, list[tuple[int, Any]]] = {}
    for pk, org_id, created_at in User.objects.values_list("pk", "organisation_id", "created_at"):
        users.setdefault(org_id, []).append((pk, created_at))
    rows: list[Any] = []
    read = Notification.objects.filter(read_at__isnull=False).values_list(
        "pk", "organisation_id", "user_id", "created_at", "read_at"
    )
    for pk, org_id, user_id, created_at, read_at in read.iterator(chunk_size=BATCH):
        if user_id is not None:
            readers = [user_id]
        else:
            readers = [u for u, joined in users.get(org_id, []) if joined < created_at]
        rows.extend(NotificationRead(user_id=u, notification_id=pk, read_at=read_at) for u in readers)
        if len(rows) >= BATCH:
            NotificationRead.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    NotificationRead.objects.bulk_create(rows, ignore_conflicts=True)


def backwards(apps: Any, schema_editor: Any) -> None:
    """The shared flag again: a message is read once any of its readers read it (the first time is kept)."""
    Notification = apps.get_model("notifications", "Notification")
    NotificationRead = apps.get_model("notifications", "NotificationRead")
    for read in NotificationRead.objects.order_by("notification_id", "read_at").iterator(chunk_size=BATCH):
        Notification.objects.filter(pk=read.notification_id, read_at__isnull=True).update(
            read_at=read.read_at, read_by_id=read.user_id
        )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_per_user_read_state")]

    operations = [migrations.RunPython(forwards, backwards)]
