"""The guards every prevention step shares (plans, records, inspections, hazards, complaints): a day inside
the policy period, staff of the roster with valid certificates, a contracted service item, a text within its
limit — each a ``Refused`` at its field — and who owns the work of an organisation on a policy."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from anze.accounts.models import Organisation
from anze.basedata.models import ServiceItem
from anze.core.errors import Problems, Refused
from anze.core.sides import Side
from anze.notifications.services import notify
from anze.policies.models import Policy

from .models import Complaint, Inspection, ServiceRecord, Staff
from .selectors import contracted_items


def parties(policy: Policy, service_org_id: int | None) -> dict[str, int | None]:
    """Who may act on the work ``service_org_id`` did on ``policy``: that organisation while it is still
    assigned to the policy, the enterprise insured, the insurer (a machine's ``owners``)."""
    return {
        Side.SERVICE_ORG: service_org_id if service_org_id == policy.service_org_id else None,
        Side.ENTERPRISE: policy.enterprise_id,
        Side.INSURER: policy.insurer_id,
    }


def tell(
    key: str,
    policy: Policy,
    recipient: Organisation | None,
    url: str,
    title: str,
    text: str,
    *,
    phone: str | None = None,
) -> None:
    """A 站内消息 (and an SMS when ``phone``) logged under the policy's insurer, inside the step's transaction."""
    notify(key=key, owner=policy.insurer, recipient=recipient, phone=phone, title=title, text=text, link=url)


def check_day(policy: Policy, day: date | None, field: str, label: str, *, future: bool = False) -> date:
    """Inside the policy period; not after today unless ``future`` (a plan)."""
    if day is None:
        raise Refused(f"请选择{label}", field=field)
    if day < policy.period_start or day > policy.period_end:
        raise Refused(
            f"{label}须在保险期间内（{policy.period_start:%Y-%m-%d} 至 {policy.period_end:%Y-%m-%d}）",
            field=field,
        )
    if not future and day > timezone.localdate():
        raise Refused(f"{label}不能晚于今天", field=field)
    return day


def check_staff(org_id: int, staff: list[Staff], field: str = "staff") -> list[Staff]:
    """At least one, all of the organisation's roster, in post, and no certificate expired."""
    if not staff:
        raise Refused("请选择服务人员", field=field)
    today = timezone.localdate()
    for member in staff:
        if member.organisation_id != org_id:
            raise Refused("请从本机构人员中选择", field=field)
        if not member.is_active:
            raise Refused(f"{member.name}已停用，不能选择", field=field)
        expired = [c for c in member.certificates.all() if c.expires_on < today]
        if expired:
            cert = expired[0]
            raise Refused(
                f"{member.name}的证书“{cert.name}”已于{cert.expires_on:%Y-%m-%d}过期，不能选择", field=field
            )
    return staff


def check_item(policy: Policy, item: ServiceItem | None, field: str = "item") -> ServiceItem:
    if item is None:
        raise Refused("请选择服务项目", field=field)
    if item.pk not in {i.pk for i in contracted_items(policy)}:
        raise Refused("该服务项目不在保单约定的服务项目中", field=field)
    return item


def clean_text(value: str, field: str, label: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refused(f"请填写{label}", field=field)
    if len(value) > limit:
        raise Refused(f"{label}不能超过{limit}个字", field=field)
    return value


def check_day_and_staff(
    *,
    policy: Policy,
    org_id: int,
    day: date | None = None,
    staff: list[Staff] | None = None,
    field: str = "served_on",
    label: str = "服务日期",
    future: bool = False,
) -> None:
    """The rules of a record, plan or inspection on the values a form could read (the day inside the policy
    period, the staff of the roster with valid certificates), for a view to show when other fields are wrong.
    Changes nothing."""
    problems = Problems()
    if day is not None:
        with problems.collect():
            check_day(policy, day, field, label, future=future)
    if staff:
        with problems.collect():
            check_staff(org_id, list(staff))
    problems.raise_if_any()


def blocks_reversal(policy: Policy) -> str | None:
    """A 冲正 is refused once the policy has service history: its records, inspections and complaints are the
    policy's archive (kept at least 5 years) and were done under its number — a wrong policy that was already
    served is corrected by 批改, not voided. Registered in ``PreventionConfig.ready`` with
    ``anze.policies.lifecycle.reversal_blocker``. A service only assigned or accepted does not block: the
    approval of the 冲正 withdraws it (``anze.policies.workflow.policy_withdraw_service``)."""
    if ServiceRecord.objects.filter(policy=policy).exists():
        return "该保单已有服务记录，不能冲正"
    if Inspection.objects.filter(policy=policy).exists():
        return "该保单已有隐患排查记录，不能冲正"
    if Complaint.objects.filter(policy=policy).exists():
        return "该保单已有服务投诉，不能冲正"
    return None
