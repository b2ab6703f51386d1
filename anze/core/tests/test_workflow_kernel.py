"""The workflow kernel (anze.core.workflow) on a machine of its own: an organisation's 认证状态, with a table
made up for the test. Each machine of the platform has its literal matrix in its app; this is the kernel's
order of checks, its claim and its reason, once."""

from __future__ import annotations

import pytest

from anze.accounts.models import Organisation, Verification
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.workflow import NO_PERMISSION, Machine, StaleClaims, transition

V = Verification


def _not_named_x(org, t):
    return "名称以X开头的企业不能认证" if org.name.startswith("X") else None


MACHINE = Machine(
    model=Organisation,
    noun="企业",
    state_field="verification",
    owners=lambda org: {Side.ENTERPRISE: org.pk},
    table=(
        transition(
            "verify", "认证", [V.PENDING], V.VERIFIED, Side.ENTERPRISE, "portal.apply", guard=_not_named_x
        ),
        transition(
            "revoke", "撤销认证", [V.VERIFIED], V.PENDING, Side.ENTERPRISE, "portal.apply", needs_reason=True
        ),
        transition("register", "注册", [], V.PENDING, Side.ENTERPRISE, "portal.apply"),
        transition(
            "auto", "自动认证", [V.PENDING], V.VERIFIED, Side.ENTERPRISE, "portal.apply", automatic=True
        ),
    ),
)


@pytest.fixture
def enterprise(db):
    org = factories.organisation(Side.ENTERPRISE, verification=V.PENDING)
    role = factories.role(org, ["portal.apply"])
    return org, factories.user(org, roles=[role]), factories.user(org)


def test_the_checks_run_side_permission_ownership_state_guard_in_that_order(enterprise):
    org, member, bare = enterprise
    other = factories.organisation(Side.ENTERPRISE, verification=V.PENDING)
    insurer_user = factories.user(factories.organisation(Side.INSURER), admin=True)

    assert MACHINE.why_not(org, "verify", insurer_user) == NO_PERMISSION  # side
    assert MACHINE.why_not(org, "verify", bare) == NO_PERMISSION  # permission
    assert MACHINE.why_not(other, "verify", member) == "企业不存在或无权操作"  # ownership
    assert MACHINE.why_not(org, "revoke", member) == "企业当前状态为“待认证”，不能撤销认证"  # state
    org.name = "X公司"
    assert MACHINE.why_not(org, "verify", member) == "名称以X开头的企业不能认证"  # guard
    org.name = "好公司"
    assert MACHINE.why_not(org, "verify", member) is None
    assert MACHINE.can(org, "verify", member)
    assert MACHINE.why_not(org, "auto", member) == NO_PERMISSION  # taken by the workflow, never a button
    assert MACHINE.available_actions(org, member) == ["verify"]
    assert MACHINE.why_not(org, "unknown", member) == NO_PERMISSION


def test_available_actions_are_exactly_those_can_allows(enterprise):
    """available_actions skips what the table alone refuses (no transition for the side, a state outside the
    sources) before the full checks: the same answer as asking ``can`` of every action."""
    org, member, bare = enterprise
    other = factories.organisation(Side.ENTERPRISE, verification=V.VERIFIED)
    insurer_user = factories.user(factories.organisation(Side.INSURER), admin=True)
    seen = set()
    for state in (V.PENDING, V.VERIFIED):
        for name in ("好公司", "X公司"):
            org.verification, org.name = state, name
            for obj in (org, other):
                for user in (member, bare, insurer_user):
                    expected = [action for action in MACHINE.actions if MACHINE.can(obj, action, user)]
                    assert MACHINE.available_actions(obj, user) == expected
                    seen.add(tuple(expected))
    assert seen == {(), ("verify",), ("revoke",)}


def test_an_action_that_creates_its_object_is_never_one_on_an_existing_object(enterprise):
    org, member, _ = enterprise
    assert MACHINE.begin("register", member).target == V.PENDING  # no object: the creation itself
    assert MACHINE.why_not(org, "register", member) == "企业当前状态为“待认证”，不能注册"
    assert "register" not in MACHINE.available_actions(org, member)


def test_check_owner_is_the_ownership_check_of_begin_on_its_own(enterprise):
    org, member, _ = enterprise
    other = factories.organisation(Side.ENTERPRISE)
    MACHINE.check_owner(org, member, Side.ENTERPRISE)
    with pytest.raises(Refused) as refused:
        MACHINE.check_owner(other, member, Side.ENTERPRISE)
    assert refused.value.message == "企业不存在或无权操作"


def test_claim_moves_the_state_once_and_the_loser_is_told_to_refresh(enterprise):
    org, member, _ = enterprise
    seen_by_other = Organisation.objects.get(pk=org.pk)
    t = MACHINE.begin("verify", member, org)

    assert MACHINE.claim(org, t, contact_name="张三") == V.PENDING
    assert org.verification == V.VERIFIED and org.contact_name == "张三"
    org.refresh_from_db()
    assert org.verification == V.VERIFIED and org.contact_name == "张三"
    with pytest.raises(Refused) as refused:
        MACHINE.claim(seen_by_other, t)
    assert refused.value.message == "该企业状态已变化，请刷新后重试"


def test_claim_refuses_when_its_extra_condition_no_longer_holds(enterprise):
    org, member, _ = enterprise
    t = MACHINE.begin("verify", member, org)
    with pytest.raises(Refused, match="该企业状态已变化"):
        MACHINE.claim(org, t, where={"name": "另一个名称"})
    org.refresh_from_db()
    assert org.verification == V.PENDING


def test_claim_many_moves_each_object_with_its_own_fields_in_one_update(
    enterprise, django_assert_num_queries
):
    org, member, _ = enterprise
    others = [factories.organisation(Side.ENTERPRISE, verification=V.PENDING) for _ in range(3)]
    orgs = [org, *others]
    t = MACHINE.begin("verify", member, org)
    moves = [
        (one, {"contact_name": f"联系人{n}", "contact_phone": "13800000000"}) for n, one in enumerate(orgs)
    ]
    # Savepoint, the locking read, the one update, release.
    with django_assert_num_queries(4):
        assert MACHINE.claim_many(moves, t) == [V.PENDING] * 4
    assert [one.verification for one in orgs] == [V.VERIFIED] * 4
    fresh = Organisation.objects.in_bulk([one.pk for one in orgs])
    for n, one in enumerate(orgs):
        row = fresh[one.pk]
        assert (row.verification, row.contact_name, row.contact_phone) == (
            V.VERIFIED,
            f"联系人{n}",
            "13800000000",
        )
    assert MACHINE.claim_many([], t) == []


def test_claim_many_moves_none_when_one_has_moved_on_and_names_it(enterprise):
    org, member, _ = enterprise
    others = [factories.organisation(Side.ENTERPRISE, verification=V.PENDING) for _ in range(3)]
    t = MACHINE.begin("verify", member, org)
    MACHINE.claim(Organisation.objects.get(pk=others[1].pk), t)  # another request moved it first
    with pytest.raises(StaleClaims) as refused:
        MACHINE.claim_many([(one, {"contact_name": one.name}) for one in [org, *others]], t)
    assert refused.value.stale == [2] and refused.value.message == "该企业状态已变化，请刷新后重试"
    assert (
        Organisation.objects.filter(
            pk__in=[org.pk, others[0].pk, others[2].pk], verification=V.PENDING
        ).count()
        == 3
    )
    assert org.verification == V.PENDING  # the objects in memory unchanged too
    with pytest.raises(StaleClaims) as refused:  # ``where`` no longer holds for one of them
        MACHINE.claim_many([(org, {}), (others[0], {})], t, where={"name": org.name})
    assert refused.value.stale == [1]
    assert Organisation.objects.get(pk=org.pk).verification == V.PENDING


def test_one_reason_rule_for_every_machine(settings):
    revoke = MACHINE.transition("revoke", Side.ENTERPRISE)
    verify = MACHINE.transition("verify", Side.ENTERPRISE)
    with pytest.raises(Refused) as refused:
        MACHINE.reason("  ", revoke)
    assert refused.value.errors == {"reason": ["请填写撤销认证的原因"]}
    assert MACHINE.reason("  资料有误 ", revoke) == "资料有误"
    assert MACHINE.reason("", verify) == ""
    settings.WORKFLOW_REASON_MAX_LENGTH = 10
    with pytest.raises(Refused, match="原因不能超过10个字"):
        MACHINE.reason("一" * 11, revoke)


def test_a_table_with_two_rows_for_one_action_and_side_is_refused():
    row = transition("verify", "认证", [V.PENDING], V.VERIFIED, Side.ENTERPRISE, "portal.apply")
    with pytest.raises(ValueError, match="two transitions"):
        Machine(model=Organisation, noun="企业", owners=lambda org: {}, table=(row, row))
