"""What the service pages show beside the data: the buttons a user may press (from the machines' ``can``) and the
links of attachments. Views call these; no guard is written in a view or a template."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from anze.accounts.models import User
from anze.core.sides import Side
from anze.policies import workflow as policy_workflow
from anze.policies.models import Policy, ServiceStatus
from anze.policies.progress import progress_for, totals

from . import archive, selectors
from .hazards import HAZARD
from .models import Hazard, Inspection


def works_on(policy: Policy, user: User) -> bool:
    """Whether the user's organisation may add work (计划, 记录, 检查, 隐患) to the policy now: it is in service
    and assigned to it — what ``policies.workflow.lock_assigned`` checks when the work is saved."""
    return policy.service_status == ServiceStatus.IN_SERVICE and policy_workflow.SERVICE.owns(
        policy, user, Side.SERVICE_ORG
    )


def service_order_buttons(policy: Policy, user: User) -> dict[str, Any]:
    """The buttons of a 服务订单's detail page: 接受 / 拒绝 from the policy's machine, and the links that add
    work to a policy in service, each shown with its permission."""
    working = works_on(policy, user)
    no = policy.order.application_no

    def link(permission: str, url: str) -> str:
        return url if working and user.has_perm_code(permission) else ""

    return {
        "can_accept": policy_workflow.SERVICE.can(policy, "accept", user),
        "can_decline": policy_workflow.SERVICE.can(policy, "decline", user),
        "plan_add_url": link("service.plan.manage", reverse("service:service_orders:plan_add", args=[no])),
        "record_add_url": link(
            "service.record.manage", reverse("service:service_orders:record_add", args=[no])
        ),
        "inspection_add_url": link(
            "service.inspection.manage", f"{reverse('service:inspections:add')}?policy={policy.pk}"
        ),
    }


def service_order_rows(policies: list[Policy], user: User) -> list[Policy]:
    """The 服务订单 list's rows with each item's progress, the 已完成 / 合同 totals, and 接受 / 拒绝."""
    progress = progress_for(policies)
    for policy in policies:
        policy.progress = progress[policy.pk]
        policy.done, policy.contracted = totals(policy.progress)
        policy.can_accept = policy_workflow.SERVICE.can(policy, "accept", user)
        policy.can_decline = policy_workflow.SERVICE.can(policy, "decline", user)
    return policies


def hazard_rows(hazards: Iterable[Hazard], user: User) -> None:
    """Each hazard's photo URLs on the user's side (the file view of the hazard's policy) and its buttons:
    登记整改 and 复查, from the hazard's machine."""
    links = archive.LINKS[user.side]
    for hazard in hazards:
        for attachment in hazard.attachments.all():
            attachment.url = links.file_url(hazard.inspection.policy, attachment.document.uuid)
        hazard.can_rectify = HAZARD.can(hazard, "rectify", user)
        hazard.can_verify = HAZARD.can(hazard, "verify", user)


def inspection_context(inspection: Inspection, user: User) -> dict[str, Any]:
    """An inspection's detail page: its hazards and attachments with their file URLs, and whether hazards may be
    added (the policy is in service and assigned to the user's organisation)."""
    policy = inspection.policy
    links = archive.LINKS[user.side]
    hazards = selectors.hazards_of(inspection)
    for hazard in hazards:
        hazard.inspection = inspection  # (already fetched: no query per hazard for its policy)
    hazard_rows(hazards, user)
    attachments = list(inspection.attachments.select_related("document"))
    for attachment in attachments:
        attachment.url = links.file_url(policy, attachment.document.uuid)
    return {
        "inspection": inspection,
        "policy": policy,
        "hazards": hazards,
        "attachments": attachments,
        "hazard_actions": True,
        "can_add_hazard": works_on(policy, user),
        "extra_crumb": f"检查 {inspection.inspected_on:%Y-%m-%d}",
    }
