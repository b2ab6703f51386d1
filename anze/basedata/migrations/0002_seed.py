from django.db import migrations


def forwards(apps, schema_editor):
    from anze.basedata.seed import seed

    seed(
        apps.get_model("basedata", "Region"),
        apps.get_model("basedata", "Industry"),
        apps.get_model("basedata", "ServiceItem"),
        apps.get_model("basedata", "RegionalRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("basedata", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
