"""A faster text dumper of Python lists for psycopg on PostgreSQL: the same bytes, without a regex per element.

Django 5.2 inserts many rows at once on PostgreSQL as ``UNNEST`` of one array per column, and Django binds
parameters on the client, so psycopg writes every column as an array literal in Python (this venv has no
psycopg C extension). Its ``ListDumper`` escapes each quoted element with ``re.sub`` and a template
replacement: ``json.dumps`` writes Chinese as ``\\uXXXX``, so a 操作日志 entry's JSON is full of backslashes to
escape — ~27 µs a JSON value (its dump included) against ~5 µs with two ``bytes.replace`` calls. The Excel
import's write of 5,000 issued rows quotes ~200,000 elements, ~45,000 of them JSON (figures in docs/BENCH.md,
"where the import's write goes on PostgreSQL").

``register`` (``connection_created``, see ``CoreConfig``) puts ``ListDumper`` in place of psycopg's on each
new PostgreSQL connection; what it writes is byte for byte what psycopg's would (anze/core/tests/test_pgarrays.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg.abc import Buffer
from psycopg.types import array


class ListDumper(array.ListDumper):
    """psycopg's text ``ListDumper``, its elements escaped by ``bytes.replace`` (``"`` and ``\\`` get a
    backslash, as ``_re_esc`` does)."""

    def _dump_list(
        self, obj: list[Any], tokens: list[Buffer], needs_quotes: Callable[[Buffer], object]
    ) -> None:
        if not obj:
            tokens.append(b"{}")
            return
        dump = self.sub_dumper.dump if self.sub_dumper else self._dump_item
        delimiter = self.delimiter
        tokens.append(b"{")
        for item in obj:
            if item is None:
                tokens.append(b"NULL")
            elif isinstance(item, list):
                self._dump_list(item, tokens, needs_quotes)
            elif (ad := dump(item)) is None:
                tokens.append(b"NULL")
            else:
                if needs_quotes(ad):
                    ad = b'"' + bytes(ad).replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'
                tokens.append(ad)
            tokens.append(delimiter)
        tokens[-1] = b"}"


def register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``: the faster dumper on a PostgreSQL connection (SQLite's need none)."""
    if connection.vendor == "postgresql":
        connection.connection.adapters.register_dumper(list, ListDumper)
