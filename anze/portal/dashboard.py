"""The enterprise's home page: cards with what waits for it (待确认报价, 待支付), its policies in force and its
unread messages, each a link to the list it counts; and the 续保 reminder above them."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from anze.core.dashboard import Card, Notice, register, register_notices
from anze.core.sides import Side
from anze.orders.models import OrderStatus

from . import selectors

S = OrderStatus
# (state, icon): the states in which the next step is the enterprise's (docs/spec/UI.md: primary tone).
WAITING_FOR_ENTERPRISE: tuple[tuple[str, str], ...] = (
    (S.AWAITING_CONFIRMATION, "file-dollar"),
    (S.AWAITING_PAYMENT, "cash"),
)


@register(Side.ENTERPRISE)
def enterprise_cards(request: HttpRequest) -> list[Card]:
    user = request.user
    cards: list[Card] = []
    if user.has_perm_code("portal.order.view"):
        counts = selectors.action_counts(user=user)
        url = reverse("enterprise:orders:list")
        cards += [
            Card(S(status).label, counts[status], f"{url}?tab={status}", icon, "primary", "portal.order.view")
            for status, icon in WAITING_FOR_ENTERPRISE
        ]
    if user.has_perm_code("portal.policy.view"):
        cards.append(
            Card(
                "保障中保单",
                selectors.policies_in_force(user=user),
                f"{reverse('enterprise:policies:list')}?tab={selectors.Validity.IN_FORCE}",
                "file-certificate",
                "success",
                "portal.policy.view",
            )
        )
    cards.append(
        Card(
            "未读消息",
            selectors.unread_messages(user=user),
            reverse("enterprise:messages:list"),
            "bell",
            "warning",
        )
    )
    return cards


@register_notices(Side.ENTERPRISE)
def renewal_notices(request: HttpRequest) -> list[Notice]:
    """续保: a compulsory-sector enterprise whose policy ends within 30 days (docs/spec/DOMAIN.md §6)."""
    if not request.user.has_perm_code("portal.apply"):
        return []
    notices = []
    for renewal in selectors.renewals_due(user=request.user):
        policy = renewal.policy
        when = "今天" if renewal.days_left == 0 else f"{renewal.days_left}天后"
        message = (
            f"保单 {policy.policy_no}（{policy.order.project_name}）将于{when}（{policy.period_end:%Y-%m-%d}）到期。"
            f"贵企业属于{request.user.organisation.industry.name}行业，须依法持续投保安全生产责任保险，请及时续保。"
        )
        if renewal.draft is not None:
            notices.append(
                Notice(
                    f"{message}续保申请草稿尚未提交。",
                    reverse("enterprise:orders:edit", args=[renewal.draft.application_no]),
                    "继续填写",
                    "danger" if renewal.days_left <= 7 else "warning",
                    "portal.apply",
                )
            )
        else:
            notices.append(
                Notice(
                    message,
                    f"{reverse('enterprise:apply')}?renew={policy.order.application_no}",
                    "续保",
                    "danger" if renewal.days_left <= 7 else "warning",
                    "portal.apply",
                )
            )
    return notices
