"""One scope per side (orders/scopes.py, policies/scopes.py, prevention/scopes.py), tested once per side.

Two insurers, four enterprises (丰泽, 晋江, one of no region, one whose verification is pending), two service
organisations, regulators of the city and of two counties and the platform: each sees exactly the rows written
out below. Here, at the top of the layering, because the regulator's screens must agree with the same scopes.
"""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anze.accounts.models import Organisation, User, Verification
from anze.basedata.models import Industry, Region
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.orders import applications as order_applications
from anze.orders import scenarios as orders
from anze.orders.models import OrderStatus
from anze.orders.scopes import orders_visible_to
from anze.policies import workflow as policy_workflow
from anze.policies.scopes import policies_visible_to
from anze.prevention import scenarios, selectors, services
from anze.prevention.attachments import Uploads
from anze.prevention.complaints import complaint_file
from anze.prevention.hazards import hazard_create
from anze.prevention.models import HazardLevel
from anze.regulator.selectors import enterprises_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    ensure_base_data()
    fengze, jinjiang = Region.objects.get(code="350503"), Region.objects.get(code="350582")
    construction = Industry.objects.get(code="construction")
    users: dict[str, User] = {}

    def org(label, kind, **fields):
        organisation = factories.organisation(kind, name=label, **fields)
        users[label] = factories.user(organisation, admin=True)
        return organisation

    org("甲保险", Side.INSURER)
    org("乙保险", Side.INSURER)
    for label, region in (
        ("丰泽企业", fengze),
        ("晋江企业", jinjiang),
        ("无地区企业", None),
        ("待认证企业", fengze),
    ):
        org(label, Side.ENTERPRISE, region=region, industry=construction)
    s1, s2 = org("安信服务", Side.SERVICE_ORG), org("闽安服务", Side.SERVICE_ORG)
    org("泉州市应急管理局", Side.REGULATOR, region=Region.objects.get(code="350500"))
    org("丰泽区应急管理局", Side.REGULATOR, region=fengze)
    org("晋江市应急管理局", Side.REGULATOR, region=jinjiang)
    org("平台", Side.PLATFORM)

    def issued(insurer, enterprise, name):
        return scenarios.issued_policy(
            insurer_user=users[insurer], enterprise_user=users[enterprise], project_name=name
        )

    p1 = issued("甲保险", "丰泽企业", "丰泽-甲-已出函")
    p2 = issued("乙保险", "晋江企业", "晋江-乙-已出函")
    issued("甲保险", "无地区企业", "无地区-甲-已出函")
    for insurer, enterprise, name in (
        ("乙保险", "丰泽企业", "丰泽-乙-待报价"),
        ("甲保险", "待认证企业", "待认证-甲-待报价"),
    ):
        orders.online_order(insurer_user=users[insurer], enterprise_user=users[enterprise], project_name=name)
    order_applications.order_apply(
        actor=users["晋江企业"],
        application=orders.application(
            users["甲保险"].organisation, users["晋江企业"].organisation, project_name="晋江-甲-草稿"
        ),
        submit=False,
    )
    # 安信 serves 丰泽-甲: a record, an inspection with a hazard, and the enterprise's complaint about it;
    # 闽安 was asked to serve 晋江-乙 and has not answered yet.
    scenarios.in_service(p1, users["甲保险"], users["安信服务"])
    member = scenarios.staff(s1)
    scenarios.record(p1, users["安信服务"], "training", [member])
    inspection = services.inspection_create(
        policy=scenarios.fresh(p1),
        actor=users["安信服务"],
        data=services.InspectionData(timezone.localdate(), "车间", [member], "检查", Uploads()),
    )
    hazard_create(
        inspection=inspection,
        actor=users["安信服务"],
        level=HazardLevel.MAJOR,
        description="叉车无证驾驶",
        location="",
        deadline=timezone.localdate() + timedelta(days=3),
    )
    complaint_file(policy=scenarios.fresh(p1), actor=users["丰泽企业"], content="服务不及时")
    scenarios.assign(p2, users["乙保险"], s2)
    # The enterprise's verification is pending (as after a self-registration): rows naming it stay hidden.
    Organisation.objects.filter(name="待认证企业").update(verification=Verification.PENDING)
    return {
        label: User.objects.select_related("organisation").get(pk=user.pk) for label, user in users.items()
    }


def seen(user: User) -> dict[str, set[str]]:
    return {
        "orders": set(orders_visible_to(user).values_list("project_name", flat=True)),
        "policies": set(policies_visible_to(user).values_list("order__project_name", flat=True)),
        "records": {r.policy.order.project_name for r in selectors.records_for(user=user)},
        "hazards": {h.description for h in selectors.hazards_for(user=user)},
        "complaints": {c.content for c in selectors.complaints_for(user=user)},
    }


NOTHING = {"orders": set(), "policies": set(), "records": set(), "hazards": set(), "complaints": set()}
FZ_JIA, JJ_YI, NOWHERE_JIA = "丰泽-甲-已出函", "晋江-乙-已出函", "无地区-甲-已出函"
FZ_YI, PENDING_JIA, JJ_DRAFT = "丰泽-乙-待报价", "待认证-甲-待报价", "晋江-甲-草稿"
SERVED = {"records": {FZ_JIA}, "hazards": {"叉车无证驾驶"}}
COMPLAINED = {"complaints": {"服务不及时"}}

EXPECTED: dict[str, dict[str, set[str]]] = {
    # an insurer: its submitted orders (not 晋江's draft addressed to it), its policies and their archives
    "甲保险": {
        **NOTHING,
        "orders": {FZ_JIA, NOWHERE_JIA, PENDING_JIA},
        "policies": {FZ_JIA, NOWHERE_JIA},
        **SERVED,
        **COMPLAINED,
    },
    "乙保险": {**NOTHING, "orders": {JJ_YI, FZ_YI}, "policies": {JJ_YI}},
    # a verified enterprise: its own, drafts included
    "丰泽企业": {**NOTHING, "orders": {FZ_JIA, FZ_YI}, "policies": {FZ_JIA}, **SERVED, **COMPLAINED},
    "晋江企业": {**NOTHING, "orders": {JJ_YI, JJ_DRAFT}, "policies": {JJ_YI}},
    "无地区企业": {**NOTHING, "orders": {NOWHERE_JIA}, "policies": {NOWHERE_JIA}},
    "待认证企业": NOTHING,
    # a service organisation: the policies assigned to it (待处理 included) and what it recorded on them
    "安信服务": {**NOTHING, "policies": {FZ_JIA}, **SERVED, **COMPLAINED},
    "闽安服务": {**NOTHING, "policies": {JJ_YI}},
    # a regulator: its region and below, not drafts; above the county also the order of no region
    "泉州市应急管理局": {
        **NOTHING,
        "orders": {FZ_JIA, JJ_YI, NOWHERE_JIA, FZ_YI, PENDING_JIA},
        "policies": {FZ_JIA, JJ_YI, NOWHERE_JIA},
        **SERVED,
    },
    "丰泽区应急管理局": {**NOTHING, "orders": {FZ_JIA, FZ_YI, PENDING_JIA}, "policies": {FZ_JIA}, **SERVED},
    "晋江市应急管理局": {**NOTHING, "orders": {JJ_YI}, "policies": {JJ_YI}},
    "平台": NOTHING,
}


def test_each_side_sees_exactly_its_rows(world):
    assert {label: seen(user) for label, user in world.items()} == EXPECTED


def test_a_declined_policy_leaves_the_service_organisation(world):
    policy = policies_visible_to(world["闽安服务"]).get()
    policy_workflow.policy_decline_service(
        policy=scenarios.fresh(policy), actor=world["闽安服务"], reason="人手不足"
    )
    assert seen(world["闽安服务"]) == NOTHING
    assert seen(world["乙保险"])["policies"] == {JJ_YI}


def test_a_regulator_sees_the_enterprises_of_its_jurisdiction(world):
    def names(label):
        return set(enterprises_for(user=world[label]).values_list("name", flat=True))

    assert names("泉州市应急管理局") == {"丰泽企业", "晋江企业", "无地区企业", "待认证企业"}
    assert names("丰泽区应急管理局") == {"丰泽企业", "待认证企业"}
    assert names("晋江市应急管理局") == {"晋江企业"}


@pytest.mark.parametrize("label", ["泉州市应急管理局", "丰泽区应急管理局", "晋江市应急管理局"])
def test_the_regulators_list_statistics_and_export_agree_with_its_scope(world, client_for, label):
    user = world[label]
    client = client_for(user)
    scoped_orders, scoped_policies = orders_visible_to(user), policies_visible_to(user)

    listed = client.get("/regulator/orders/?size=50")
    assert listed.context["page"].total == scoped_orders.count() == len(EXPECTED[label]["orders"])
    policies = client.get("/regulator/policies/?size=50")
    assert policies.context["page"].total == scoped_policies.count() == len(EXPECTED[label]["policies"])

    stats = client.get("/regulator/statistics/").context
    in_progress = scoped_orders.exclude(status__in=[OrderStatus.ISSUED, OrderStatus.CANCELLED]).count()
    assert stats["summary"].orders_in_progress == in_progress
    by_county = {row["name"]: row["policies"] for row in stats["charts"]["county"]}
    assert sum(by_county.values()) == scoped_policies.count()
    assert ("未填写" in by_county) == (label == "泉州市应急管理局")  # the policy of no region

    export = client.get("/regulator/policies/export/")
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    exported = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert exported == set(scoped_policies.values_list("order__application_no", flat=True))
