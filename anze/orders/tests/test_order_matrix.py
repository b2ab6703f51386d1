"""The order machine's literal matrix: every state × action × side → allowed (✓) or the exact refusal.

Written out by hand — not read from ``transitions.TRANSITIONS`` — so that a change to the table shows up here
as a changed cell. What is checked is ``ORDER.why_not`` (what a page asks before it shows a button or opens a
dialog): for the owning organisation's 管理员 (every permission of the side), for a 管理员 of another
organisation of the same side (ownership), and for a member of the owning organisation holding every
permission of the side except the action's own (permission). ``why_not`` looks at the order's state, type
and organisations only, so the orders are built in memory in each state; that the action functions refuse
and allow exactly the same is ``test_workflow_table``'s.

The kernel's order of checks (anze.core.workflow): side, permission, ownership, state, guard (the order type).

``reverse`` (冲正) is taken by the workflow itself (automatic: the approval of a 冲正 request), never a
button: where its state and permission hold, ``why_not`` answers 没有该操作的权限 (P) all the same; that the
approval takes it is ``anze/policies/tests/test_reversal.py``'s.

Codes of the cells, with their exact message ({状态}: the column, {操作}: the row's 操作名称):
    ✓  allowed
    P  没有该操作的权限
    S  订单当前状态为“{状态}”，不能{操作}
    N  线上订单不能{操作}
    L  线下订单不能{操作}
"""

from __future__ import annotations

import pytest

from anze.accounts.models import Organisation, User
from anze.core.catalogue import codes_for_side
from anze.core.sides import Side
from anze.core.testing import factories
from anze.core.testing.cast import Cast
from anze.orders.models import Order
from anze.orders.transitions import ORDER

pytestmark = pytest.mark.django_db

INS, ENT = Side.INSURER, Side.ENTERPRISE

MESSAGES = {
    "P": "没有该操作的权限",
    "S": "订单当前状态为“{状态}”，不能{操作}",
    "N": "线上订单不能{操作}",
    "L": "线下订单不能{操作}",
}
NOT_YOURS = "订单不存在或无权操作"

STATES = {
    "草稿": "draft",
    "待报价": "awaiting_quote",
    "待确认报价": "awaiting_confirmation",
    "待上传付款通知书": "awaiting_payment_notice",
    "待支付": "awaiting_payment",
    "待支付审核": "awaiting_payment_review",
    "待出函": "awaiting_issue",
    "已出函": "issued",
    "已取消": "cancelled",
}

# fmt: off
ONLINE_COLUMNS = ("草稿", "待报价", "待确认报价", "待上传付款通知书", "待支付", "待支付审核", "待出函", "已出函", "已取消")
ONLINE = {
    # (action, side):                 (操作名称,            permission,              草稿 待报 待确 待通 待付 待审 待出 已出 已取)
    ("apply", INS):                   ("提交投保申请",       None,                   "P  P  P  P  P  P  P  P  P"),
    ("apply", ENT):                   ("提交投保申请",       "portal.apply",         "S  S  S  S  S  S  S  S  S"),
    ("save_draft", INS):              ("保存草稿",           None,                   "P  P  P  P  P  P  P  P  P"),
    ("save_draft", ENT):              ("保存草稿",           "portal.apply",         "S  S  S  S  S  S  S  S  S"),
    ("submit", INS):                  ("提交投保申请",       None,                   "P  P  P  P  P  P  P  P  P"),
    ("submit", ENT):                  ("提交投保申请",       "portal.apply",         "✓  S  S  S  S  S  S  S  S"),
    ("quote", INS):                   ("报价",               "order.quote",          "S  ✓  S  S  S  S  S  S  S"),
    ("quote", ENT):                   ("报价",               None,                   "P  P  P  P  P  P  P  P  P"),
    ("confirm_quote", INS):           ("确认报价",           None,                   "P  P  P  P  P  P  P  P  P"),
    ("confirm_quote", ENT):           ("确认报价",           "portal.order.act",     "S  S  ✓  S  S  S  S  S  S"),
    ("reject_quote", INS):            ("拒绝报价",           None,                   "P  P  P  P  P  P  P  P  P"),
    ("reject_quote", ENT):            ("拒绝报价",           "portal.order.act",     "S  S  ✓  S  S  S  S  S  S"),
    ("upload_payment_notice", INS):   ("上传付款通知书",     "order.payment_notice", "S  S  S  ✓  S  S  S  S  S"),
    ("upload_payment_notice", ENT):   ("上传付款通知书",     None,                   "P  P  P  P  P  P  P  P  P"),
    ("upload_payment_voucher", INS):  ("上传付款凭证",       None,                   "P  P  P  P  P  P  P  P  P"),
    ("upload_payment_voucher", ENT):  ("上传付款凭证",       "portal.order.act",     "S  S  S  S  ✓  S  S  S  S"),
    ("approve_payment", INS):         ("支付审核通过",       "order.payment_review", "S  S  S  S  S  ✓  S  S  S"),
    ("approve_payment", ENT):         ("支付审核通过",       None,                   "P  P  P  P  P  P  P  P  P"),
    ("reject_payment", INS):          ("支付审核驳回",       "order.payment_review", "S  S  S  S  S  ✓  S  S  S"),
    ("reject_payment", ENT):          ("支付审核驳回",       None,                   "P  P  P  P  P  P  P  P  P"),
    ("issue", INS):                   ("出函",               "order.issue",          "S  S  S  S  S  S  ✓  S  S"),
    ("issue", ENT):                   ("出函",               None,                   "P  P  P  P  P  P  P  P  P"),
    ("create_offline", INS):          ("新增线下订单",       "order.offline_create", "S  S  S  S  S  S  S  S  S"),
    ("create_offline", ENT):          ("新增线下订单",       None,                   "P  P  P  P  P  P  P  P  P"),
    ("issue_offline", INS):           ("出函（保单信息补录）", "order.issue",        "S  S  S  S  S  S  N  S  S"),
    ("issue_offline", ENT):           ("出函（保单信息补录）", None,                 "P  P  P  P  P  P  P  P  P"),
    ("reverse", INS):                 ("冲正",               "policy.reversal_review", "S  S  S  S  S  S  S  P  S"),
    ("reverse", ENT):                 ("冲正",               None,                   "P  P  P  P  P  P  P  P  P"),
    ("cancel", INS):                  ("取消订单",           "order.cancel",         "S  ✓  ✓  ✓  ✓  ✓  ✓  S  S"),
    ("cancel", ENT):                  ("取消订单",           "portal.order.act",     "S  ✓  ✓  ✓  ✓  ✓  ✓  S  S"),
}

# An offline order (新增线下订单 of a registered enterprise) starts at 待出函: these are the states it can be in.
OFFLINE_COLUMNS = ("待出函", "已出函", "已取消")
OFFLINE = {
    # (action, side):                 待出 已出 已取
    ("apply", INS):                   "P  P  P",
    ("apply", ENT):                   "S  S  S",
    ("save_draft", INS):              "P  P  P",
    ("save_draft", ENT):              "S  S  S",
    ("submit", INS):                  "P  P  P",
    ("submit", ENT):                  "S  S  S",
    ("quote", INS):                   "S  S  S",
    ("quote", ENT):                   "P  P  P",
    ("confirm_quote", INS):           "P  P  P",
    ("confirm_quote", ENT):           "S  S  S",
    ("reject_quote", INS):            "P  P  P",
    ("reject_quote", ENT):            "S  S  S",
    ("upload_payment_notice", INS):   "S  S  S",
    ("upload_payment_notice", ENT):   "P  P  P",
    ("upload_payment_voucher", INS):  "P  P  P",
    ("upload_payment_voucher", ENT):  "S  S  S",
    ("approve_payment", INS):         "S  S  S",
    ("approve_payment", ENT):         "P  P  P",
    ("reject_payment", INS):          "S  S  S",
    ("reject_payment", ENT):          "P  P  P",
    ("issue", INS):                   "L  S  S",
    ("issue", ENT):                   "P  P  P",
    ("create_offline", INS):          "S  S  S",
    ("create_offline", ENT):          "P  P  P",
    ("issue_offline", INS):           "✓  S  S",
    ("issue_offline", ENT):           "P  P  P",
    ("reverse", INS):                 "S  P  S",
    ("reverse", ENT):                 "P  P  P",
    ("cancel", INS):                  "✓  S  S",
    ("cancel", ENT):                  "L  S  S",
}
# fmt: on


def _expected(code: str, state: str, label: str) -> str | None:
    return None if code == "✓" else MESSAGES[code].format(状态=state, 操作=label)


def _order(insurer: Organisation, enterprise: Organisation | None, state: str, order_type: str) -> Order:
    return Order(status=STATES[state], order_type=order_type, insurer=insurer, enterprise=enterprise)


def _owner(cast: Cast, side: str) -> User:
    """The 管理员 of the order's organisation of ``side``."""
    return {INS: cast.clerk, ENT: cast.applicant}[side]


def _stranger(cast: Cast, side: str) -> User:
    """The 管理员 of another organisation of ``side``."""
    return {INS: cast.other_clerk, ENT: cast.other_applicant}[side]


def _without(cast: Cast, side: str, permission: str) -> User:
    """A member of the owning organisation with every permission of the side but ``permission``."""
    org = cast.insurer if side == INS else cast.enterprise
    role = factories.role(org, sorted(codes_for_side(side) - {permission}))
    return factories.user(org, roles=[role])


def test_the_matrix_has_a_row_for_every_action_and_side_of_the_machine():
    assert {action for action, _ in ONLINE} == set(ORDER.actions)
    assert set(ONLINE) == set(OFFLINE) == {(action, side) for action in ORDER.actions for side in (INS, ENT)}
    assert all(len(row[2].split()) == len(ONLINE_COLUMNS) for row in ONLINE.values())
    assert all(len(cells.split()) == len(OFFLINE_COLUMNS) for cells in OFFLINE.values())


@pytest.mark.parametrize(("action", "side"), list(ONLINE))
def test_an_online_order(cast, action, side):
    label, _permission, cells = ONLINE[(action, side)]
    found, expected = {}, {}
    for state, code in zip(ONLINE_COLUMNS, cells.split(), strict=True):
        order = _order(cast.insurer, cast.enterprise, state, "online")
        found[state] = ORDER.why_not(order, action, _owner(cast, side))
        expected[state] = _expected(code, state, label)
    assert found == expected


@pytest.mark.parametrize(("action", "side"), list(OFFLINE))
def test_an_offline_order(cast, action, side):
    label = ONLINE[(action, side)][0]
    found, expected = {}, {}
    for state, code in zip(OFFLINE_COLUMNS, OFFLINE[(action, side)].split(), strict=True):
        order = _order(cast.insurer, cast.enterprise, state, "offline")
        found[state] = ORDER.why_not(order, action, _owner(cast, side))
        expected[state] = _expected(code, state, label)
    assert found == expected


@pytest.mark.parametrize(("action", "side"), [key for key, row in ONLINE.items() if row[1] is not None])
def test_another_organisation_and_a_member_without_the_permission_are_refused_in_every_state(
    cast, action, side
):
    """Ownership and permission come before the state: the same refusal whatever the order's state."""
    permission = ONLINE[(action, side)][1]
    assert permission is not None
    lacking = _without(cast, side, permission)
    for order_type, columns in (("online", ONLINE_COLUMNS), ("offline", OFFLINE_COLUMNS)):
        for state in columns:
            order = _order(cast.insurer, cast.enterprise, state, order_type)
            assert ORDER.why_not(order, action, _stranger(cast, side)) == NOT_YOURS, (order_type, state)
            assert ORDER.why_not(order, action, lacking) == "没有该操作的权限", (order_type, state)


def test_no_enterprise_acts_on_the_offline_order_of_an_unregistered_one(cast):
    order = _order(cast.insurer, None, "待出函", "offline")
    assert ORDER.why_not(order, "cancel", _owner(cast, ENT)) == NOT_YOURS
    assert ORDER.why_not(order, "cancel", _owner(cast, INS)) is None


@pytest.mark.parametrize("side", [Side.SERVICE_ORG, Side.REGULATOR, Side.PLATFORM])
def test_the_other_sides_have_no_order_action(db, side):
    user = factories.user(factories.organisation(side), admin=True)
    order = _order(factories.organisation(INS), None, "待报价", "online")
    assert {action: ORDER.why_not(order, action, user) for action in ORDER.actions} == dict.fromkeys(
        ORDER.actions, "没有该操作的权限"
    )
