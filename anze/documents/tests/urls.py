"""A test-only URLconf (``@pytest.mark.urls("anze.documents.tests.urls")``): tiny views that use the app the
way a domain app does — form with a DocumentField, upload limit, document_create, a scoped download."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template import engines
from django.urls import path
from django.utils.decorators import method_decorator
from django.views import View

from anze.core.forms import StyledFormMixin
from anze.documents.forms import DocumentField
from anze.documents.models import Document
from anze.documents.responses import document_response
from anze.documents.services import document_create
from anze.documents.uploadhandlers import upload_limit, video_upload_limit

PAGE = """<form method="post" enctype="multipart/form-data">{% csrf_token %}
{% include "core/partials/form_errors.html" %}
{% for field in form %}{% include "core/partials/field.html" %}{% endfor %}
</form>"""


class PolicyForm(StyledFormMixin, forms.Form):
    policy = DocumentField(label="保单文件", accept={"pdf"})
    remark = forms.CharField(label="备注", max_length=50)


class VideoForm(StyledFormMixin, forms.Form):
    video = DocumentField(label="现场视频", accept={"video"})
    remark = forms.CharField(label="备注", max_length=50)


class PhotoForm(StyledFormMixin, forms.Form):
    photo = DocumentField(label="现场照片", accept={"image"})
    remark = forms.CharField(label="备注", max_length=50)


def _handle(request: HttpRequest, form_class: type[forms.Form], field: str, kind: str) -> HttpResponse:
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            document = document_create(
                organisation=request.user.organisation,
                uploaded_by=request.user,
                kind=kind,
                upload=form.cleaned_data[field],
            )
            return JsonResponse(
                {"uuid": str(document.uuid), "remark": form.cleaned_data["remark"]}, status=201
            )
        status = 422
    else:
        form = form_class()
        status = 200
    page = engines["django"].from_string(PAGE)
    return HttpResponse(page.render({"form": form}, request), status=status)


def policy_upload(request: HttpRequest) -> HttpResponse:
    return _handle(request, PolicyForm, "policy", "policy")


@video_upload_limit
def video_upload(request: HttpRequest) -> HttpResponse:
    return _handle(request, VideoForm, "video", "video")


@method_decorator(video_upload_limit, name="dispatch")
class VideoUploadView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _handle(request, VideoForm, "video", "video")

    def post(self, request: HttpRequest) -> HttpResponse:
        return _handle(request, VideoForm, "video", "video")


@upload_limit(64 * 1024)
def photo_upload_small(request: HttpRequest) -> HttpResponse:
    return _handle(request, PhotoForm, "photo", "photo")


def download(request: HttpRequest, uuid: UUID) -> HttpResponseBase:
    # The domain view's part: fetch within the tenant (another organisation's document is a 404).
    document = Document.objects.filter(organisation=request.user.organisation, uuid=uuid).first()
    if document is None:
        raise Http404
    return document_response(request, document, inline=request.GET.get("inline") == "1")


urlpatterns = [
    path("policy/", policy_upload, name="policy_upload"),
    path("video/", video_upload, name="video_upload"),
    path("video-cbv/", VideoUploadView.as_view(), name="video_upload_cbv"),
    path("photo-small/", photo_upload_small, name="photo_upload_small"),
    path("files/<uuid:uuid>/", download, name="download"),
]
