"""The insurer's order counts per (insurer, order type), so that the 订单类型 filter's tabs are read from the
counts too. The table is derived data: dropped and rebuilt, then recounted from the orders by the triggers'
installation (orders/counts.py)."""

import django.db.models.deletion
from django.db import migrations, models


def uninstall_counts(apps, schema_editor):
    from anze.orders import counts

    counts.uninstall(schema_editor.connection)


def install_counts(apps, schema_editor):
    # The triggers are installed by 0005 (with the gram counts): counts.py now writes the table 0005 adds, so
    # running it here would fail.
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("orders", "0003_insurer_order_counts"),
    ]

    operations = [
        migrations.RunPython(uninstall_counts, install_counts, elidable=False),
        migrations.DeleteModel(name="InsurerOrderCounts"),
        migrations.CreateModel(
            name="InsurerOrderCounts",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "order_type",
                    models.CharField(
                        choices=[("online", "线上订单"), ("offline", "线下订单")],
                        max_length=10,
                        verbose_name="订单类型",
                    ),
                ),
                ("awaiting_quote", models.IntegerField(db_default=0)),
                ("awaiting_confirmation", models.IntegerField(db_default=0)),
                ("awaiting_payment_notice", models.IntegerField(db_default=0)),
                ("awaiting_payment", models.IntegerField(db_default=0)),
                ("awaiting_payment_review", models.IntegerField(db_default=0)),
                ("awaiting_issue", models.IntegerField(db_default=0)),
                ("issued", models.IntegerField(db_default=0)),
                ("cancelled", models.IntegerField(db_default=0)),
                (
                    "insurer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="保险公司",
                    ),
                ),
            ],
            options={
                "verbose_name": "订单状态计数",
                "verbose_name_plural": "订单状态计数",
                "constraints": [
                    models.UniqueConstraint(fields=("insurer", "order_type"), name="order_counts_unique_row")
                ],
            },
        ),
        migrations.RunPython(install_counts, uninstall_counts, elidable=False),
    ]
