"""0004_copy_read_state: the shared read flag becomes each user's read state without losing what was read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("notifications", "0003_per_user_read_state")]
AFTER = [("notifications", "0004_copy_read_state")]


def migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_read_flags_become_the_read_rows_of_the_users_who_existed(insurer):
    from anze.notifications.models import NotificationRead

    later_policy_link = "/insurer/policies/202612020001234567/"
    try:
        apps = migrate(BEFORE)
        Notification = apps.get_model("notifications", "Notification")
        User = apps.get_model("accounts", "User")
        now = timezone.now()
        User.objects.filter(pk=insurer.admin.pk).update(created_at=now - timedelta(days=10))
        User.objects.filter(pk=insurer.limited.pk).update(created_at=now - timedelta(days=10))
        newcomer = User.objects.get(pk=insurer.admin.pk)
        newcomer.pk, newcomer.username = None, "newcomer"
        newcomer.created_at = now - timedelta(days=1)
        newcomer.save()
        shared_read = Notification.objects.create(
            organisation_id=insurer.org.pk,
            title="已读的",
            created_at=now - timedelta(days=5),
            read_at=now - timedelta(days=4),
            read_by_id=insurer.admin.pk,
            link=later_policy_link,
        )
        Notification.objects.create(organisation_id=insurer.org.pk, title="未读的", created_at=now)
        personal = Notification.objects.create(
            organisation_id=insurer.org.pk,
            user_id=insurer.limited.pk,
            title="个人已读",
            created_at=now - timedelta(days=3),
            read_at=now - timedelta(days=2),
        )
        migrate(AFTER)
        reads = set(NotificationRead.objects.values_list("user_id", "notification_id"))
        # The shared message: read for the two accounts that existed when it was written; the newcomer's
        # account is younger than it, so it is not unread for them anyway.
        assert reads == {
            (insurer.admin.pk, shared_read.pk),
            (insurer.limited.pk, shared_read.pk),
            (insurer.limited.pk, personal.pk),
        }
        apps = migrate(AFTER)
        assert apps.get_model("notifications", "Notification").objects.get(pk=shared_read.pk).permission == (
            "policy.view"
        )
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
