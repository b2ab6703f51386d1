"""Backup and restore of the whole system: the database and every stored file, with a manifest of SHA-256
checksums (``manage.py backup DEST`` / ``manage.py restore SRC``).

A backup is a folder::

    manifest.json     format, engine, time, row counts per table, and the size and SHA-256 of every file below
    database.sqlite3  SQLite: a consistent copy made with SQLite's online backup API while the site runs
    database.pgdump   PostgreSQL: ``pg_dump -Fc`` (restored with ``pg_restore``)
    files/<name>      every file of the default storage, read through Django's storage API (local folder or
                      object store alike)
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db import connection, connections

FORMAT = 1
MANIFEST = "manifest.json"
FILES_DIR = "files"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, in Chinese."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in the storage, walked with ``listdir`` (works for the file system and S3 alike)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from storage_names(storage, f"{folder}/{sub}" if folder else sub)


def _safe_relative(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"备份清单中的文件名不安全：{name!r}")
    return path


def row_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.db_table] = model._base_manager.using("default").count()
    return dict(sorted(counts.items()))


def engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"不支持的数据库：{vendor}")
    return vendor


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    args = []
    if settings.get("HOST"):
        args += ["-h", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["-p", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["-U", str(settings["USER"])]
    return env, [*args, "-d", str(settings["NAME"])]


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（postgresql-client）") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.strip()[-2000:]}")


def dump_database(dest: Path) -> str:
    """The database into ``dest``; returns the file's name inside it."""
    if engine() == "sqlite":
        name = "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(dest / name)
        try:
            connection.connection.backup(target)  # SQLite's online backup: consistent while others write
        finally:
            target.close()
        return name
    name = "database.pgdump"
    env, args = _pg_env_and_args()
    _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", "-f", str(dest / name), *args], env)
    return name


def load_database(source: Path) -> None:
    """Replace the whole database by the dumped one."""
    if engine() == "sqlite":
        connection.ensure_connection()
        dumped = sqlite3.connect(source)
        try:
            dumped.backup(connection.connection)  # page by page over the live file, in one step
        finally:
            dumped.close()
        return
    connections.close_all()
    env, args = _pg_env_and_args()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env,
    )


@dataclass
class Manifest:
    data: dict[str, Any]

    @property
    def files(self) -> list[dict[str, Any]]:
        return self.data["files"]


def write_backup(dest: Path) -> Manifest:
    """A backup of the database and every stored file into the new or empty folder ``dest``."""
    if dest.exists() and any(dest.iterdir()):
        raise BackupError(f"备份目录不是空的：{dest}")
    dest.mkdir(parents=True, exist_ok=True)
    database = dump_database(dest)
    storage = storages["default"]
    files = []
    for name in storage_names(storage):
        target = dest / FILES_DIR / _safe_relative(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with storage.open(name, "rb") as source, target.open("wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        files.append({"name": name, "size": size, "sha256": digest.hexdigest()})
    database_path = dest / database
    data = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "engine": engine(),
        "database": {
            "name": database,
            "size": database_path.stat().st_size,
            "sha256": sha256_of(database_path),
        },
        "row_counts": row_counts(),
        "files": files,
    }
    (dest / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return Manifest(data)


def read_verified(source: Path) -> Manifest:
    """The manifest of ``source`` after checking every file against it; BackupError names what is wrong."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"备份无效：{source} 中没有 {MANIFEST}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        database = data["database"]
        files = data["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"备份已损坏：{MANIFEST} 无法读取") from exc
    if data.get("format") != FORMAT:
        raise BackupError(f"备份格式 {data.get('format')!r} 不受支持")
    if data.get("engine") != engine():
        raise BackupError(f"备份来自 {data.get('engine')} 数据库，当前数据库是 {engine()}：不能恢复")
    bad = []
    for entry, file in [(database, source / _safe_relative(database["name"]))] + [
        (entry, source / FILES_DIR / _safe_relative(entry["name"])) for entry in files
    ]:
        if not file.is_file():
            bad.append(f"缺少 {file.relative_to(source)}")
        elif file.stat().st_size != entry["size"] or sha256_of(file) != entry["sha256"]:
            bad.append(f"校验和不符 {file.relative_to(source)}")
    if bad:
        shown = "；".join(bad[:10]) + (f"；等共 {len(bad)} 处" if len(bad) > 10 else "")
        raise BackupError(f"备份已损坏，未做任何恢复：{shown}")
    return Manifest(data)


def database_has_data() -> bool:
    """Accounts, organisations or documents exist (a freshly migrated database has none)."""
    return any(
        apps.get_model(label)._base_manager.exists()
        for label in ("accounts.User", "accounts.Organisation", "documents.Document")
    )


def storage_has_files() -> bool:
    return next(storage_names(storages["default"]), None) is not None


def restore_backup(source: Path, manifest: Manifest, *, force: bool) -> None:
    """Database first, then the files (a file already present with that name is replaced)."""
    if not force and (database_has_data() or storage_has_files()):
        raise BackupError("数据库或文件存储中已有数据：恢复会覆盖它们。确认无误请加 --force")
    load_database(source / manifest.data["database"]["name"])
    ContentType.objects.clear_cache()  # ids cached from the database that was replaced
    storage = storages["default"]
    for entry in manifest.files:
        name = entry["name"]
        if storage.exists(name):
            storage.delete(name)
        with (source / FILES_DIR / _safe_relative(name)).open("rb") as handle:
            stored = storage.save(name, File(handle, name=PurePosixPath(name).name))
        if stored != name:
            raise BackupError(f"文件存储把 {name} 存成了 {stored}")
