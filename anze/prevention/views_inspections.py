"""服务机构端 · 检查管理 (隐患排查 with hazards: 待整改 → 已整改 → 已复查) and 现场视频."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from anze.core.access import requires
from anze.core.forms import check_readable, readable
from anze.core.pagination import paginate
from anze.core.views import action_view, render_list
from anze.documents.responses import document_response
from anze.documents.uploadhandlers import video_upload_limit

from . import checks, hazards, presenters, records, selectors, services
from .forms import (
    AttachmentForm,
    HazardForm,
    InspectionForm,
    InspectionSearchForm,
    RectifyForm,
    VerifyForm,
    VideoForm,
)
from .models import Hazard, Inspection

PERMISSION = "service.inspection.manage"


def _detail_url(inspection: Inspection) -> str:
    return reverse("service:inspections:detail", args=[inspection.uuid])


@requires(PERMISSION)
def inspection_list(request: HttpRequest) -> HttpResponse:
    search = InspectionSearchForm(request.GET)
    qs = selectors.inspection_list(selectors.inspections_for(user=request.user), search.values())
    page = paginate(request, qs.prefetch_related("staff"))
    return render_list(request, "prevention/inspection_list.html", {"search": search, "page": page})


@video_upload_limit
@requires(PERMISSION)
def inspection_add(request: HttpRequest) -> HttpResponse:
    """新增隐患排查 (a page: it may carry a video)."""
    initial = {"policy": request.GET.get("policy")} if request.GET.get("policy", "").isdigit() else {}

    def recheck(form: InspectionForm) -> None:
        """Other fields are wrong: the 检查日期 and 检查人员 that could be read are checked too (one pass)."""
        values = readable(form)
        if values.get("policy") is None:
            return
        check_readable(
            form,
            checks.check_day_and_staff,
            policy=values["policy"],
            org_id=request.user.organisation_id,
            day=values.get("inspected_on"),
            staff=list(values.get("staff") or []),
            field="inspected_on",
            label="检查日期",
        )

    return action_view(
        request,
        form_class=InspectionForm,
        form_kwargs={"user": request.user, "initial": initial},
        call=lambda form: services.inspection_create(
            policy=form.cleaned_data["policy"], actor=request.user, data=form.data_object()
        ),
        recheck=recheck,
        success="检查已保存，请登记发现的隐患",
        redirect_to=_detail_url,
        template="prevention/inspection_form.html",
        context={"title": "新增隐患排查", "extra_crumb": "新增隐患排查"},
        page=True,
    )


@requires(PERMISSION)
def inspection_detail(request: HttpRequest, inspection_uuid: str) -> HttpResponse:
    inspection = selectors.inspection_for(user=request.user, inspection_uuid=inspection_uuid)
    context = presenters.inspection_context(inspection, request.user)
    return render(request, "prevention/inspection_detail.html", context)


@video_upload_limit
@requires(PERMISSION)
def inspection_attach(request: HttpRequest, inspection_uuid: str) -> HttpResponse:
    inspection = selectors.inspection_for(user=request.user, inspection_uuid=inspection_uuid)
    return attach_view(
        request,
        add=lambda **upload: services.inspection_add_attachment(inspection=inspection, **upload),
        back=_detail_url(inspection),
        title="上传检查附件",
    )


def attach_view(request: HttpRequest, *, add: Callable[..., object], back: str, title: str) -> HttpResponse:
    """上传附件 to an inspection or a record: ``add(actor=…, upload=…, caption=…)`` stores it."""
    return action_view(
        request,
        form_class=AttachmentForm,
        call=lambda form: add(
            actor=request.user, upload=form.cleaned_data["file"], caption=form.cleaned_data["caption"]
        ),
        success="附件已上传",
        redirect_to=back,
        template="prevention/upload_form.html",
        context={"title": title, "cancel_url": back},
    )


@requires(PERMISSION)
def hazard_add(request: HttpRequest, inspection_uuid: str) -> HttpResponse:
    inspection = selectors.inspection_for(user=request.user, inspection_uuid=inspection_uuid)
    return action_view(
        request,
        form_class=HazardForm,
        call=lambda form: hazards.hazard_create(
            inspection=inspection,
            actor=request.user,
            level=form.cleaned_data["level"],
            description=form.cleaned_data["description"],
            location=form.cleaned_data["location"],
            deadline=form.cleaned_data["deadline"],
            photo=form.cleaned_data["photo"],
        ),
        success="隐患已登记",
        redirect_to=_detail_url(inspection),
        template="prevention/simple_form.html",
        context={"title": "登记隐患", "cancel_url": _detail_url(inspection), "multipart": True},
    )


def rectify_view(request: HttpRequest, hazard: Hazard, *, success: str, back: str, hint: str) -> HttpResponse:
    """登记整改, by the service organisation or by the enterprise (the hazard's machine decides who may)."""
    return action_view(
        request,
        form_class=RectifyForm,
        call=lambda form: hazards.hazard_rectify(
            hazard=hazard,
            actor=request.user,
            rectification=form.cleaned_data["rectification"],
            photo=form.cleaned_data["photo"],
        ),
        success=success,
        redirect_to=back,
        template="prevention/simple_form.html",
        context={"title": "登记整改", "cancel_url": back, "multipart": True, "hint": hint},
    )


@requires(PERMISSION)
def hazard_rectify(request: HttpRequest, hazard_uuid: str) -> HttpResponse:
    hazard = selectors.hazard_for(user=request.user, hazard_uuid=hazard_uuid)
    return rectify_view(
        request,
        hazard,
        success="整改情况已登记，待复查",
        back=_detail_url(hazard.inspection),
        hint=f"隐患：{hazard.description}",
    )


@requires(PERMISSION)
def hazard_verify(request: HttpRequest, hazard_uuid: str) -> HttpResponse:
    """复查: 通过 → 已复查; 不通过 (the opinion is the reason) → 待整改 again."""
    hazard = selectors.hazard_for(user=request.user, hazard_uuid=hazard_uuid)

    def verify(form: VerifyForm) -> None:
        opinion = form.cleaned_data["opinion"]
        if form.cleaned_data["result"] == "pass":
            hazards.hazard_verify(hazard=hazard, actor=request.user, verification=opinion)
        else:
            hazards.hazard_reopen(hazard=hazard, actor=request.user, reason=opinion)

    return action_view(
        request,
        form_class=VerifyForm,
        call=verify,
        fields={"reason": "opinion", "verification": "opinion"},
        success="复查结果已保存",
        redirect_to=_detail_url(hazard.inspection),
        template="prevention/simple_form.html",
        context={
            "title": "隐患复查",
            "cancel_url": _detail_url(hazard.inspection),
            "hint": f"隐患：{hazard.description}；整改情况：{hazard.rectification}",
        },
    )


# --- 现场视频 -----------------------------------------------------------------------------------------------------
@requires("service.video.manage")
def video_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.videos_for(user=request.user))
    return render_list(request, "prevention/video_list.html", {"page": page})


@video_upload_limit
@requires("service.video.manage")
def video_upload(request: HttpRequest) -> HttpResponse:
    """上传视频 to an unconfirmed record or an inspection: MP4 up to 200 MB, streamed to disk."""

    def upload(form: VideoForm) -> None:
        kind, _, uuid = form.cleaned_data["target"].partition(":")
        video, caption = form.cleaned_data["video"], form.cleaned_data["caption"]
        if kind == "record":
            record = selectors.record_for(user=request.user, record_uuid=uuid)
            records.record_add_attachment(record=record, actor=request.user, upload=video, caption=caption)
        else:
            inspection = selectors.inspection_for(user=request.user, inspection_uuid=uuid)
            services.inspection_add_attachment(
                inspection=inspection, actor=request.user, upload=video, caption=caption
            )

    return action_view(
        request,
        form_class=VideoForm,
        form_kwargs={"user": request.user},
        call=upload,
        fields={"file": "video"},
        success="视频已上传",
        redirect_to=reverse("service:videos:list"),
        template="prevention/video_form.html",
        context={"title": "上传现场视频", "extra_crumb": "上传现场视频"},
        page=True,
    )


@requires("service.video.manage")
def video_play(request: HttpRequest, document_uuid: str) -> HttpResponse:
    attachment = selectors.video_for(user=request.user, document_uuid=document_uuid)
    return render(
        request,
        "prevention/video_play.html",
        {"attachment": attachment, "extra_crumb": attachment.document.original_name},
    )


@requires("service.video.manage")
def video_stream(request: HttpRequest, document_uuid: str) -> HttpResponseBase:
    """The video's bytes for <video>: permission- and tenant-checked, single Range requests answered 206."""
    attachment = selectors.video_for(user=request.user, document_uuid=document_uuid)
    if not attachment.document.is_video:
        raise Http404("视频不存在")
    return document_response(request, attachment.document, inline=True)
