"""``DocumentField``: a file field checked by content, shown as the Element-style drag-and-drop zone.

::

    policy_file = DocumentField(label="保单文件", accept={"pdf"})
    licence = DocumentField(label="营业执照", accept={"pdf", "image"})
    contract = DocumentField(label="合同文件", accept={"pdf"}, required=False)
    video = DocumentField(label="现场视频", accept={"video"})   # the view needs @video_upload_limit

The cleaned value is the validated ``UploadedFile`` (pass it to ``document_create``), None when an optional
field is left empty, or the initial ``Document`` when an edit form keeps the current file. The form's
``<form>`` needs ``enctype="multipart/form-data"`` (htmx sends it as multipart then).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django import forms

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


class DropzoneInput(forms.FileInput):
    """The drop zone of UI.md: dashed box, cloud icon, "将文件拖到此处，或点击上传", the hint under it.

    The transparent file input covers the box, so a click opens the file dialog and a dropped file lands on
    the input natively. anze.js reads the ``data-*`` attributes of ``[data-dropzone]`` and fills its siblings
    ``[data-file-list]`` and ``[data-file-error]``. Limits are read when rendering, not at import, so they
    follow the settings.
    """

    template_name = "documents/widgets/dropzone.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, accept: Iterable[str] = (PDF,)) -> None:
        super().__init__(attrs)
        self.accept = normalise_accept(accept)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        # An edit form's current document: shown by name; choosing a file again is then optional.
        current = getattr(value, "original_name", None)
        if current:
            widget_attrs.pop("required", None)
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

    def __init__(self, *, accept: Iterable[str] = (PDF,), **kwargs: Any) -> None:
        self.accept = normalise_accept(accept)
        kwargs.setdefault("widget", DropzoneInput(accept=self.accept))
        label = kwargs.get("label")
        if label and "required" not in kwargs.get("error_messages", {}):
            kwargs["error_messages"] = {**kwargs.get("error_messages", {}), "required": f"请上传{label}"}
        super().__init__(**kwargs)
        if isinstance(self.widget, DropzoneInput):
            self.widget.accept = self.accept

    def to_python(self, data: Any) -> Any:
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
        validate_upload(upload, accept=self.accept)
        return upload
