"""The grams index also holds the names' trigrams under the insurer's token, and the grams hold punctuation and
spaces (search.py): a longer name search reads only the insurer's candidates, and every term has grams. The
index is dropped and built again from the orders, and the per-gram counts counted again (counts.py)."""

from django.db import migrations


def rebuild_grams(apps, schema_editor):
    from anze.orders import counts, search

    search.uninstall(schema_editor.connection, grams_only=True)
    search.install(schema_editor.connection)
    counts.uninstall(schema_editor.connection)  # (put back and counted again by 0008)


class Migration(migrations.Migration):
    dependencies = [("orders", "0005_gram_counts")]

    # Backwards too: the index holds what the code of the day puts in it.
    operations = [migrations.RunPython(rebuild_grams, rebuild_grams, elidable=False)]
