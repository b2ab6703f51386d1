import django.core.validators
from django.db import migrations, models


def default_window(apps, schema_editor):
    """The default rule gets the platform's 报案时限 (30 days after the period's end), unless it has one."""
    from anze.basedata.seed import DEFAULT_CLAIM_REPORT_DAYS

    RegionalRule = apps.get_model("basedata", "RegionalRule")
    RegionalRule.objects.filter(region__isnull=True, claim_report_days__isnull=True).update(
        claim_report_days=DEFAULT_CLAIM_REPORT_DAYS
    )


class Migration(migrations.Migration):
    dependencies = [("basedata", "0003_service_item_unit_price")]

    operations = [
        migrations.AddField(
            model_name="regionalrule",
            name="claim_report_days",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="保险期间届满后仍可报案的天数",
                null=True,
                validators=[django.core.validators.MaxValueValidator(3650)],
                verbose_name="报案时限（天）",
            ),
        ),
        migrations.RunPython(default_window, migrations.RunPython.noop),
    ]
