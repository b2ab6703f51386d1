"""事故预防服务费台账 (``prevention.ledger``): the cost of a record (default: the item's 单价) is booked against the
policy's prevention fee when the enterprise confirms it; a record that would overspend is refused — entered or
confirmed — unless the insurer has granted an overrun; corrections replace what they correct; the lines are
append-only; and the public reads other apps use (``budget``, ``spent_total``, ``summary``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from anze.basedata.models import ServiceItem
from anze.core.errors import Refused
from anze.core.testing import factories
from anze.notifications.models import Notification
from anze.orders.models import Order
from anze.policies.models import Policy, ServiceEvent
from anze.prevention import ledger, records, scenarios
from anze.prevention.models import (
    ArchivedError,
    FeeEntry,
    FeeEntryKind,
    FeeOverrun,
    RecordStatus,
    ServiceRecord,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def priced():
    """The 单价 of the items these tests use (base data starts at 0)."""
    ServiceItem.objects.filter(code="training").update(unit_price=D("400.00"))
    ServiceItem.objects.filter(code="hazard_inspection").update(unit_price=D("500.00"))


def serving(cast, fee: str = "1000.00", **counts: int):
    return cast.in_service(
        counts=counts or {"training": 2, "hazard_inspection": 1},
        scheme_overrides={"prevention_fee": D(fee)},
    )


def record(cast, policy, code: str = "training", **overrides):
    return scenarios.record(policy, cast.org_admin, code, [cast.staff], **overrides)


def confirm(cast, made):
    return records.record_confirm(record=scenarios.fresh_record(made), actor=cast.applicant)


# --- the cost of a record ------------------------------------------------------------------------------------
def test_a_record_costs_its_items_unit_price_unless_the_organisation_enters_a_cost(cast, priced):
    policy = serving(cast)
    assert record(cast, policy).cost == D("400.00")
    assert record(cast, policy, "hazard_inspection", cost=D("350.5")).cost == D("350.50")
    assert record(cast, policy, cost=D("0")).cost == D("0.00")  # a free visit is a cost too


@pytest.mark.parametrize(
    "cost, message",
    [
        (D("-1"), "服务费用不能为负数"),
        (D("12.345"), "服务费用最多保留2位小数"),
        (D("1000000000000"), "服务费用过大，请核对"),
        (D("NaN"), "服务费用须为数字（单位：元）"),
    ],
)
def test_a_bad_cost_is_refused_beside_its_field_and_nothing_is_saved(cast, priced, cost, message):
    policy = serving(cast)
    with pytest.raises(Refused) as refused:
        record(cast, policy, cost=cost)
    assert refused.value.errors == {"cost": [message]}
    assert not ServiceRecord.objects.filter(policy=policy).exists()


# --- booking at the enterprise's confirmation ----------------------------------------------------------------
def test_it_books_the_cost_when_the_enterprise_confirms_and_not_before(cast, priced):
    policy = serving(cast)
    made = record(cast, policy, cost=D("450.00"))
    assert not FeeEntry.objects.exists() and ledger.spent_total(policy) == D("0")
    confirm(cast, made)
    entry = FeeEntry.objects.get()
    assert (entry.policy, entry.record_id, entry.item.code, entry.kind, entry.amount, entry.booked_by) == (
        policy,
        made.pk,
        "training",
        FeeEntryKind.COST,
        D("450.00"),
        cast.applicant,
    )
    assert ledger.spent_total(policy) == D("450.00")
    event = ServiceEvent.objects.get(subject_uuid=made.uuid, action="confirm")
    assert event.changes == {"服务费用（元）": ["", "450.00"]}


def test_a_disputed_record_books_nothing(cast, priced):
    policy = serving(cast)
    made = record(cast, policy)
    records.record_dispute(record=scenarios.fresh_record(made), actor=cast.applicant, reason="没来")
    assert ledger.spent_total(policy) == 0 and not FeeEntry.objects.exists()


def test_the_summary_has_the_plan_spent_and_remaining_per_item(cast, priced):
    """Plan per item = contracted count × 单价: training 2 × 400 = 800, hazard 1 × 500 = 500."""
    policy = serving(cast, fee="1200.00")
    confirm(cast, record(cast, policy))  # 400
    confirm(cast, record(cast, policy, "hazard_inspection", cost=D("550.00")))
    record(cast, policy, cost=D("100.00"))  # waiting
    s = ledger.summary(scenarios.fresh(policy))
    assert [(x.item.code, x.contracted, x.unit_price, x.planned, x.spent, x.remaining) for x in s.lines] == [
        ("training", 2, D("400.00"), D("800.00"), D("400.00"), D("400.00")),
        ("hazard_inspection", 1, D("500.00"), D("500.00"), D("550.00"), D("-50.00")),
    ]
    assert (s.budget, s.allowance, s.spent, s.remaining) == (D("1200.00"), 0, D("950.00"), D("250.00"))
    assert (s.pending_count, s.pending, s.pending_excess) == (1, D("100.00"), 0)
    assert (s.planned_total, s.spent_on_lines, s.remaining_on_lines, s.percent) == (
        D("1300.00"),
        D("950.00"),
        D("350.00"),
        79,  # 950 / 1200
    )
    assert ledger.budget(policy) == D("1200.00") and ledger.spent_total(policy) == D("950.00")


def test_the_summary_runs_a_constant_number_of_queries(cast, priced, django_assert_max_num_queries):
    policy = serving(cast, fee="5000.00")
    with django_assert_max_num_queries(6):
        ledger.summary(policy)
    for _ in range(2):
        confirm(cast, record(cast, policy))
    ledger.overrun_grant(policy=policy, actor=cast.clerk, amount=D("100"), reason="加一次培训")
    with django_assert_max_num_queries(6):
        ledger.summary(policy)


# --- overspending ---------------------------------------------------------------------------------------------
OVER = (
    "事故预防服务费余额不足：本保单剩余可用 {left} 元，该服务记录需记账 {cost} 元，超出 {over} 元。"
    "请联系保险公司批准超支后再{verb}。"
)


def test_a_confirmation_that_would_overspend_is_refused_naming_what_remains(cast, priced):
    policy = serving(cast, fee="1000.00")
    first, second = record(cast, policy, cost=D("700.00")), record(cast, policy, cost=D("400.00"))
    confirm(cast, first)
    with pytest.raises(Refused) as refused:
        confirm(cast, second)
    assert refused.value.message == OVER.format(left="300.00", cost="400.00", over="100.00", verb="确认")
    second.refresh_from_db()
    assert second.status == RecordStatus.PENDING and second.confirmed_at is None  # nothing half-saved
    assert not ServiceEvent.objects.filter(subject_uuid=second.uuid, action="confirm").exists()
    assert ledger.spent_total(policy) == D("700.00")


def test_entering_a_record_that_cannot_fit_is_refused_beside_the_cost(cast, priced):
    policy = serving(cast, fee="1000.00")
    confirm(cast, record(cast, policy, cost=D("800.00")))
    with pytest.raises(Refused) as refused:
        record(cast, policy, cost=D("250.00"))
    assert refused.value.errors == {
        "cost": [OVER.format(left="200.00", cost="250.00", over="50.00", verb="登记")]
    }
    assert ServiceRecord.objects.filter(policy=policy).count() == 1
    assert record(cast, policy, cost=D("200.00")).cost == D("200.00")  # exactly what remains fits


def test_the_check_reads_the_fee_from_the_order_at_that_moment(cast, priced):
    """An endorsement changes the order's 事故预防服务费: the ledger measures against the current figure."""
    policy = serving(cast, fee="1000.00")
    made = record(cast, policy, cost=D("900.00"))
    Order.objects.filter(pk=policy.order_id).update(prevention_fee=D("800.00"))
    with pytest.raises(Refused) as refused:
        confirm(cast, made)
    assert "剩余可用 800.00 元" in refused.value.message
    Order.objects.filter(pk=policy.order_id).update(prevention_fee=D("1500.00"))
    confirm(cast, made)
    assert ledger.budget(policy) == D("1500.00") and ledger.spent_total(policy) == D("900.00")


# --- the insurer's overrun --------------------------------------------------------------------------------------
def test_an_approved_overrun_lets_the_record_through(cast, priced):
    policy = serving(cast, fee="1000.00")
    confirm(cast, record(cast, policy, cost=D("700.00")))
    waiting = record(cast, policy, cost=D("300.00"))
    over = record(cast, policy, cost=D("0.00"))
    confirm(cast, waiting)
    grant = ledger.overrun_grant(
        policy=policy, actor=cast.clerk, amount=D("250.00"), reason="企业新增仓库，增加一次隐患排查"
    )
    assert (grant.amount, grant.granted_by, grant.reason) == (
        D("250.00"),
        cast.clerk,
        "企业新增仓库，增加一次隐患排查",
    )
    late = record(cast, policy, "hazard_inspection", cost=D("250.00"))  # fits the allowance now
    confirm(cast, late)
    confirm(cast, over)
    s = ledger.summary(policy)
    assert (s.budget, s.allowance, s.ceiling, s.spent, s.remaining, s.overspent) == (
        D("1000.00"),
        D("250.00"),
        D("1250.00"),
        D("1250.00"),
        D("0.00"),
        D("250.00"),
    )


def test_a_grant_is_on_the_timeline_in_the_log_and_told_to_the_enterprise_and_organisation(cast, priced):
    policy = serving(cast)
    ledger.overrun_grant(policy=policy, actor=cast.clerk, amount=D("300"), reason="增加应急演练")
    event = ServiceEvent.objects.get(policy=policy, action="fee_overrun")
    assert (event.subject, event.action_label, event.reason, event.changes, event.service_org) == (
        ServiceEvent.Subject.FEE,
        "批准服务费超支",
        "增加应急演练",
        {"批准超支金额（元）": ["", "300.00"]},
        cast.org,
    )
    told = Notification.objects.filter(title="服务费超支已批准")
    assert {n.organisation for n in told} == {cast.enterprise, cast.org}
    assert all("已批准保单" in n.body and "300.00 元" in n.body for n in told)
    entry = LogEntry.objects.get(additional_data__action="fee_overrun")
    assert (entry.actor, entry.object_repr, entry.changes) == (
        cast.clerk,
        f"服务费（保单 {policy.policy_no}）",
        {"批准超支金额（元）": ["", "300.00"], "原因": ["", "增加应急演练"]},
    )


@pytest.mark.parametrize(
    "amount, reason, errors",
    [
        (None, "理由", {"amount": ["请输入批准超支金额"]}),
        (D("0"), "理由", {"amount": ["批准超支金额须大于0"]}),
        (D("-5"), "理由", {"amount": ["批准超支金额须大于0"]}),
        (D("1.005"), "理由", {"amount": ["批准超支金额最多保留2位小数"]}),
        (D("100"), "  ", {"reason": ["请填写批准理由"]}),
        (D("-1"), "", {"amount": ["批准超支金额须大于0"], "reason": ["请填写批准理由"]}),
        (D("100"), "长" * 501, {"reason": ["批准理由不能超过500个字"]}),
    ],
)
def test_a_bad_grant_is_refused_beside_its_fields_and_nothing_is_saved(cast, amount, reason, errors):
    policy = serving(cast)
    with pytest.raises(Refused) as refused:
        ledger.overrun_grant(policy=policy, actor=cast.clerk, amount=amount, reason=reason)
    assert refused.value.errors == errors
    assert not FeeOverrun.objects.exists() and not ServiceEvent.objects.filter(action="fee_overrun").exists()


def test_only_the_policys_insurer_with_the_permission_grants(cast):
    policy = serving(cast)
    refusals = {
        "the enterprise": cast.applicant,
        "the organisation": cast.org_admin,
        "a clerk without the permission": factories.user(
            cast.insurer, roles=[factories.role(cast.insurer, ["policy.view"])]
        ),
        "another insurer": cast.other_clerk,
    }
    for who, user in refusals.items():
        with pytest.raises(Refused) as refused:
            ledger.overrun_grant(policy=policy, actor=user, amount=D("100"), reason="理由")
        expected = "保单不存在或无权操作" if who == "another insurer" else "没有该操作的权限"
        assert refused.value.message == expected, who
        assert not ledger.may_grant(policy, user), who
    assert ledger.may_grant(policy, cast.clerk)
    allowed = factories.user(cast.insurer, roles=[factories.role(cast.insurer, ["policy.fee_overrun"])])
    ledger.overrun_grant(policy=policy, actor=allowed, amount=D("100"), reason="理由")
    assert ledger.allowance(policy) == D("100.00")


@pytest.mark.parametrize("status, label", [("reversed", "已冲正"), ("surrendered", "已退保")])
def test_no_overrun_is_granted_on_a_policy_no_longer_in_force(cast, status, label):
    policy = serving(cast)
    Policy.objects.filter(pk=policy.pk).update(status=status)
    policy = scenarios.fresh(policy)
    with pytest.raises(Refused) as refused:
        ledger.overrun_grant(policy=policy, actor=cast.clerk, amount=D("100"), reason="理由")
    assert refused.value.message == f"保单{label}，不能批准服务费超支"
    assert not ledger.may_grant(policy, cast.clerk) and not FeeOverrun.objects.exists()


# --- corrections --------------------------------------------------------------------------------------------------
def test_a_confirmed_correction_replaces_what_the_record_it_corrects_booked(cast, priced):
    policy = serving(cast, fee="1000.00")
    original = record(cast, policy, cost=D("400.00"))
    confirm(cast, original)
    data = scenarios.record_data(policy, "training", [cast.staff], cost=D("600.00"))
    first = records.record_create(
        policy=scenarios.fresh(policy),
        actor=cast.org_admin,
        data=data,
        corrects=scenarios.fresh_record(original),
    )
    confirm(cast, first)
    data = scenarios.record_data(policy, "training", [cast.staff], cost=D("350.00"))
    second = records.record_create(
        policy=scenarios.fresh(policy),
        actor=cast.org_admin,
        data=data,
        corrects=scenarios.fresh_record(original),
    )
    confirm(cast, second)
    lines = list(FeeEntry.objects.order_by("id").values_list("record_id", "kind", "amount"))
    assert lines == [
        (original.pk, "cost", D("400.00")),
        (first.pk, "reversal", D("-400.00")),
        (first.pk, "cost", D("600.00")),
        (second.pk, "reversal", D("-600.00")),
        (second.pk, "cost", D("350.00")),
    ]
    assert ledger.spent_total(policy) == D("350.00")
    assert ledger.summary(policy).lines[0].spent == D("350.00")


def test_a_correction_is_checked_on_what_it_adds(cast, priced):
    """900 of 1000 spent by a 400 record and a 500 one: correcting the 400 to 450 adds 50 (fits), to 550 adds
    150 (does not)."""
    policy = serving(cast, fee="1000.00")
    original = record(cast, policy, cost=D("400.00"))
    confirm(cast, original)
    confirm(cast, record(cast, policy, "hazard_inspection", cost=D("500.00")))
    data = scenarios.record_data(policy, "training", [cast.staff], cost=D("550.00"))
    with pytest.raises(Refused) as refused:
        records.record_create(
            policy=scenarios.fresh(policy),
            actor=cast.org_admin,
            data=data,
            corrects=scenarios.fresh_record(original),
        )
    assert refused.value.errors == {
        "cost": [OVER.format(left="100.00", cost="150.00", over="50.00", verb="登记")]
    }
    data.cost = D("450.00")
    correction = records.record_create(
        policy=scenarios.fresh(policy),
        actor=cast.org_admin,
        data=data,
        corrects=scenarios.fresh_record(original),
    )
    confirm(cast, correction)
    assert ledger.spent_total(policy) == D("950.00")


def test_an_edit_is_checked_and_booked_at_its_new_cost(cast, priced):
    policy = serving(cast, fee="1000.00")
    made = record(cast, policy, cost=D("300.00"))
    data = scenarios.record_data(policy, "training", [cast.staff], cost=D("1200.00"))
    with pytest.raises(Refused) as refused:
        records.record_update(record=scenarios.fresh_record(made), actor=cast.org_admin, data=data)
    assert refused.value.field == "cost"
    data.cost = D("650.00")
    records.record_update(record=scenarios.fresh_record(made), actor=cast.org_admin, data=data)
    event = ServiceEvent.objects.get(subject_uuid=made.uuid, action="edit")
    assert event.changes["服务费用（元）"] == ["300.00", "650.00"]
    confirm(cast, made)
    assert ledger.spent_total(policy) == D("650.00")


# --- the lines are an archive ---------------------------------------------------------------------------------------
def test_ledger_lines_and_grants_are_never_changed_nor_deleted(cast, priced):
    policy = serving(cast)
    confirm(cast, record(cast, policy))
    grant = ledger.overrun_grant(policy=policy, actor=cast.clerk, amount=D("10"), reason="理由")
    entry = FeeEntry.objects.get()
    for row in (entry, grant):
        row.amount = D("1")
        with pytest.raises(ArchivedError):
            row.save()
        with pytest.raises(ArchivedError):
            row.delete()
    assert FeeEntry.objects.get().amount == D("400.00")
