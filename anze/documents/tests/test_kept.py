"""Temporary uploads (issue 12.5): a valid file is kept for its user only, through a token bound to the user and
the field; forged, foreign or expired tokens are field errors; the sweep removes what expired."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone

from anze.accounts.models import User
from anze.core.forms import StyledFormMixin
from anze.core.logging import RequestContext, current_request
from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents import testing
from anze.documents.forms import DocumentField
from anze.documents.kept import KEPT_EXPIRED, KEPT_INVALID, KeptFile, kept_store, kept_sweep
from anze.documents.models import Document, KeptUpload
from anze.documents.services import document_create
from anze.documents.tests.conftest import stored_files

pytestmark = pytest.mark.django_db


class PolicyForm(StyledFormMixin, forms.Form):
    policy = DocumentField(label="保单文件", accept={"pdf"})
    photo = DocumentField(label="现场照片", accept={"image"}, required=False)


@contextmanager
def signed_in(user: User | None) -> Iterator[None]:
    """What RequestLogMiddleware does for a request of ``user``."""
    request = RequestFactory().post("/")
    request.user = user  # type: ignore[assignment]
    token = current_request.set(RequestContext(request, "test"))
    try:
        yield
    finally:
        current_request.reset(token)


def token_in(html: str, name: str) -> str:
    found = re.search(rf'name="{name}__kept" value="([^"]+)"', html)
    assert found, f"no kept token for {name}"
    return found.group(1)


def refused_once(user: User, data: bytes) -> str:
    """Submit a valid PDF in a form then refused for another reason; return the re-rendered field."""
    with signed_in(user):
        form = PolicyForm({}, {"policy": testing.upload("保单.pdf", data)})
        assert form.is_valid()
        form.add_error(None, "其他原因")
        return str(form["policy"])


def resubmit(user: User | None, token: str, *, field: str = "policy") -> PolicyForm:
    with signed_in(user):
        form = PolicyForm({f"{field}__kept": token}, {})
        form.is_valid()
        return form


def test_a_valid_file_is_kept_for_its_user_and_shown_as_uploaded(uploader):
    data = testing.pdf_bytes("保单")
    html = refused_once(uploader, data)
    kept = KeptUpload.objects.get(owner=uploader)
    assert kept.original_name == "保单.pdf" and kept.size == len(data)
    assert kept.organisation_id == uploader.organisation_id and kept.file.name.startswith("tmp/uploads/")
    assert kept.expires_at - kept.created_at == timedelta(hours=24)
    assert "已上传：保单.pdf" in html and "移除" in html and "data-kept-picker hidden" in html
    assert " required" not in html


def test_the_token_gives_back_the_same_bytes_and_the_document_releases_it(uploader, storage_dir: Path):
    data = testing.pdf_bytes("保单")
    token = token_in(refused_once(uploader, data), "policy")
    form = resubmit(uploader, token)
    assert form.is_valid(), form.errors
    upload = form.cleaned_data["policy"]
    assert isinstance(upload, KeptFile) and upload.read() == data
    upload.seek(0)
    assert "已上传：保单.pdf" in str(form["policy"])  # still shown if the form is refused again
    with pytest.MonkeyPatch.context() as patch, signed_in(uploader):
        patch.setattr("django.db.transaction.on_commit", lambda func, **_: func())
        document = document_create(
            organisation=uploader.organisation, uploaded_by=uploader, kind="policy", upload=upload
        )
    assert document.file.open("rb").read() == data and document.original_name == "保单.pdf"
    assert not KeptUpload.objects.exists()
    assert [path.relative_to(storage_dir).parts[0] for path in stored_files(storage_dir)] == ["docs"]


def test_another_users_token_is_a_field_error(uploader, org):
    token = token_in(refused_once(uploader, testing.pdf_bytes()), "policy")
    colleague = factories.user(org, name="同事乙")
    stranger = factories.user(factories.organisation(Side.ENTERPRISE), name="外人丙")
    for user in (colleague, stranger, None):
        form = resubmit(user, token)
        assert form.errors["policy"] == [KEPT_INVALID]


def test_a_token_moved_to_another_field_or_forged_is_a_field_error(uploader):
    token = token_in(refused_once(uploader, testing.pdf_bytes()), "policy")
    assert resubmit(uploader, token, field="photo").errors["photo"] == [KEPT_INVALID]
    assert resubmit(uploader, token + "x").errors["policy"] == [KEPT_INVALID]
    assert resubmit(uploader, "不是令牌").errors["policy"] == [KEPT_INVALID]


def test_an_expired_file_asks_to_upload_again(uploader):
    token = token_in(refused_once(uploader, testing.pdf_bytes()), "policy")
    KeptUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert resubmit(uploader, token).errors["policy"] == [KEPT_EXPIRED]
    assert "请重新上传" in KEPT_EXPIRED
    kept_sweep()
    assert resubmit(uploader, token).errors["policy"] == [KEPT_EXPIRED]  # swept: same answer


def test_an_expired_signature_asks_to_upload_again(uploader, monkeypatch):
    token = token_in(refused_once(uploader, testing.pdf_bytes()), "policy")
    later = timezone.now().timestamp() + 25 * 3600
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert resubmit(uploader, token).errors["policy"] == [KEPT_EXPIRED]


def test_an_invalid_file_is_not_kept(uploader):
    with signed_in(uploader):
        form = PolicyForm({}, {"policy": testing.upload("保单.pdf", testing.png_bytes())})
        assert not form.is_valid()
        assert "已上传" not in str(form["policy"])
    assert not KeptUpload.objects.exists()


def test_without_a_signed_in_user_nothing_is_kept(uploader):
    form = PolicyForm({}, {"policy": testing.upload("保单.pdf", testing.pdf_bytes())})
    assert form.is_valid()
    assert not KeptUpload.objects.exists() and "已上传" not in str(form["policy"])


def test_a_new_file_replaces_the_kept_one(uploader):
    token = token_in(refused_once(uploader, testing.pdf_bytes("旧")), "policy")
    with signed_in(uploader):
        form = PolicyForm(
            {"policy__kept": token}, {"policy": testing.upload("新保单.pdf", testing.pdf_bytes("新"))}
        )
        assert form.is_valid()
    assert form.cleaned_data["policy"].name == "新保单.pdf"


def keep(user: User, *, age: timedelta) -> KeptUpload:
    kept = kept_store(
        owner=user,
        upload=testing.upload("保单.pdf", testing.pdf_bytes()),
        accept=frozenset({"pdf"}),
        content_type="application/pdf",
    )
    KeptUpload.objects.filter(pk=kept.pk).update(expires_at=timezone.now() + timedelta(hours=24) - age)
    return kept


@pytest.mark.parametrize("command", ["sweep_uploads", "sms_sweep"])
def test_the_sweep_deletes_expired_rows_and_files_and_leaves_fresh_ones(
    uploader, storage_dir: Path, command: str, capsys: Any
):
    old = keep(uploader, age=timedelta(hours=25))
    fresh = keep(uploader, age=timedelta(hours=23))
    Document.objects.all().delete()
    call_command(command)
    assert "清除过期暂存文件 1 个" in capsys.readouterr().out
    assert list(KeptUpload.objects.values_list("pk", flat=True)) == [fresh.pk]
    names = [path.name for path in stored_files(storage_dir)]
    assert names == [Path(fresh.file.name).name] and Path(old.file.name).name not in names


def test_a_storage_failure_while_keeping_does_not_fail_the_submission(uploader, monkeypatch, caplog):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("django.core.files.storage.FileSystemStorage.save", broken)
    with signed_in(uploader):
        form = PolicyForm({}, {"policy": testing.upload("保单.pdf", testing.pdf_bytes())})
        assert form.is_valid()
        assert not KeptUpload.objects.exists()  # kept only when the form is shown again
        html = str(
            form["policy"]
        )  # shown again (as after a refusal): keeping fails, the file is to pick again
    assert form.cleaned_data["policy"].name == "保单.pdf" and not KeptUpload.objects.exists()
    assert "已上传" not in html
    assert "could not keep upload" in caplog.text


def test_a_submission_that_succeeds_stores_each_file_once(uploader):
    """Keeping waits for the form to be shown again: a valid submission copies nothing to the kept uploads."""
    with signed_in(uploader):
        form = PolicyForm({}, {"policy": testing.upload("保单.pdf", testing.pdf_bytes())})
        assert form.is_valid()
    assert not KeptUpload.objects.exists()
