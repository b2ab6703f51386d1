"""服务机构端 · 检查管理 (隐患排查 with hazards: 待整改 → 已整改 → 已复查) and 现场视频."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from anze.accounts.access import requires
from anze.core.errors import Refused
from anze.core.forms import apply_refusal, check_readable, readable
from anze.core.pagination import paginate
from anze.core.views import INVALID, done, render_form, render_list
from anze.documents.responses import document_response
from anze.documents.uploadhandlers import video_upload_limit

from . import archive, checks, hazards, records, selectors, services
from .forms import (
    AttachmentForm,
    HazardForm,
    InspectionForm,
    InspectionSearchForm,
    RectifyForm,
    VerifyForm,
    VideoForm,
)
from .models import Inspection

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
    form = InspectionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            inspection = services.inspection_create(
                policy=form.cleaned_data["policy"], actor=request.user, data=form.data_object()
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "检查已保存，请登记发现的隐患", _detail_url(inspection))
    elif request.method == "POST" and readable(form).get("policy") is not None:
        # Other fields are wrong: the 检查日期 and 检查人员 that could be read are checked too (one pass).
        values = readable(form)
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
    return render(
        request,
        "prevention/inspection_form.html",
        {"form": form, "title": "新增隐患排查", "extra_crumb": "新增隐患排查"},
        status=INVALID if form.is_bound else 200,
    )


@requires(PERMISSION)
def inspection_detail(request: HttpRequest, inspection_uuid: str) -> HttpResponse:
    inspection = selectors.inspection_for(user=request.user, inspection_uuid=inspection_uuid)
    policy = inspection.policy
    links = archive.LINKS[request.user.side]
    hazards = selectors.hazards_of(inspection)
    for hazard in hazards:
        for attachment in hazard.attachments.all():
            attachment.url = links.file_url(policy, attachment.document.uuid)
    attachments = list(inspection.attachments.select_related("document"))
    for attachment in attachments:
        attachment.url = links.file_url(policy, attachment.document.uuid)
    return render(
        request,
        "prevention/inspection_detail.html",
        {
            "inspection": inspection,
            "policy": policy,
            "hazards": hazards,
            "attachments": attachments,
            "hazard_actions": True,
            "can_add_hazard": policy.service_status == "in_service"
            and policy.service_org_id == request.user.organisation_id,
            "extra_crumb": f"检查 {inspection.inspected_on:%Y-%m-%d}",
        },
    )


@video_upload_limit
@requires(PERMISSION)
def inspection_attach(request: HttpRequest, inspection_uuid: str) -> HttpResponse:
    inspection = selectors.inspection_for(user=request.user, inspection_uuid=inspection_uuid)
    form = AttachmentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.inspection_add_attachment(
                inspection=inspection,
                actor=request.user,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "附件已上传", _detail_url(inspection))
    return render_form(
        request,
        "prevention/upload_form.html",
        {"form": form, "title": "上传检查附件", "cancel_url": _detail_url(inspection)},
    )


@requires(PERMISSION)
def hazard_add(request: HttpRequest, inspection_uuid: str) -> HttpResponse:
    inspection = selectors.inspection_for(user=request.user, inspection_uuid=inspection_uuid)
    form = HazardForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            hazards.hazard_create(
                inspection=inspection,
                actor=request.user,
                level=d["level"],
                description=d["description"],
                location=d["location"],
                deadline=d["deadline"],
                photo=d["photo"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "隐患已登记", _detail_url(inspection))
    return render_form(
        request,
        "prevention/simple_form.html",
        {"form": form, "title": "登记隐患", "cancel_url": _detail_url(inspection), "multipart": True},
    )


@requires(PERMISSION)
def hazard_rectify(request: HttpRequest, hazard_uuid: str) -> HttpResponse:
    hazard = selectors.hazard_for(user=request.user, hazard_uuid=hazard_uuid)
    form = RectifyForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            hazards.hazard_rectify(
                hazard=hazard,
                actor=request.user,
                rectification=form.cleaned_data["rectification"],
                photo=form.cleaned_data["photo"],
            )
        except Refused as exc:
            apply_refusal(form, exc)
        else:
            return done(request, "整改情况已登记，待复查", _detail_url(hazard.inspection))
    return render_form(
        request,
        "prevention/simple_form.html",
        {
            "form": form,
            "title": "登记整改",
            "cancel_url": _detail_url(hazard.inspection),
            "multipart": True,
            "hint": f"隐患：{hazard.description}",
        },
    )


@requires(PERMISSION)
def hazard_verify(request: HttpRequest, hazard_uuid: str) -> HttpResponse:
    """复查: 通过 → 已复查; 不通过 (the opinion is the reason) → 待整改 again."""
    hazard = selectors.hazard_for(user=request.user, hazard_uuid=hazard_uuid)
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        opinion = form.cleaned_data["opinion"]
        try:
            if form.cleaned_data["result"] == "pass":
                hazards.hazard_verify(hazard=hazard, actor=request.user, verification=opinion)
            else:
                hazards.hazard_reopen(hazard=hazard, actor=request.user, reason=opinion)
        except Refused as exc:
            if exc.field in ("reason", "verification"):
                exc.field = "opinion"
            apply_refusal(form, exc)
        else:
            return done(request, "复查结果已保存", _detail_url(hazard.inspection))
    return render_form(
        request,
        "prevention/simple_form.html",
        {
            "form": form,
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
    form = VideoForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        kind, _, uuid = form.cleaned_data["target"].partition(":")
        upload, caption = form.cleaned_data["video"], form.cleaned_data["caption"]
        try:
            if kind == "record":
                record = selectors.record_for(user=request.user, record_uuid=uuid)
                records.record_add_attachment(
                    record=record, actor=request.user, upload=upload, caption=caption
                )
            else:
                inspection = selectors.inspection_for(user=request.user, inspection_uuid=uuid)
                services.inspection_add_attachment(
                    inspection=inspection, actor=request.user, upload=upload, caption=caption
                )
        except Refused as exc:
            if exc.field == "file":
                exc.field = "video"
            apply_refusal(form, exc)
        else:
            return done(request, "视频已上传", reverse("service:videos:list"))
    return render(
        request,
        "prevention/video_form.html",
        {"form": form, "title": "上传现场视频", "extra_crumb": "上传现场视频"},
        status=INVALID if form.is_bound else 200,
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
