"""电子保单验真: every policy gets its verification code; the policies issued before get one each here."""

import secrets

from django.db import migrations, models

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # as anze.policies.verify.CODE_ALPHABET (frozen here)


def backfill_codes(apps, schema_editor):
    Policy = apps.get_model("policies", "Policy")
    taken = set(Policy.objects.exclude(verification_code=None).values_list("verification_code", flat=True))
    for policy in Policy.objects.filter(verification_code=None).only("pk").iterator():
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        while code in taken:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        taken.add(code)
        Policy.objects.filter(pk=policy.pk).update(verification_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0003_protect_history_from_deletion"),
    ]

    operations = [
        migrations.AddField(
            model_name="policy",
            name="verification_code",
            field=models.CharField(max_length=8, null=True, verbose_name="验证码"),
        ),
        migrations.RunPython(backfill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="policy",
            name="verification_code",
            field=models.CharField(max_length=8, unique=True, verbose_name="验证码"),
        ),
    ]
