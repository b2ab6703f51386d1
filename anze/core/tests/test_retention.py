"""Data retention (AQ 9010: orders, policies, documents, service records, events and logs are kept ≥ 5 years).

Nothing an auditor relies on is hard-deleted through the UI: every delete-like URL (found by walking the URL
resolver, so a new one is covered automatically) is POSTed by an authorised user, and afterwards the rows and the
stored files it concerns are still there. Deleting an account deactivates it and its name stays in history;
an organisation is only ever 停用. The few truly disposable things are allow-listed below with the reason
(docs/NOTES.md, "Retention").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db.models import ProtectedError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from anze.accounts import services as accounts
from anze.accounts.models import Organisation, Role, User
from anze.audit.models import LoginLog
from anze.basedata.models import Region, RegionalRule
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.cast import Cast
from anze.documents.models import Document
from anze.downloads.models import Export
from anze.downloads.testing import finished_export
from anze.orders import applications
from anze.orders import scenarios as order_scenarios
from anze.orders import workflow as order_workflow
from anze.orders.models import Order, OrderEvent
from anze.policies.models import Policy
from anze.prevention import scenarios, services
from anze.prevention.attachments import Uploads
from anze.prevention.models import PlannedVisit, ServiceRecord

pytestmark = pytest.mark.django_db

DELETE_WORDS = ("delete", "remove", "discard", "purge", "destroy", "erase", "drop")
NAMESPACE_SIDE = {
    "platform": Side.PLATFORM,
    "insurer": Side.INSURER,
    "enterprise": Side.ENTERPRISE,
    "service": Side.SERVICE_ORG,
    "regulator": Side.REGULATOR,
}

# Delete actions whose object may go: what they remove is not a record an auditor relies on (the 操作日志 keeps
# the change where the model is audited), and the check below still proves nothing else went with it.
DISPOSABLE = {
    "system:role_delete": "角色是权限配置，不是业务记录；仅无人持有时可删，删除写入操作日志",
    "enterprise:orders:discard": "从未提交的投保草稿，无人见过；其上传的文件（营业执照等）保留",
    "service:service_orders:plan_remove": "服务计划是尚未发生的意向；已发生的服务记录（档案）不受影响",
    "platform:basedata:rule_delete": "地区规则是基础配置，删除后回落到上级规则；删除写入操作日志，订单已保存其金额",
    "regulator:supervision:register_remove": "高危行业企业名录是监管部门自己维护、可重新导入的名单，不是业务记录；移出写入操作日志（企业名称与信用代码）",
    "downloads:delete": "下载中心的导出文件是列表的副本，只供导出人本人在24小时内下载，到期后本就自动删除",
}


def delete_like_urls() -> list[str]:
    """Every URL name (with its namespaces) that reads like a delete action."""
    found: list[str] = []

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif entry.name and any(word in entry.name for word in DELETE_WORDS):
                found.append(f"{namespace}{entry.name}")

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def _disposable_reason(name: str) -> str | None:
    return next((why for key, why in DISPOSABLE.items() if name == key or name.endswith(f":{key}")), None)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _files_exist(documents: list[Document]) -> bool:
    return all(doc.file.storage.exists(doc.file.name) for doc in documents)


def _present(*documents: Document | None) -> list[Document]:
    """The documents an object points at, each of which must be there."""
    assert all(doc is not None for doc in documents)
    return [doc for doc in documents if doc is not None]


@dataclass
class Attempt:
    """One delete action: who POSTs what, and what must still be there afterwards."""

    user: User
    url: str
    check: Callable[[], None]


# --- one set-up per delete action -----------------------------------------------------------------------------
def _user_delete(side: str, namespace: str) -> Attempt:
    org = factories.organisation(side)
    admin = factories.user(org, admin=True, name="管理员甲")
    victim = factories.user(org, roles=[], name="在职丙")
    LoginLog.objects.create(organisation=org, user=victim, side=side, username=victim.username, success=True)
    with set_actor(victim):
        accounts.profile_update(user=victim, name="离职丙", mobile=victim.mobile)
    entries = LogEntry.objects.filter(actor=victim).count()

    def check() -> None:
        victim.refresh_from_db()
        assert victim.deleted_at is not None and not victim.is_active and victim.name == "离职丙"
        assert LoginLog.objects.filter(user=victim).count() == 1
        assert LogEntry.objects.filter(actor=victim).count() == entries > 0

    return Attempt(admin, reverse(f"{namespace}:system:user_delete", args=[victim.pk]), check)


def _role_delete(side: str, namespace: str) -> Attempt:
    org = factories.organisation(side)
    admin = factories.user(org, admin=True)
    role = factories.role(org, [], name="临时角色")

    def check() -> None:
        assert LogEntry.objects.filter(
            object_pk=str(role.pk), action=LogEntry.Action.DELETE, object_repr__contains="临时角色"
        ).exists()

    return Attempt(admin, reverse(f"{namespace}:system:role_delete", args=[role.pk]), check)


def _export_delete(side: str, namespace: str) -> Attempt:
    org = factories.organisation(side)
    admin = factories.user(org, admin=True, name="管理员甲")
    export = finished_export(admin)

    def check() -> None:
        assert not Export.objects.filter(pk=export.pk).exists()  # a copy of a list, disposable

    return Attempt(admin, reverse(f"{namespace}:downloads:delete", args=[export.uuid]), check)


def _cast() -> Cast:
    ensure_base_data()
    return Cast().on_stage("clerk", "applicant", "org_admin", "platform_admin")


def _draft_discard(cast: Cast) -> Attempt:
    draft = applications.order_apply(
        actor=cast.applicant,
        application=order_scenarios.application(cast.insurer, cast.enterprise),
        submit=False,
    )
    documents = _present(draft.business_licence, draft.legal_id)

    def check() -> None:
        assert not Order.objects.filter(pk=draft.pk).exists()  # the draft itself is disposable
        kept = list(Document.objects.filter(pk__in=[doc.pk for doc in documents]))
        assert len(kept) == 2 and _files_exist(kept)

    return Attempt(cast.applicant, reverse("enterprise:orders:discard", args=[draft.application_no]), check)


def _plan_remove(cast: Cast) -> Attempt:
    policy = cast.in_service()
    member = cast.staff
    record = scenarios.record(
        policy, cast.org_admin, "training", [member], uploads=Uploads(report=scenarios.report_pdf())
    )
    visit = services.plan_add(
        policy=policy,
        actor=cast.org_admin,
        data=services.PlanData(
            item=record.item,
            planned_on=timezone.localdate() + timedelta(days=3),
            staff=[member],
            content="开展安全培训",
        ),
    )
    order = policy.order
    documents = _present(order.policy_file, order.invoice_file, order.contract_file)
    record_documents = [attachment.document for attachment in record.attachments.all()]
    events = policy.events.count()

    def check() -> None:
        assert not PlannedVisit.objects.filter(pk=visit.pk).exists()  # the intention is disposable
        assert ServiceRecord.objects.filter(pk=record.pk).exists()
        assert Policy.objects.get(pk=policy.pk).events.count() >= events
        assert _files_exist(documents) and _files_exist(record_documents)

    url = reverse("service:service_orders:plan_remove", args=[order.application_no, visit.pk])
    return Attempt(cast.org_admin, url, check)


def _rule_delete(cast: Cast) -> Attempt:
    rule = RegionalRule.objects.create(region=Region.objects.get(code="350582"), min_fee_ratio=Decimal("10"))

    def check() -> None:
        assert LogEntry.objects.filter(object_pk=str(rule.pk), action=LogEntry.Action.DELETE).exists()

    return Attempt(cast.platform_admin, reverse("platform:basedata:rule_delete", args=[rule.pk]), check)


def _register_remove(cast: Cast) -> Attempt:
    from anze.basedata.models import Industry
    from anze.regulator.models import RegisteredEnterprise

    bureau = factories.organisation(
        Side.REGULATOR, name="泉州市应急管理局", region=Region.objects.get(code="350500")
    )
    entry = RegisteredEnterprise.objects.create(
        regulator=bureau,
        credit_code=cast.enterprise.credit_code or "",
        name=cast.enterprise.name,
        industry=Industry.objects.filter(is_compulsory=True).earliest("sort"),
        region=Region.objects.get(code="350503"),
    )
    cast.policy()  # the enterprise's cover and its records are not the register's to remove

    def check() -> None:
        assert not RegisteredEnterprise.objects.filter(pk=entry.pk).exists()  # off the bureau's own list
        assert (
            LogEntry.objects.filter(changes_text__contains=entry.credit_code).exists()
            or LogEntry.objects.filter(object_repr__contains=entry.name).exists()
        )

    return Attempt(
        factories.user(bureau, admin=True),
        reverse("regulator:supervision:register_remove", args=[entry.pk]),
        check,
    )


CAST_CASES: dict[str, Callable[[Cast], Attempt]] = {
    "regulator:supervision:register_remove": _register_remove,
    "enterprise:orders:discard": _draft_discard,
    "service:service_orders:plan_remove": _plan_remove,
    "platform:basedata:rule_delete": _rule_delete,
}
SIDE_CASES: dict[str, Callable[[str, str], Attempt]] = {
    "system:user_delete": _user_delete,
    "system:role_delete": _role_delete,
    "downloads:delete": _export_delete,
}


def _attempt(name: str) -> Attempt:
    if name in CAST_CASES:
        return CAST_CASES[name](_cast())
    namespace, _, rest = name.partition(":")
    if rest in SIDE_CASES and namespace in NAMESPACE_SIDE:
        return SIDE_CASES[rest](NAMESPACE_SIDE[namespace], namespace)
    raise AssertionError(
        f"{name} reads like a delete action but test_retention has no case for it: add one (the record must "
        "stay, soft-deleted) or allow-list it in DISPOSABLE with the reason"
    )


def _cases() -> Iterator[str]:
    yield from delete_like_urls()


def test_the_walk_finds_the_delete_actions() -> None:
    names = delete_like_urls()
    assert "platform:system:user_delete" in names and "enterprise:orders:discard" in names
    # Every allow-listed action still exists (a stale allow-list would hide nothing, but says something false).
    for key in DISPOSABLE:
        assert any(name == key or name.endswith(f":{key}") for name in names), key


@pytest.mark.parametrize("name", list(_cases()))
def test_every_delete_action_keeps_what_an_auditor_relies_on(name: str) -> None:
    """Attack: an authorised user 'deletes' through the UI and a record, a log or a stored file disappears."""
    attempt = _attempt(name)
    orders, policies = Order.objects.count(), Policy.objects.count()
    events, logins = OrderEvent.objects.count(), LoginLog.objects.count()
    documents = list(Document.objects.all())
    response = _client(attempt.user).post(attempt.url)
    assert response.status_code in (200, 204, 302), response.status_code
    assert "anze:error" not in response.headers.get("HX-Trigger", "")
    attempt.check()
    drafts = 1 if name == "enterprise:orders:discard" else 0
    assert Order.objects.count() == orders - drafts and Policy.objects.count() == policies
    assert OrderEvent.objects.count() >= events - (1 if drafts else 0) and LoginLog.objects.count() == logins
    assert Document.objects.count() == len(documents) and _files_exist(documents)
    if _disposable_reason(name) is None:
        assert name.endswith(":system:user_delete"), f"{name}: no hard delete outside the allow-list"


# --- accounts and organisations ---------------------------------------------------------------------------------
def test_deleting_an_account_keeps_its_name_in_the_order_history_and_the_logs() -> None:
    cast = _cast()
    colleague = factories.user(cast.enterprise, admin=True, name="蔡离职")
    with set_actor(colleague):
        order = applications.order_apply(
            actor=colleague, application=order_scenarios.application(cast.insurer, cast.enterprise)
        )
        accounts.role_create(actor=colleague, name="资料员", permissions=["system.user.view"])
    response = _client(cast.applicant).post(reverse("enterprise:system:user_delete", args=[colleague.pk]))
    assert response.status_code in (200, 204, 302)
    colleague.refresh_from_db()
    assert colleague.deleted_at is not None and not colleague.is_active
    assert Order.objects.get(pk=order.pk).created_by_id == colleague.pk
    detail = _client(cast.clerk).get(reverse("insurer:orders:detail", args=[order.application_no]))
    assert "蔡离职" in detail.content.decode()
    log = _client(cast.applicant).get(reverse("enterprise:system:operation_log"), {"actor": "蔡离职"})
    assert "资料员" in log.content.decode() and "蔡离职" in log.content.decode()


def test_an_organisation_is_deactivated_never_deleted() -> None:
    """平台管理 has no delete for an organisation: 停用 keeps it, its accounts and all its history."""
    cast = _cast()
    order = order_scenarios.online_order(insurer_user=cast.clerk, enterprise_user=cast.applicant)
    response = _client(cast.platform_admin).post(
        reverse("platform:orgs:enterprise_set_active", args=[cast.enterprise.pk]), {"active": "0"}
    )
    assert response.status_code in (200, 204, 302)
    cast.enterprise.refresh_from_db()
    assert not cast.enterprise.is_active
    assert Order.objects.filter(pk=order.pk, enterprise=cast.enterprise).exists()
    assert User.objects.filter(pk=cast.applicant.pk, organisation=cast.enterprise).exists()
    assert not any(
        "organisation" in name or name.startswith("platform:enterprise") for name in delete_like_urls()
    )


def test_an_organisation_with_login_history_cannot_be_hard_deleted() -> None:
    """Defect: 登录日志 rows (a failed sign-in names no account) cascaded away with their organisation."""
    org = factories.organisation(Side.INSURER)
    log = LoginLog.objects.create(organisation=org, side=Side.INSURER, username="nobody", success=False)
    with pytest.raises(ProtectedError):
        Organisation.objects.filter(pk=org.pk).delete()
    assert LoginLog.objects.filter(pk=log.pk).exists()


def test_an_account_with_history_cannot_be_hard_deleted() -> None:
    """Defect: a hard-deleted account (a shell, a script) silently blanked 创建人/操作人/记录人 on orders, events,
    service records and 登录日志 (SET_NULL); the history must keep who did it, so the row is protected."""
    cast = _cast()
    order = order_scenarios.online_order(insurer_user=cast.clerk, enterprise_user=cast.applicant)
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=cast.applicant.pk).delete()
    assert Order.objects.get(pk=order.pk).created_by_id == cast.applicant.pk
    login = factories.user(cast.insurer, roles=[], name="只登录过")
    LoginLog.objects.create(organisation=cast.insurer, user=login, username=login.username, success=True)
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=login.pk).delete()


def test_a_role_held_by_an_account_is_refused_not_deleted() -> None:
    org = factories.organisation(Side.INSURER)
    admin = factories.user(org, admin=True)
    role = factories.role(org, [], name="出单员")
    factories.user(org, roles=[role])
    _client(admin).post(reverse("insurer:system:role_delete", args=[role.pk]))
    assert Role.objects.filter(pk=role.pk).exists()


def test_a_replaced_file_is_superseded_not_deleted() -> None:
    """A voucher 驳回 and uploaded again: the order points at the new file, the first one stays stored (the
    insurer's 驳回 referred to it)."""
    from anze.documents import testing as files

    cast = _cast()
    order = order_scenarios.online_order(
        insurer_user=cast.clerk, enterprise_user=cast.applicant, until="awaiting_payment_review"
    )
    (first,) = _present(order.payment_voucher)
    order = order_workflow.order_reject_payment(order=order, actor=cast.clerk, reason="金额不符")
    order = order_workflow.order_upload_payment_voucher(
        order=order, actor=cast.applicant, file=files.upload("付款凭证2.png", files.png_bytes())
    )
    assert order.payment_voucher_id != first.pk
    assert Document.objects.filter(pk=first.pk).exists() and _files_exist([first])
