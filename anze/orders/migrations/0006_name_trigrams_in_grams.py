"""The grams index also holds the names' trigrams under the insurer's token (search.py): a longer name search
reads only the insurer's candidates. The index is dropped and built again from the orders."""

from django.db import migrations


def rebuild_grams(apps, schema_editor):
    from anze.orders import search

    search.uninstall_grams(schema_editor.connection)
    search.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_gram_counts")]

    # Backwards too: the index holds what the code of the day puts in it.
    operations = [migrations.RunPython(rebuild_grams, rebuild_grams, elidable=False)]
