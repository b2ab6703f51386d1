"""Static files from node_modules: only the files the pages use, and a manifest storage that survives a
vendor file naming a file its package does not ship.

``npm ci`` installs whole packages (tabler's dist alone holds some 900 files, and CSS files of its libs name
.map and .svg files the package leaves out); collecting all of it failed the manifest storage on the first
missing name. settings.VENDOR_STATIC_FILES lists, per URL prefix, the folder and the files served from it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from re import Match
from typing import Any, Literal, overload

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core import checks
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class _VendorStorage(FileSystemStorage):
    prefix: str  # the URL prefix of its files, read by collectstatic and whitenoise


class VendorFinder(BaseFinder):
    """Finds exactly the files of settings.VENDOR_STATIC_FILES: {prefix: (folder, [relative names])}."""

    def __init__(self, app_names: Any = None, *args: Any, **kwargs: Any) -> None:
        self.sources: list[tuple[str, _VendorStorage, list[str]]] = []
        for prefix, (root, names) in settings.VENDOR_STATIC_FILES.items():
            storage = _VendorStorage(location=str(root))
            storage.prefix = prefix
            self.sources.append((prefix, storage, list(names)))
        super().__init__(*args, **kwargs)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        missing = [
            f"{storage.location}/{name}"
            for _, storage, names in self.sources
            for name in names
            if not os.path.isfile(storage.path(name))
        ]
        if not missing:
            return []
        return [
            checks.Warning(
                f"Static files missing from node_modules: {', '.join(missing)}",
                hint="运行 npm ci 安装前端依赖（package.json 与 package-lock.json）。",
                id="anze.W012",
            )
        ]

    @overload
    def find(self, path: str, find_all: Literal[False] = False, **kwargs: Any) -> str | None: ...

    @overload
    def find(self, path: str, find_all: Literal[True], **kwargs: Any) -> list[str]: ...

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> str | list[str] | None:
        matches: list[str] = []
        for prefix, storage, names in self.sources:
            name = path.removeprefix(prefix + "/")
            if name != path and name in names and os.path.isfile(storage.path(name)):
                if not find_all:
                    return storage.path(name)
                matches.append(storage.path(name))
        return matches

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for _, storage, names in self.sources:
            for name in names:
                if os.path.isfile(storage.path(name)):
                    yield name, storage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed manifest storage, except that a url() or sourceMappingURL naming a file that is
    not collected stays as written (with a warning) instead of failing collectstatic: a vendor's stylesheet
    naming its absent source map must not stop a deployment. Files of our own are checked by the deploy test."""

    def url(self, name: str | None, force: bool = False) -> str:
        """A file's URL from the manifest, looked up once per process and name: the manifest does not change
        while the process serves (a page prints several; ~30 µs each through the manifest, issue 16)."""
        if force or not name:
            return super().url(name, force)
        urls: dict[str, str] = self.__dict__.setdefault("_urls", {})
        if name not in urls:
            urls[name] = super().url(name, force)
        return urls[name]

    def url_converter(
        self, name: str, hashed_files: Any, template: str | None = None
    ) -> Callable[[Match], str]:
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj: Match) -> str:
            try:
                return convert(matchobj)
            except ValueError as exc:  # MissingFileError is one
                logger.warning("collectstatic: %s names a missing file, kept as written: %s", name, exc)
                return matchobj.group("matched")

        return converter
