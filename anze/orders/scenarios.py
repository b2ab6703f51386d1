"""Drive an order to any state through the real workflow functions — for tests and the demo data.

Nothing here sets a status: each step calls the workflow, so an order "in 待支付审核" is exactly what a user
would have produced by clicking through. 出函 is the policies app's: ``anze.policies.scenarios`` drives an
order on to 已出函.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anze.accounts.demo import credit_code
from anze.accounts.models import Organisation, User
from anze.basedata.models import ServiceItem
from anze.documents import testing as files

from . import applications, offline, workflow
from .models import Order, OrderStatus
from .rules import Scheme, add_years

S = OrderStatus

# The online path up to 出函, step by step: the state each step leaves the order in.
ONLINE_PATH: tuple[str, ...] = (
    S.AWAITING_QUOTE,
    S.AWAITING_CONFIRMATION,
    S.AWAITING_PAYMENT_NOTICE,
    S.AWAITING_PAYMENT,
    S.AWAITING_PAYMENT_REVIEW,
    S.AWAITING_ISSUE,
)


def service_counts(**by_code: int) -> dict[int, int]:
    """{service item id: count} from item codes (training=2, hazard_inspection=4, …)."""
    items = {item.code: item.pk for item in ServiceItem.objects.filter(code__in=by_code)}
    return {items[code]: count for code, count in by_code.items()}


def scheme(**overrides: Any) -> Scheme:
    """A valid scheme: 500万 aggregate, 100万 per accident, 50万 per person (≥ the national 40万), 1 year."""
    start = overrides.pop("period_start", timezone.localdate() + timedelta(days=1))
    values: dict[str, Any] = {
        "aggregate_limit": Decimal("5000000.00"),
        "per_accident_limit": Decimal("1000000.00"),
        "per_person_injury_limit": Decimal("500000.00"),
        "per_person_medical_limit": Decimal("50000.00"),
        "premium": Decimal("12000.00"),
        "prevention_fee": Decimal("2400.00"),
        "period_start": start,
        "period_end": overrides.pop("period_end", add_years(start, 1) - timedelta(days=1)),
    }
    if "service_counts" not in overrides:
        values["service_counts"] = service_counts(training=2, hazard_inspection=4, emergency_plan=1)
    values.update(overrides)
    return Scheme(**values)


def application(
    insurer: Organisation, enterprise: Organisation, **overrides: Any
) -> applications.Application:
    values: dict[str, Any] = {
        "insurer": insurer,
        "project_name": enterprise.name,
        "project_address": enterprise.address or "泉州市丰泽区",
        "headcount": 120,
        "contact_name": enterprise.contact_name or "张三",
        "contact_phone": enterprise.contact_phone or "13697770764",
        "intended_items": list(ServiceItem.objects.active()[:3]),
        "business_licence": files.upload("营业执照.pdf", files.pdf_bytes("营业执照", [enterprise.name])),
        "legal_id": files.upload("法人身份证.jpg", files.jpeg_bytes()),
    }
    values.update(overrides)
    return applications.Application(**values)


def online_order(
    *,
    insurer_user: User,
    enterprise_user: User,
    until: str = S.AWAITING_QUOTE,
    scheme_overrides: Mapping[str, Any] | None = None,
    **application_overrides: Any,
) -> Order:
    """An online order driven through the workflow until it reaches ``until`` (a state on ONLINE_PATH,
    or 已取消 = cancelled by the insurer from 待报价)."""
    order = applications.order_apply(
        actor=enterprise_user,
        application=application(
            insurer_user.organisation, enterprise_user.organisation, **application_overrides
        ),
    )
    if until == S.CANCELLED:
        return workflow.order_cancel(order=order, actor=insurer_user, reason="客户要求取消")
    steps = {
        S.AWAITING_CONFIRMATION: lambda o: workflow.order_quote(
            order=o, actor=insurer_user, scheme=scheme(**(scheme_overrides or {}))
        ),
        S.AWAITING_PAYMENT_NOTICE: lambda o: workflow.order_confirm_quote(order=o, actor=enterprise_user),
        S.AWAITING_PAYMENT: lambda o: workflow.order_upload_payment_notice(
            order=o, actor=insurer_user, file=files.upload("付款通知书.pdf", files.pdf_bytes("付款通知书"))
        ),
        S.AWAITING_PAYMENT_REVIEW: lambda o: workflow.order_upload_payment_voucher(
            order=o, actor=enterprise_user, file=files.upload("付款凭证.png", files.png_bytes())
        ),
        S.AWAITING_ISSUE: lambda o: workflow.order_approve_payment(order=o, actor=insurer_user),
    }
    for state in ONLINE_PATH[1 : ONLINE_PATH.index(until) + 1]:
        order = steps[state](order)
    return order


def offline_order(
    *,
    insurer_user: User,
    enterprise: Organisation | None = None,
    **overrides: Any,
) -> Order:
    """An offline order in 待出函 (新增线下订单), of ``enterprise`` or of an unregistered one."""
    values: dict[str, Any] = {
        "applicant_name": enterprise.name if enterprise else "泉州市洛江区示范机械有限公司",
        "applicant_credit_code": enterprise.credit_code if enterprise else credit_code("91350504MA2YL8H37"),
        "contact_name": "张三",
        "contact_phone": "13697770764",
        "project_name": enterprise.name if enterprise else "泉州市洛江区示范机械有限公司",
        "project_address": "泉州市洛江区",
        "headcount": 50,
    }
    values.update(overrides)
    return offline.order_create_offline(actor=insurer_user, application=offline.OfflineApplication(**values))
