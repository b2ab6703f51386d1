"""Property (issue 11 finding 2): over the whole permission catalogue, editors holding random permissions make
random 账号管理 and 角色管理 changes — any role to anyone, any permissions to any role, their own account and
role included. After every change:

- the editor holds no permission it did not hold before (no self-escalation);
- no account and no role gained a permission its assigner (the editor) lacked;
- an account that could do more than the editor is untouched (roles, password, status).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anze.accounts import services
from anze.accounts.models import Organisation, Role, User
from anze.core import catalogue
from anze.core.errors import Refused
from anze.core.sides import Side
from anze.core.testing import factories

pytestmark = pytest.mark.django_db

SIDES = list(Side.values)
# Each action and the permission its view requires.
GATES = {
    "user_create": "system.user.add",
    "user_edit": "system.user.edit",
    "user_active": "system.user.edit",
    "user_delete": "system.user.delete",
    "role_create": "system.role.add",
    "role_edit": "system.role.edit",
    "role_delete": "system.role.delete",
}
ACTIONS = tuple(GATES)


def grantable(side: str) -> list[str]:
    return [p.code for p in catalogue.grantable_for_side(side)]


def codes_of_roles(roles: list[Role], side: str) -> frozenset[str]:
    """What the roles let an account do, read as ``User.has_perm_code`` reads it (and independently of the
    code under test): 管理员 → everything of the side; otherwise the grantable codes the roles list."""
    if any(role.is_admin for role in roles):
        return catalogue.codes_for_side(side)
    offered = set(grantable(side))
    return frozenset(code for role in roles for code in role.permissions if code in offered)


@dataclass(frozen=True)
class Account:
    codes: frozenset[str]
    roles: frozenset[int]
    password: str
    is_active: bool
    deleted: bool


def snapshot(org: Organisation) -> tuple[dict[int, Account], dict[int, frozenset[str]]]:
    users: dict[int, Account] = {}
    for user in User.objects.filter(organisation=org).prefetch_related("roles"):
        roles = list(user.roles.all())
        users[user.pk] = Account(
            codes=codes_of_roles(roles, org.kind),
            roles=frozenset(role.pk for role in roles),
            password=user.password,
            is_active=user.is_active,
            deleted=user.deleted_at is not None,
        )
    roles = {role.pk: codes_of_roles([role], org.kind) for role in Role.objects.filter(organisation=org)}
    return users, roles


def permission_sets(side: str) -> st.SearchStrategy[set[str]]:
    return st.sets(st.sampled_from(grantable(side)), max_size=8)


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    side = draw(st.sampled_from(SIDES))
    system = [code for code in grantable(side) if code.startswith("system.")]
    # Editors: some 系统管理 permissions (or they could do nothing) plus anything else of the catalogue.
    editors = [
        draw(permission_sets(side)) | draw(st.sets(st.sampled_from(system), min_size=4)) for _ in range(2)
    ]
    others = [draw(permission_sets(side)) for _ in range(3)]
    steps = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "actor": st.integers(0, 2),  # 2 = the 管理员, so that states vary
                    "action": st.sampled_from(ACTIONS),
                    "target": st.integers(0, 50),
                    "roles": st.sets(st.integers(0, 50), max_size=3),
                    "permissions": permission_sets(side),
                    "password": st.booleans(),
                    "active": st.booleans(),
                }
            ),
            min_size=1,
            max_size=6,
        )
    )
    return {"side": side, "editors": editors, "others": others, "steps": steps}


def act(step: dict[str, Any], actor: User, org: Organisation, users: list[int], roles: list[int]) -> None:
    """One 账号管理 / 角色管理 write through the services (the views add nothing but parsing, and their
    forged-POST answers are tested in test_grants.py); a refusal is an answer like any other."""
    user = User.objects.get(pk=users[step["target"] % len(users)])
    role = Role.objects.get(pk=roles[step["target"] % len(roles)])
    chosen = list(Role.objects.filter(pk__in=[roles[i % len(roles)] for i in step["roles"]]))
    password = "Prop2026pass" if step["password"] else ""
    name = f"随机角色{step['target']}"  # never a factory role's name (角色<n>), which would be refused
    permissions = sorted(step["permissions"])
    calls = {
        "user_create": lambda: services.user_create(
            actor=actor,
            organisation=org,
            username=f"prop{step['target']}",
            name="某人",
            mobile="13697770764",
            password=password or "Prop2026pass",
            roles=chosen,
        ),
        "user_edit": lambda: services.user_update(
            actor=actor,
            user=user,
            name="某人",
            mobile="13697770764",
            roles=chosen,
            is_active=step["active"],
            new_password=password,
        ),
        "user_active": lambda: services.user_set_active(actor=actor, user=user, active=step["active"]),
        "user_delete": lambda: services.user_delete(actor=actor, user=user),
        "role_create": lambda: services.role_create(actor=actor, name=name, permissions=permissions),
        "role_edit": lambda: services.role_update(actor=actor, role=role, name=name, permissions=permissions),
        "role_delete": lambda: services.role_delete(actor=actor, role=role),
    }
    if not actor.has_perm_code(GATES[step["action"]]):
        return  # the view answers 403 (``@requires``) before any service runs
    with contextlib.suppress(Refused):
        calls[step["action"]]()


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_no_sequence_of_grants_escalates_anyone(scenario: dict[str, Any]) -> None:
    with transaction.atomic():
        check(scenario)
        transaction.set_rollback(True)


def check(scenario: dict[str, Any]) -> None:
    side = scenario["side"]
    org = factories.organisation(side)
    admin = factories.user(org, admin=True)
    editors = [factories.user(org, roles=[factories.role(org, sorted(p))]) for p in scenario["editors"]]
    for perms in scenario["others"]:
        factories.user(org, roles=[factories.role(org, sorted(perms))])
    actors = [editor.pk for editor in editors] + [admin.pk]

    for step in scenario["steps"]:
        actor = User.objects.select_related("organisation").get(pk=actors[step["actor"]])
        users_before, roles_before = snapshot(org)
        held = users_before[actor.pk].codes
        alive = sorted(pk for pk, account in users_before.items() if not account.deleted)
        act(step, actor, org, alive, sorted(roles_before))
        users_after, roles_after = snapshot(org)

        assert users_after[actor.pk].codes <= held, ("the editor gained permissions", step)
        for pk, after in users_after.items():
            before = users_before.get(pk)
            gained = after.codes - (before.codes if before else frozenset())
            assert gained <= held, ("an account gained what its assigner lacks", step, gained - held)
            if before is not None and not before.codes <= held:
                assert after == before, ("an account beyond the editor was changed", step)
        for pk, codes in roles_after.items():
            gained = codes - roles_before.get(pk, frozenset())
            assert gained <= held, ("a role gained what its editor lacks", step, gained - held)
