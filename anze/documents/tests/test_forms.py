from __future__ import annotations

import logging
from html.parser import HTMLParser

import pytest
from django import forms
from django.template import engines
from django.utils.datastructures import MultiValueDict

from anze.core.forms import StyledFormMixin
from anze.documents import testing
from anze.documents.forms import DocumentField
from anze.documents.services import document_from_bytes
from anze.documents.uploadhandlers import OversizedUpload

MB = 1024 * 1024
VOID = {"input", "br", "img", "hr", "meta", "link"}


class OrderForm(StyledFormMixin, forms.Form):
    licence = DocumentField(label="营业执照", accept={"pdf", "image"})
    policy = DocumentField(label="保单文件", accept={"pdf"})
    contract = DocumentField(label="合同文件", accept={"pdf"}, required=False)
    video = DocumentField(label="现场视频", accept={"video"}, required=False)


def render_field(form: forms.Form, name: str) -> str:
    template = engines["django"].from_string('{% include "core/partials/field.html" with field=field %}')
    return template.render({"field": form[name]})


class Tree(HTMLParser):
    """Records, for each element carrying a marker attribute, the id of its parent element."""

    MARKERS = ("data-dropzone", "data-file-list", "data-file-error")

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[int] = [0]
        self.count = 0
        self.parent_of: dict[str, int] = {}
        self.inside: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.count += 1
        names = {name for name, _ in attrs}
        for marker in self.MARKERS:
            if marker in names:
                self.parent_of[marker] = self.stack[-1]
        if tag in VOID:
            if "data-dropzone" in self.inside and "type" in names:
                self.inside["data-dropzone"].append(tag)
            return
        if "data-dropzone" in names:
            self.inside["data-dropzone"] = []
        self.stack.append(self.count)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.stack.pop()


def test_it_renders_the_element_drop_zone_inside_the_form_row() -> None:
    html = render_field(OrderForm(), "policy")
    assert '<label class="form-label required" for="id_policy">保单文件</label>' in html
    assert 'class="dropzone"' in html
    assert '<i class="ti ti-cloud-upload" aria-hidden="true"></i>' in html
    assert "将文件拖到此处，或<em>点击上传</em>" in html
    assert '<div class="dz-hint" id="id_policy_hint">只能上传pdf文件，且不超过10MB</div>' in html
    for attribute in (
        "data-dropzone",
        'data-max-bytes="10485760"',
        'data-accept=".pdf"',
        'data-type-message="只能上传pdf文件"',
        'data-size-message="文件大小不能超过10MB"',
    ):
        assert attribute in html
    assert 'type="file" name="policy"' in html
    assert 'accept=".pdf"' in html and "required" in html


def test_it_places_the_file_list_and_error_beside_the_zone_where_anze_js_looks() -> None:
    tree = Tree()
    tree.feed(render_field(OrderForm(), "policy"))
    # anze.js: zone.parentElement.querySelector("[data-file-list]") / ("[data-file-error]")
    assert tree.parent_of["data-file-list"] == tree.parent_of["data-dropzone"]
    assert tree.parent_of["data-file-error"] == tree.parent_of["data-dropzone"]
    assert tree.inside["data-dropzone"] == ["input"]  # the input covers the zone: click and drop land on it


@pytest.mark.parametrize(
    ("name", "accept", "hint", "max_bytes"),
    [
        ("licence", ".jpg,.jpeg,.png,.pdf", "只能上传jpg/png/pdf文件，且不超过10MB", 10 * MB),
        ("video", ".mp4", "只能上传mp4视频，且不超过200MB", 200 * MB),
    ],
)
def test_it_describes_what_each_field_takes(name: str, accept: str, hint: str, max_bytes: int) -> None:
    html = render_field(OrderForm(), name)
    assert f'data-accept="{accept}"' in html
    assert hint in html
    assert f'data-max-bytes="{max_bytes}"' in html


def test_it_reads_the_limit_when_rendering(settings) -> None:
    settings.UPLOAD_MAX_BYTES = 5 * MB
    html = render_field(OrderForm(), "policy")
    assert "只能上传pdf文件，且不超过5MB" in html
    assert f'data-max-bytes="{5 * MB}"' in html


def test_it_leaves_an_optional_field_unrequired() -> None:
    html = render_field(OrderForm(), "contract")
    assert 'class="form-label" for="id_contract"' in html
    assert "required" not in html.split('name="contract"', 1)[1].split(">", 1)[0]


def bound(files: dict) -> OrderForm:
    return OrderForm(data={}, files=MultiValueDict({name: [upload] for name, upload in files.items()}))


def test_it_cleans_good_files_and_an_empty_optional_field() -> None:
    form = bound(
        {
            "licence": testing.upload("营业执照.jpg", testing.jpeg_bytes()),
            "policy": testing.upload("保单.pdf", testing.pdf_bytes()),
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["contract"] is None
    assert form.cleaned_data["policy"].name == "保单.pdf"


def test_it_asks_for_a_required_file_by_its_label() -> None:
    form = bound({"licence": testing.upload("营业执照.png", testing.png_bytes())})
    assert not form.is_valid()
    assert form.errors["policy"] == ["请上传保单文件"]


def test_it_shows_the_content_error_under_the_red_zone() -> None:
    form = bound(
        {
            "licence": testing.upload("营业执照.png", testing.png_bytes()),
            "policy": testing.upload("保单.pdf", testing.png_bytes()),
        }
    )
    assert not form.is_valid()
    html = render_field(form, "policy")
    assert '<div class="invalid-feedback d-block">文件内容不是有效的PDF文件</div>' in html
    assert 'class="dropzone border-danger"' in html


def test_it_says_an_empty_file_is_empty() -> None:
    form = bound({"licence": testing.upload("营业执照.png", b""), "policy": testing.upload("保单.pdf", b"")})
    assert not form.is_valid()
    assert form.errors["policy"] == ["文件为空"]
    assert form.errors["licence"] == ["文件为空"]


def test_it_shows_the_size_error_for_a_discarded_upload() -> None:
    oversized = OversizedUpload(
        name="保单.pdf", content_type="application/pdf", size=11 * MB, limit=10 * MB, charset=None
    )
    form = bound({"licence": testing.upload("营业执照.png", testing.png_bytes()), "policy": oversized})
    assert not form.is_valid()
    assert form.errors["policy"] == ["文件大小不能超过10MB"]


def test_it_warns_when_a_video_was_cut_at_the_document_limit(caplog) -> None:
    oversized = OversizedUpload(
        name="现场.mp4", content_type="video/mp4", size=11 * MB, limit=10 * MB, charset=None
    )
    form = bound(
        {
            "licence": testing.upload("营业执照.png", testing.png_bytes()),
            "policy": testing.upload("保单.pdf", testing.pdf_bytes()),
            "video": oversized,
        }
    )
    with caplog.at_level(logging.WARNING, logger="anze.documents.forms"):
        assert not form.is_valid()
    assert form.errors["video"] == ["文件大小不能超过10MB"]
    assert "video_upload_limit" in caplog.text


def test_it_shows_and_keeps_the_current_document(org) -> None:
    current = document_from_bytes(
        organisation=org, kind="policy", data=testing.pdf_bytes(), name="原保单.pdf"
    )

    class EditForm(StyledFormMixin, forms.Form):
        policy = DocumentField(label="保单文件", accept={"pdf"})

    html = render_field(EditForm(initial={"policy": current}), "policy")
    assert "当前文件：原保单.pdf" in html
    assert "required" not in html.split('name="policy"', 1)[1].split(">", 1)[0]

    form = EditForm(data={}, files=MultiValueDict(), initial={"policy": current})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["policy"] == current
