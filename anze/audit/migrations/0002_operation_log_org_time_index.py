"""操作日志 is read per organisation, newest first: ``additional_data -> 'organisation_id'`` (the organisation
whose log shows the entry) and ``timestamp``. The table is django-auditlog's, so the index is created here, on
PostgreSQL, as the expression the ORM's JSON lookup compiles to (SQLite keeps scanning; it is for development)."""

from django.db import migrations

INDEX = "auditlog_logentry_org_time_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON auditlog_logentry "
            "((additional_data -> 'organisation_id'), timestamp DESC, id DESC)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
