"""manage.py backup / restore: a round trip of the demo data and some uploads through an empty database and
an empty store gives back every row and every file, and the app serves a restored file; a corrupt backup and
a database that holds data are refused. Runs on the database of the test run (SQLite or PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from anze.accounts.models import Organisation, User
from anze.core.backup import row_counts, storage_names
from anze.core.sides import Side
from anze.documents import testing as files
from anze.documents.models import Document, DocumentKind
from anze.documents.services import document_from_bytes
from anze.orders.models import Order

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and pg_restore see committed rows only


def dumped_rows() -> str:
    """Every row of every table, as dumpdata writes it (ordered by primary key), hashed."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out, indent=None)
    return hashlib.sha256(out.getvalue().encode()).hexdigest()


def stored_files() -> dict[str, str]:
    storage = storages["default"]
    result = {}
    for name in storage_names(storage):
        with storage.open(name, "rb") as handle:
            result[name] = hashlib.sha256(handle.read()).hexdigest()
    return result


def empty_everything() -> None:
    call_command("flush", interactive=False, verbosity=0)
    storage = storages["default"]
    for name in list(storage_names(storage)):
        storage.delete(name)
    assert not User.objects.exists() and not stored_files()


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_backup_and_restore_round_trip_of_the_demo_data(tmp_path: Path) -> None:
    call_command("demo_data", stdout=io.StringIO())
    insurer = Organisation.objects.filter(kind=Side.INSURER).first()
    assert insurer is not None
    for n in range(3):  # some uploads besides the demo's files
        document_from_bytes(
            organisation=insurer,
            kind=DocumentKind.OTHER,
            data=files.pdf_bytes(f"上传{n}"),
            name=f"上传{n}.pdf",
        )
    counts, rows, stored = row_counts(), dumped_rows(), stored_files()
    assert len(stored) >= 10 and counts["orders_order"] > 0

    backup_output = run("backup", str(tmp_path / "backup"))
    empty_everything()
    restore_output = run("restore", str(tmp_path / "backup"))

    assert row_counts() == counts
    assert dumped_rows() == rows
    assert stored_files() == stored
    seconds = [float(s) for s in re.findall(r"用时 ([0-9.]+) 秒", backup_output + restore_output)]
    assert len(seconds) == 2
    print(f"\nround trip of the demo data: backup {seconds[0]:.2f} s + restore {seconds[1]:.2f} s")

    # The restored app serves a restored file through its permission-checked download view.
    order = Order.objects.exclude(policy_file=None).select_related("insurer", "policy_file").first()
    assert order is not None and order.policy_file is not None
    viewer = next(u for u in User.objects.filter(organisation=order.insurer) if u.has_perm_code("order.view"))
    client = Client()
    client.force_login(viewer)
    url = reverse(
        "insurer:orders:file_download",
        kwargs={"application_no": order.application_no, "document_uuid": order.policy_file.uuid},
    )
    response = client.get(url)
    assert response.status_code == 200
    body = response.getvalue()
    assert hashlib.sha256(body).hexdigest() == stored[order.policy_file.file.name]


def _small_backup(tmp_path: Path) -> Path:
    org = Organisation.objects.create(kind=Side.INSURER, name="备份测试保险公司", code="bk")
    document_from_bytes(organisation=org, kind=DocumentKind.OTHER, data=files.pdf_bytes("备份"), name="a.pdf")
    run("backup", str(tmp_path / "b"))
    return tmp_path / "b"


def test_restore_refuses_a_database_with_data_unless_forced(tmp_path: Path) -> None:
    backup = _small_backup(tmp_path)
    with pytest.raises(CommandError, match=r"已有数据.*--force"):
        run("restore", str(backup))
    Document.objects.all().delete()
    Organisation.objects.filter(code="bk").update(name="改过的名字")
    assert "恢复完成" in run("restore", str(backup), "--force")
    assert Organisation.objects.get(code="bk").name == "备份测试保险公司"
    assert Document.objects.count() == 1


def test_restore_refuses_a_corrupt_backup_and_changes_nothing(tmp_path: Path) -> None:
    backup = _small_backup(tmp_path)
    (stored,) = (backup / "files").rglob("*.pdf")
    stored.write_bytes(stored.read_bytes()[:-1] + b"!")
    Organisation.objects.filter(code="bk").update(name="恢复前")
    with pytest.raises(CommandError, match=r"备份已损坏.*校验和不符 files/docs/"):
        run("restore", str(backup), "--force")
    assert Organisation.objects.get(code="bk").name == "恢复前"


def test_restore_refuses_a_backup_without_its_database_or_manifest(tmp_path: Path) -> None:
    backup = _small_backup(tmp_path)
    manifest = json.loads((backup / "manifest.json").read_text())
    (backup / manifest["database"]["name"]).unlink()
    with pytest.raises(CommandError, match="缺少 database"):
        run("restore", str(backup), "--force")
    (backup / "manifest.json").unlink()
    with pytest.raises(CommandError, match=r"没有 manifest\.json"):
        run("restore", str(backup), "--force")


def test_backup_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "x").write_text("x")
    with pytest.raises(CommandError, match="不是空的"):
        run("backup", str(tmp_path / "old"))
