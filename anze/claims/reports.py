"""报案 (issue 14 §4): the enterprise's report, or the clerk's entry of a phone report, → 待受理 — the accident
checked against the policy's cover (its period, a surrender, the base-data reporting window), the report number,
the files, and the insurer's core system told by webhook. The insurer's steps after it are in ``workflow``."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from anze.accounts.models import User
from anze.basedata.selectors import claim_report_window
from anze.core.errors import Problems, Refused
from anze.core.sides import Side
from anze.core.validators import MOBILE_RE
from anze.core.workflow import check_owner
from anze.notifications import webhooks
from anze.policies.lifecycle import check_live, surrendered_on
from anze.policies.models import Policy, PolicyStatus

from .models import (
    AccidentType,
    Claim,
    ClaimFileStage,
    ReportChannel,
)
from .workflow import (
    CLAIM,
    clean_amount,
    clean_text,
    lock_policy,
    record_event,
    store_files,
    tell_enterprise,
    tell_insurer,
)


# --- 报案 ------------------------------------------------------------------------------------------------------
@dataclass
class Accident:
    """What a report says of the accident (the form's cleaned values; None where it could not be read)."""

    accident_at: datetime | None
    accident_place: str
    accident_type: str
    description: str
    deaths: int | None
    injured: int | None
    estimated_loss: Decimal | None
    reporter_name: str
    reporter_phone: str
    files: dict[str, tuple[str, UploadedFile | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Cover:
    """Until when a policy covers accidents, and until when they may be reported."""

    start: date
    end: date  # the last day of cover: the period's end, or the day before a surrender took effect
    report_until: date
    surrendered: date | None
    window_days: int
    window_source: str


def cover_of(policy: Policy) -> Cover:
    """The policy's cover as a report is checked against it; ``Refused`` when it takes no report at all."""
    surrendered = None
    if policy.status == PolicyStatus.SURRENDERED:
        surrendered = surrendered_on(policy)
        if surrendered is None:
            check_live(policy, "报案")  # 保单已退保，不能报案
    else:
        check_live(policy, "报案")
    end = policy.period_end
    if surrendered is not None:
        end = min(end, surrendered - timedelta(days=1))
    window = claim_report_window(policy.order.region)
    return Cover(
        start=policy.period_start,
        end=end,
        report_until=end + timedelta(days=window.days),
        surrendered=surrendered,
        window_days=window.days,
        window_source=window.source,
    )


def check_accident_time(
    cover: Cover, accident_at: datetime | None, now: datetime | None = None, *, required: bool = True
) -> None:
    """出险时间 inside the cover and not in the future; and the report in time (at ``policy``). ``required``:
    a missing time is refused (not when a form already says what is wrong with it)."""
    now = now or timezone.now()
    problems = Problems()
    if timezone.localdate(now) > cover.report_until:
        problems.add(
            "policy",
            f"已超过报案时限：保险期间届满后{cover.window_days}天内报案（截至{cover.report_until:%Y-%m-%d}）",
        )
    if accident_at is None:
        if required:
            problems.add("accident_at", "请填写出险时间")
    elif accident_at > now:
        problems.add("accident_at", "出险时间不能晚于当前时间")
    else:
        day = timezone.localdate(accident_at)
        if cover.surrendered is not None and day >= cover.surrendered:
            problems.add("accident_at", f"出险时间不在保障范围内：保单已于{cover.surrendered:%Y-%m-%d}退保")
        elif not cover.start <= day <= cover.end:
            problems.add(
                "accident_at",
                f"出险时间须在保险期间内（{cover.start:%Y-%m-%d} 至 {cover.end:%Y-%m-%d}）",
            )
    problems.raise_if_any()


def check_report_time(*, policy: Policy, accident_at: datetime | None) -> None:
    """The cover rules of a report (the accident inside the cover, the report in time) on what could be read:
    a view runs it when other fields are wrong too, so that one submission shows every error. Changes nothing."""
    check_accident_time(cover_of(policy), accident_at, required=False)


def _check_accident(accident: Accident, problems: Problems) -> None:
    accident.accident_place = clean_text(accident.accident_place, "accident_place", "出险地点", problems)
    if accident.accident_type not in AccidentType.values:
        problems.add("accident_type", "请选择事故类型")
    accident.description = clean_text(accident.description, "description", "事故经过", problems)
    for name, label in (("deaths", "死亡人数"), ("injured", "受伤人数")):
        count = getattr(accident, name)
        if count is None:
            problems.add(name, f"请填写{label}")
        elif count < 0:
            problems.add(name, f"{label}不能为负数")
    clean_amount(accident.estimated_loss, "estimated_loss", "估损金额", problems)
    accident.reporter_name = clean_text(accident.reporter_name, "reporter_name", "报案人", problems)
    if len(accident.reporter_name) > 30:
        problems.add("reporter_name", "报案人不能超过30个字")
    accident.reporter_phone = (accident.reporter_phone or "").strip()
    if not MOBILE_RE.fullmatch(accident.reporter_phone):
        problems.add("reporter_phone", "请输入正确的11位手机号码")


def new_report_no() -> str:
    """报案号: BA + yyyyMMddHHmmss (Asia/Shanghai) + 4 random digits."""
    return f"BA{timezone.localtime():%Y%m%d%H%M%S}{secrets.randbelow(10000):04d}"


def _create(**fields: Any) -> Claim:
    """Insert with a fresh 报案号, retrying on the rare collision (same second, same digits)."""
    for _ in range(10):
        try:
            with transaction.atomic():
                return Claim.objects.create(report_no=new_report_no(), **fields)
        except IntegrityError as exc:
            if "report_no" not in str(exc):
                raise
    raise Refused("系统繁忙，请稍后重试")


REPORTED = webhooks.register_event("claim.reported", "报案")


@transaction.atomic
def claim_report(*, policy: Policy, actor: User, accident: Accident) -> Claim:
    """报案 by the enterprise insured (企业端) or by its insurer's clerk for a phone report → 待受理. The other
    party is told (the insurer by SMS and 站内消息, the enterprise by 站内消息)."""
    t = CLAIM.begin("report", actor)
    check_owner(
        {Side.INSURER: policy.insurer_id, Side.ENTERPRISE: policy.enterprise_id}, actor, actor.side, "保单"
    )
    policy = lock_policy(policy.pk)  # the status read after the lock: a 冲正 committed meanwhile is seen
    problems = Problems()
    with problems.collect():
        check_accident_time(cover_of(policy), accident.accident_at)
    _check_accident(accident, problems)
    problems.raise_if_any()
    order = policy.order
    channel = ReportChannel.ONLINE if actor.side == Side.ENTERPRISE else ReportChannel.PHONE
    claim = _create(
        policy=policy,
        insurer_id=policy.insurer_id,
        enterprise_id=policy.enterprise_id,
        policy_no=policy.policy_no,
        applicant_name=order.applicant_name,
        region_id=order.region_id,
        industry_id=order.industry_id,
        channel=channel,
        status=t.target,
        accident_at=accident.accident_at,
        accident_place=accident.accident_place,
        accident_type=accident.accident_type,
        description=accident.description,
        deaths=accident.deaths or 0,
        injured=accident.injured or 0,
        estimated_loss=accident.estimated_loss,
        reporter_name=accident.reporter_name,
        reporter_phone=accident.reporter_phone,
        reported_by=actor,
    )
    files = store_files(claim, actor, ClaimFileStage.REPORT, accident.files)
    changes: dict[str, Any] = {"channel": claim.get_channel_display()}
    if files:
        changes["files"] = "、".join(f.caption for f in files)
    event = record_event(claim, t, actor, "", changes=changes)
    what = f"{claim.get_accident_type_display()}，死亡{claim.deaths}人、受伤{claim.injured}人"
    webhooks.publish(  # the insurer's core system hears of every report, online or by phone
        organisation_id=claim.insurer_id,
        event=REPORTED,
        data={
            "report_no": claim.report_no,
            "policy_no": claim.policy_no,
            "application_no": order.application_no,
            "applicant_name": claim.applicant_name,
            "channel": claim.channel,
            "accident_at": claim.accident_at.isoformat(),
            "accident_type": claim.accident_type,
            "accident_type_label": claim.get_accident_type_display(),
            "deaths": claim.deaths,
            "injured": claim.injured,
            "estimated_loss": str(claim.estimated_loss) if claim.estimated_loss is not None else None,
        },
        key=f"claim-event:{event.pk}",
    )
    if channel == ReportChannel.ONLINE:
        tell_insurer(
            claim,
            event,
            "新的报案",
            f"{claim.applicant_name}对保单{policy.policy_no}报案（报案号{claim.report_no}，{what}），请及时受理。",
        )
    else:
        tell_enterprise(
            claim,
            event,
            "已登记报案",
            f"{claim.insurer.display_short_name}已登记您对保单{policy.policy_no}的报案，报案号{claim.report_no}。",
            sms=False,
        )
    return claim
