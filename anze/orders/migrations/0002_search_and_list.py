"""The insurer's list: submitted ⟺ not a draft (so the list filters on an indexed column), the 订单类型 index
covering the tab counts, and the Chinese substring search of 投保人 / 项目名称 — FTS5 trigram on SQLite,
pg_trgm on PostgreSQL (see orders/search.py)."""

from django.db import migrations, models


def install_search(apps, schema_editor):
    from anze.orders import search

    search.install(schema_editor.connection)


def uninstall_search(apps, schema_editor):
    from anze.orders import search

    search.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "draft"), _negated=True),
                    ("submitted_at__isnull", True),
                    _connector="OR",
                ),
                name="order_draft_not_submitted",
            ),
        ),
        migrations.RemoveIndex(model_name="order", name="order_insurer_type_idx"),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["insurer", "order_type", "-submitted_at", "-id", "status"],
                name="order_insurer_type_idx",
            ),
        ),
        migrations.RunPython(install_search, uninstall_search, elidable=False),
    ]
