"""Drive policies through their services with the real workflow functions — for tests, the demo data and the
browser test. Nothing here sets a status: a policy "服务中 with two confirmed records" is exactly what the
insurer, the organisation and the enterprise would have produced by clicking through."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.basedata.models import ServiceItem
from anze.documents import testing as files
from anze.orders import scenarios as order_scenarios
from anze.policies import scenarios as policy_scenarios
from anze.policies import workflow as policy_workflow
from anze.policies.models import Policy
from anze.policies.progress import service_progress

from . import records
from .models import Certificate, ServiceRecord, Staff


def issued_policy(
    *,
    insurer_user: User,
    enterprise_user: User,
    started_days_ago: int = 60,
    counts: dict[str, int] | None = None,
    policy_no: str | None = None,
    scheme_overrides: dict[str, Any] | None = None,
    **application: Any,
) -> Policy:
    """An online order driven to 已出函, its period started ``started_days_ago`` days ago (records need past
    dates inside the period). ``counts``: contracted services by item code (default training 2, hazard 1)."""
    start = timezone.localdate() - timedelta(days=started_days_ago)
    counts = counts if counts is not None else {"training": 2, "hazard_inspection": 1}
    order = policy_scenarios.online_order(
        insurer_user=insurer_user,
        enterprise_user=enterprise_user,
        until="issued",
        scheme_overrides={
            "period_start": start,
            "service_counts": order_scenarios.service_counts(**counts),
            **(scheme_overrides or {}),
        },
        policy_no=policy_no,
        **application,
    )
    return Policy.objects.select_related("order", "insurer", "enterprise").get(order=order)


def staff(
    org: Organisation,
    name: str = "陈安全",
    *,
    expired: bool = False,
    title: str = "注册安全工程师",
    mobile: str = "13960710101",
) -> Staff:
    member = Staff.objects.create(organisation=org, name=name, mobile=mobile, title=title)
    days = -30 if expired else 365
    Certificate.objects.create(
        staff=member,
        name="注册安全工程师",
        number=f"AQ{member.pk:08d}",
        expires_on=timezone.localdate() + timedelta(days=days),
    )
    return member


def assign(policy: Policy, clerk: User, org: Organisation) -> Policy:
    return policy_workflow.policy_assign_service(policy=fresh(policy), actor=clerk, service_org=org)


def accept(policy: Policy, org_user: User) -> Policy:
    return policy_workflow.policy_accept_service(policy=fresh(policy), actor=org_user)


def in_service(policy: Policy, clerk: User, org_user: User) -> Policy:
    assign(policy, clerk, org_user.organisation)
    return accept(policy, org_user)


def record_data(
    policy: Policy, item_code: str, members: list[Staff], *, served_on: date | None = None, **overrides: Any
) -> records.RecordData:
    values: dict[str, Any] = {
        "item": ServiceItem.objects.get(code=item_code),
        "served_on": served_on or timezone.localdate() - timedelta(days=1),
        "place": policy.order.project_address or "企业生产车间",
        "staff": members,
        "content": "开展安全生产教育培训，讲解岗位操作规程和应急处置要点。",
        "hazards_found": "",
        "follow_up": "",
    }
    values.update(overrides)
    return records.RecordData(**values)


def record(
    policy: Policy, org_user: User, item_code: str, members: list[Staff], **overrides: Any
) -> ServiceRecord:
    return records.record_create(
        policy=fresh(policy), actor=org_user, data=record_data(policy, item_code, members, **overrides)
    )


def confirm(record: ServiceRecord, enterprise_user: User) -> ServiceRecord:
    return records.record_confirm(record=fresh_record(record), actor=enterprise_user)


def complete(policy: Policy, org_user: User, enterprise_user: User, members: list[Staff]) -> Policy:
    """Record and confirm every contracted service still missing: the policy becomes 已完成."""
    for progress in service_progress(fresh(policy)):
        for _ in range(progress.contracted - progress.done - progress.waiting):
            confirm(record(policy, org_user, progress.item.code, members), enterprise_user)
    for waiting in fresh(policy).service_records.filter(status="pending"):
        confirm(waiting, enterprise_user)
    return fresh(policy)


def report_pdf() -> Any:
    return files.upload("服务报告.pdf", files.pdf_bytes("安全生产服务报告", ["服务内容：安全培训"]))


def fresh(policy: Policy) -> Policy:
    return Policy.objects.select_related("order", "insurer", "enterprise", "service_org").get(pk=policy.pk)


def fresh_record(record: ServiceRecord) -> ServiceRecord:
    return ServiceRecord.objects.select_related(
        "policy__order", "policy__insurer", "service_org", "item"
    ).get(pk=record.pk)
