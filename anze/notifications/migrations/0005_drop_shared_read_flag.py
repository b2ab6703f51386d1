"""The message's own read flag goes: read state is each user's (0003 copied it)."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_copy_read_state")]

    operations = [
        migrations.RemoveIndex(
            model_name="notification",
            name="notification_unread_idx",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="read_at",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="read_by",
        ),
    ]
