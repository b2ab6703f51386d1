"""``DocumentField``: a file field checked by content, shown as the Element-style drag-and-drop zone.

::

    policy_file = DocumentField(label="保单文件", accept={"pdf"})
    licence = DocumentField(label="营业执照", accept={"pdf", "image"})
    contract = DocumentField(label="合同文件", accept={"pdf"}, required=False)
    video = DocumentField(label="现场视频", accept={"video"})   # the view needs @video_upload_limit

The cleaned value is the validated ``UploadedFile`` (pass it to ``document_create``), None when an optional
field is left empty, or the initial ``Document`` when an edit form keeps the current file. The form's
``<form>`` needs ``enctype="multipart/form-data"`` (htmx sends it as multipart then).

A file that passes its checks while a user is signed in is kept for that user (:mod:`anze.documents.kept`)
when its form is shown again — refused for another reason: it is stored then, shown as "已上传：name（size） 移除" and the next submission
without a new file gets it back (a ``KeptFile``, which ``document_create`` takes like an upload).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat

from anze.core.logging import current_request

from .kept import KeptFile, KeptToken, kept_resolve, kept_store, kept_token, token_field
from .models import KeptUpload
from .uploadhandlers import OversizedUpload
from .validation import (
    EMPTY,
    PDF,
    accept_extensions,
    hint,
    max_bytes_for,
    normalise_accept,
    size_message,
    type_message,
    validate_upload,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeepFor:
    """A valid upload's owner and checks: what keeping it needs once its form is shown again."""

    owner: Any
    accept: frozenset[str]
    content_type: str


class DropzoneInput(forms.FileInput):
    """The drop zone of docs/spec/UI.md: dashed box, cloud icon, "将文件拖到此处，或点击上传", the hint under it.

    The transparent file input covers the box, so a click opens the file dialog and a dropped file lands on
    the input natively. anze.js reads the ``data-*`` attributes of ``[data-dropzone]`` and fills its siblings
    ``[data-file-list]`` and ``[data-file-error]``. Limits are read when rendering, not at import, so they
    follow the settings.
    """

    template_name = "documents/widgets/dropzone.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, accept: Iterable[str] = (PDF,)) -> None:
        super().__init__(attrs)
        self.accept = normalise_accept(accept)
        # Kept uploads the field resolved from a submitted token, by token: rendering shows them again.
        self.kept_by_token: dict[str, KeptUpload] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> DropzoneInput:
        copied = super().__deepcopy__(memo)
        copied.kept_by_token = {}
        return copied

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        """A newly chosen file wins; otherwise the token of the file kept from a refused submission."""
        upload = super().value_from_datadict(data, files, name)
        if upload:
            return upload
        token = data.get(token_field(name)) if hasattr(data, "get") else None
        return KeptToken(token, name) if token else None

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return super().value_omitted_from_data(data, files, name) and token_field(name) not in data

    def kept_for(self, value: Any) -> KeptUpload | None:
        """The kept upload to show for the bound value: a new file the field kept, or a token it resolved."""
        if isinstance(value, KeptToken):
            return self.kept_by_token.get(str(value))
        kept = getattr(value, "kept", None)
        if isinstance(kept, KeptUpload):
            return kept
        keep_for = getattr(value, "keep_for", None)
        if not isinstance(keep_for, KeepFor):
            return None
        try:
            with transaction.atomic():  # a failed save must not break the request's transaction
                value.kept = kept_store(
                    owner=keep_for.owner,
                    upload=value,
                    accept=keep_for.accept,
                    content_type=keep_for.content_type,
                )
        except Exception:  # keeping is a convenience: the form is shown with the file to pick again
            logger.exception("could not keep upload %r for user %s", value.name, keep_for.owner.pk)
            return None
        return value.kept

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        # An edit form's current document: shown by name; choosing a file again is then optional.
        current = getattr(value, "original_name", None)
        if current:
            widget_attrs.pop("required", None)
        kept = self.kept_for(value)
        if kept is not None:
            widget_attrs.pop("required", None)
            context["kept"] = {
                "name": kept.original_name,
                "size": filesizeformat(kept.size),
                "token": kept_token(kept, name),
                "token_field": token_field(name),
            }
        extensions = ",".join(accept_extensions(self.accept))
        widget_attrs.setdefault("accept", extensions)
        if widget_attrs.get("id"):
            widget_attrs.setdefault("aria-describedby", f"{widget_attrs['id']}_hint")
        max_bytes = max_bytes_for(self.accept)
        context["dropzone"] = {
            "accept": extensions,
            "max_bytes": max_bytes,
            "hint": hint(self.accept),
            "type_message": type_message(self.accept),
            "size_message": size_message(max_bytes),
            # StyledFormMixin marks an invalid field's input; the visible box is what must turn red.
            "invalid": "is-invalid" in str(widget_attrs.get("class", "")).split(),
            "current": current,
        }
        return context


class DocumentField(forms.FileField):
    """A file of the accepted formats (⊆ {"pdf", "image", "video"}), validated by content."""

    default_error_messages = {
        "required": "请上传文件",
        "invalid": "未收到文件，请重新上传",
        "missing": "未收到文件，请重新上传",
        "empty": EMPTY,
        "contradiction": "请上传新文件或清除当前文件，不能同时进行",
    }
    # The signed-in user a valid file is kept for; None (no request, anonymous) keeps nothing.
    keep_uploads = True

    def __init__(self, *, accept: Iterable[str] = (PDF,), **kwargs: Any) -> None:
        self.accept = normalise_accept(accept)
        kwargs.setdefault("widget", DropzoneInput(accept=self.accept))
        label = kwargs.get("label")
        if label and "required" not in kwargs.get("error_messages", {}):
            kwargs["error_messages"] = {**kwargs.get("error_messages", {}), "required": f"请上传{label}"}
        super().__init__(**kwargs)
        if isinstance(self.widget, DropzoneInput):
            self.widget.accept = self.accept

    def bound_data(self, data: Any, initial: Any) -> Any:
        """A re-rendered form shows a kept file (a new one the field kept, or a submitted token) as uploaded."""
        if isinstance(data, KeptToken) or isinstance(getattr(data, "keep_for", None), KeepFor):
            return data
        return super().bound_data(data, initial)

    def to_python(self, data: Any) -> Any:
        if isinstance(data, KeptToken):
            return self._kept_file(data)
        upload = super().to_python(data)
        if upload is None:
            return None
        if isinstance(upload, OversizedUpload) and upload.limit < max_bytes_for(self.accept):
            # The user is told the lower limit the handler enforced, not the one in the hint: unless the view
            # chose it on purpose, it is missing @video_upload_limit.
            logger.warning(
                "upload %r cut by the upload handler at %d bytes, below this field's limit %d "
                "(is the view missing @video_upload_limit?)",
                upload.name,
                upload.limit,
                max_bytes_for(self.accept),
            )
        content_type = validate_upload(upload, accept=self.accept)
        if self.keep_uploads and (user := _signed_in_user()) is not None:
            # Kept only if the form is shown again (a refused submission): a submission that succeeds stores
            # each file once, as its document, and a 200 MB video is not copied twice.
            upload.keep_for = KeepFor(owner=user, accept=self.accept, content_type=content_type)
        return upload

    def _kept_file(self, token: KeptToken) -> KeptFile:
        kept = kept_resolve(token=str(token), user=_signed_in_user(), field_name=token.field_name)
        kept_file = KeptFile(kept)
        if frozenset(kept.accept.split(",")) != self.accept:
            # Kept by a field that accepts other formats (a token moved to another form): check it again.
            try:
                validate_upload(kept_file, accept=self.accept)
            except ValidationError:
                kept_file.close()
                raise
        if isinstance(self.widget, DropzoneInput):
            self.widget.kept_by_token[str(token)] = kept
        return kept_file


def _signed_in_user() -> Any:
    """The user of the request being handled (set by anze.core.logging's middleware), when signed in."""
    context = current_request.get()
    user = getattr(context.request, "user", None) if context is not None else None
    return user if user is not None and user.is_authenticated else None
