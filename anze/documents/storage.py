"""Object storage (S3 API) for every stored file, chosen by ``ANZE_STORAGE=s3`` (see config/settings.py).

Files stay private. Nothing here gives out a URL: a download is read from the bucket by the web process and
streamed through the permission-checked view (:func:`anze.documents.responses.document_response`), so

- every byte served passed the view's tenant check at the moment it was served — no link that can be passed
  on, bookmarked or leaked in a log and still work later (a presigned URL would, until it expires);
- ``Range`` requests (seeking in a 现场视频) keep working: a range becomes a ranged GET on the object;
- the bucket needs no public policy: one identity with keys, anonymous has no access.

Reading never copies the whole object first (django-storages' ``S3File`` downloads it into a spooled
temporary file, in memory by default): :class:`S3ObjectReader` streams the object's body from the requested
position. Writing streams from the upload's temporary file through boto3's ``upload_fileobj`` in multipart
parts of :data:`PART_SIZE`, at most :data:`PARTS_IN_MEMORY` held at once.
"""

from __future__ import annotations

import io
import os
from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# The smallest part, one at a time: botocore holds a few copies of a part while signing and sending it, so
# the worker's memory grows with the part size and the parts in flight (test_s3_storage.py measures it;
# figures in docs/BENCH.md, "Figures behind the code"). One part at a time is no slower against a nearby
# store: the upload is disk/network bound.
PART_SIZE = 5 * 1024 * 1024  # the smallest part S3 allows
PARTS_IN_MEMORY = 1


def transfer_config() -> TransferConfig:
    """Multipart uploads with a bounded memory: a 200 MB video holds one part, not the whole file."""
    config = TransferConfig(
        multipart_threshold=PART_SIZE,
        multipart_chunksize=PART_SIZE,
        max_concurrency=PARTS_IN_MEMORY,
    )
    # s3transfer reads each part of a file object into memory; by default up to 10 wait for an upload thread.
    config.max_in_memory_upload_chunks = PARTS_IN_MEMORY
    return config


class S3ObjectReader(io.RawIOBase):
    """A read-only, seekable file over one object: ``size`` from a HEAD (``FileNotFoundError`` when the
    object is missing), bytes from a GET with ``Range: bytes=<position>-`` opened at the first read after a
    seek and read as the caller reads (never the whole object at once)."""

    def __init__(self, client: Any, bucket: str, key: str, name: str) -> None:
        super().__init__()
        self._client = client
        self._bucket = bucket
        self._key = key
        self.name = name
        try:
            head = client.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"stored file {name} does not exist") from None
            raise
        self.size: int = head["ContentLength"]
        self._position = 0
        self._body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._position, os.SEEK_END: self.size}[whence]
        position = max(0, base + offset)
        if position != self._position:
            self._close_body()
        self._position = position
        return position

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        remaining = self.size - self._position
        if remaining <= 0 or size == 0:
            return b""
        if self._body is None:
            response = self._client.get_object(
                Bucket=self._bucket, Key=self._key, Range=f"bytes={self._position}-"
            )
            self._body = response["Body"]
        data = self._body.read(None if size is None or size < 0 else min(size, remaining))
        self._position += len(data)
        return data

    readall = read

    def _close_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._close_body()
        super().close()


class PrivateS3Storage(S3Storage):
    """django-storages' S3 storage for private documents: no ACL on objects (the bucket's: private), path-style
    addressing (SeaweedFS, MinIO; virtual-host style with ``ANZE_S3_ADDRESSING_STYLE=virtual``, e.g. 阿里云
    OSS), multipart uploads with bounded memory, streamed reads, and no URLs."""

    def get_default_settings(self) -> dict[str, Any]:
        defaults = super().get_default_settings()
        defaults.update(
            default_acl=None,
            querystring_auth=True,
            file_overwrite=False,  # names are new UUIDs; never replace an archived file by accident
            transfer_config=transfer_config(),
            max_memory_size=1024 * 1024,  # S3File (used only for writing here) spills to disk past 1 MB
        )
        return defaults

    def __init__(self, **settings: Any) -> None:
        style = settings.pop("addressing_style", None) or "path"
        settings.setdefault(
            "client_config",
            Config(
                s3={"addressing_style": style},
                signature_version="s3v4",
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            ),
        )
        super().__init__(**settings)

    def _open(self, name: str, mode: str = "rb") -> Any:
        if mode != "rb":
            return super()._open(name, mode)
        key = self._normalize_name(clean_name(name))
        return S3ObjectReader(self.connection.meta.client, self.bucket_name, key, name)

    def url(
        self, name: str | None, parameters: Any = None, expire: Any = None, http_method: Any = None
    ) -> str:
        raise NotImplementedError(
            "stored documents have no URL: serve them through a permission-checked view (document_response)"
        )
