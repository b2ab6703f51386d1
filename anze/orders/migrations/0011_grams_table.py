"""PostgreSQL: the names' grams in a table of their own, ``order_grams`` (search.py), instead of an expression
index on the orders table: a change of status no longer computes and indexes an order's grams again. The index
is dropped and the table filled from the orders (SQLite's grams were an FTS5 table already: nothing to do)."""

from django.db import migrations


def grams_table(apps, schema_editor):
    from anze.orders import search

    if schema_editor.connection.vendor == "postgresql":
        search.uninstall_grams(schema_editor.connection)
        search.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("orders", "0010_telephone_in_the_list_indexes")]

    # Backwards: the table stays (the index holds what the code of the day puts in it, as for 0006).
    operations = [migrations.RunPython(grams_table, migrations.RunPython.noop, elidable=False)]
