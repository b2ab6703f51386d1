"""The faster list dumper (anze/core/pgarrays.py) writes what psycopg's writes, and PostgreSQL connections use it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from psycopg import adapt, adapters
from psycopg.adapt import PyFormat
from psycopg.types import array
from psycopg.types.json import Jsonb

from anze.core import pgarrays

ELEMENTS: list[Any] = [
    "plain",
    "",
    "null",
    "NULL",
    'a "quoted" word',
    "back\\slash \\\\ twice",
    "{braces}, commas",
    "tab\tand\nnewline",
    "全角\u3000空格",
    "泉州市丰泽区",
    None,
]


def _dump(dumper: type[array.ListDumper], value: list[Any]) -> bytes:
    context = adapt.AdaptersMap(adapters)
    context.register_dumper(list, dumper)
    transformer = adapt.Transformer(context)
    dumped = transformer.get_dumper(value, PyFormat.TEXT).dump(value)
    assert dumped is not None
    return bytes(dumped)


@pytest.mark.parametrize(
    "value",
    [
        ELEMENTS,
        [ELEMENTS[:4], ELEMENTS[4:8]],  # nested
        [],
        [None, None],
        [Jsonb({"状态": ["", "已出函"], "原因": 'say "no" \\ here'}), Jsonb({}), None],
        [json.dumps({"变更": ["a", "b"]}), json.dumps([1, 2])],
        [1, 2, None, 3],
    ],
)
def test_same_bytes_as_psycopg(value: list[Any]) -> None:
    assert _dump(pgarrays.ListDumper, value) == _dump(array.ListDumper, value)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL connection's dumper")
@pytest.mark.django_db
def test_postgresql_connections_use_it_and_read_back_the_same() -> None:
    connection.ensure_connection()
    assert connection.connection.adapters.get_dumper(list, PyFormat.TEXT) is pgarrays.ListDumper
    documents = [{"状态": ["", "已出函"], "原因": 'say "no" \\ here'}, {}, {"n": [1, 2.5, None]}]
    texts = [e for e in ELEMENTS if e is not None]
    with connection.cursor() as cursor:
        cursor.execute("SELECT unnest(%s::jsonb[])", [[Jsonb(document) for document in documents]])
        assert [json.loads(row[0]) for row in cursor.fetchall()] == documents
        cursor.execute("SELECT unnest(%s::text[])", [texts])
        assert [row[0] for row in cursor.fetchall()] == texts
