"""Demo orders: for every demo insurer, online orders of the demo enterprises in every state the insurer sees
up to 待出函 (with a rejected quote, a rejected payment and a cancelled one), and two offline orders to back-fill.
The orders of ``TO_ISSUE`` are left in 待出函 for ``anze.policies.demo`` to issue (出函 is the policies app's):
two online ones and one offline one, back-filled.

Everything goes through ``scenarios`` and so through the workflow: the files are real small PDFs and images,
and each order has its timeline, its 站内消息 and its SMS rows, exactly as clicking through would leave them.
Idempotent: an insurer that already has orders is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anze.accounts import demo as accounts_demo
from anze.accounts.models import Organisation, User
from anze.basedata.models import Industry, Region
from anze.core.sides import Side

from . import scenarios, workflow
from .models import Order, OrderStatus
from .rules import add_years

S = OrderStatus


@dataclass(frozen=True)
class Project:
    enterprise: str  # login of the enterprise's demo account
    name: str
    address: str
    headcount: int


# Projects of the demo enterprises (accounts/demo.py), as their clerks would name them.
PROJECTS: tuple[Project, ...] = (
    Project("hongsheng", "丰泽区东海街道安置房二期工程", "泉州市丰泽区东海街道通港西街88号", 260),
    Project("huatai", "晋江市华泰鞋业陈埭生产基地", "晋江市陈埭镇鞋都路168号", 480),
    Project("lianhe", "泉港石化园区储运罐区", "泉州市泉港区南埔镇石化园区纬三路6号", 95),
    Project("jinlei", "南安市金磊石材水头加工厂", "南安市水头镇石材工业园区", 130),
    Project("haifeng", "惠安县海丰渔业崇武远洋捕捞船队", "惠安县崇武镇渔港路12号", 75),
    Project("hongsheng", "洛江区万安街道市政道路提升工程", "泉州市洛江区万安街道双阳路", 180),
    Project("huatai", "晋江市华泰鞋业安海物流仓储中心", "晋江市安海镇成功路9号", 60),
    Project("lianhe", "泉港区危化品运输车队", "泉州市泉港区前黄镇驿峰路", 45),
    Project("jinlei", "南安市金磊石材官桥矿山", "南安市官桥镇矿区", 110),
    Project("hongsheng", "石狮市宝盖镇标准厂房建设工程", "石狮市宝盖镇科技园区", 210),
    Project("haifeng", "惠安县海丰渔业净峰冷链加工车间", "惠安县净峰镇工业区", 88),
)

# Offline orders keyed in by the insurer: one of an enterprise not registered on the platform.
OFFLINE_UNREGISTERED: dict[str, Any] = {
    "applicant_name": "泉州市洛江区万安建材有限公司",
    "applicant_credit_code": accounts_demo.credit_code("91350504MA2YL8H37"),
    "contact_name": "郭建新",
    "contact_phone": "13860710021",
    "project_name": "泉州市洛江区万安建材有限公司",
    "project_address": "泉州市洛江区万安街道塘西工业区",
    "headcount": 40,
}


OFFLINE_TO_ISSUE = "南安市金磊石材英都采石场"
# The projects whose orders the policies app's demo issues (in this order, for its policy numbers).
TO_ISSUE: tuple[str, ...] = (PROJECTS[6].name, PROJECTS[7].name, OFFLINE_TO_ISSUE)


def _scheme_for(project: Project) -> dict[str, Any]:
    """A plausible quote: 100 元 per insured person, 20% of it for accident prevention."""
    premium = Decimal(project.headcount * 100)
    return {"premium": premium, "prevention_fee": (premium * Decimal("0.2")).quantize(Decimal("0.01"))}


def load(stdout: Any) -> None:
    enterprises = {
        login: User.objects.get(username=login) for *_, login in accounts_demo.ENTERPRISES if login
    }
    created = 0
    for spec in accounts_demo.INSURERS:
        insurer = Organisation.objects.get(kind=Side.INSURER, code=spec["code"])
        if Order.objects.filter(insurer=insurer).exists():
            continue
        clerk = User.objects.get(username=spec["admin"][0])
        created += _load_insurer(insurer, clerk, enterprises)
    stdout.write(f"订单：新建 {created} 个演示订单（各状态的线上订单与线下订单）")


def _load_insurer(insurer: Organisation, clerk: User, enterprises: dict[str, User]) -> int:
    start = timezone.localdate() + timedelta(days=7)

    def online(project: Project, until: str, **kwargs: Any) -> Order:
        return scenarios.online_order(
            insurer_user=clerk,
            enterprise_user=enterprises[project.enterprise],
            until=until,
            scheme_overrides=_scheme_for(project),
            project_name=project.name,
            project_address=project.address,
            headcount=project.headcount,
            expected_start=start,
            expected_end=add_years(start, 1) - timedelta(days=1),
            **kwargs,
        )

    p = PROJECTS
    orders = [
        online(p[0], S.AWAITING_QUOTE),
        online(p[1], S.AWAITING_CONFIRMATION),
        online(p[2], S.AWAITING_PAYMENT_NOTICE),
        online(p[3], S.AWAITING_PAYMENT),
        online(p[4], S.AWAITING_PAYMENT_REVIEW),
        online(p[5], S.AWAITING_ISSUE),
        online(p[6], S.AWAITING_ISSUE),  # TO_ISSUE
        online(p[7], S.AWAITING_ISSUE),  # TO_ISSUE
    ]
    # 拒绝报价: back to 待报价 with the enterprise's reason, waiting for a new quote.
    quoted = online(p[8], S.AWAITING_CONFIRMATION)
    orders.append(
        workflow.order_reject_quote(
            order=quoted, actor=enterprises[p[8].enterprise], reason="保费高于年度预算，请适当调整方案"
        )
    )
    # 支付审核 驳回: back to 待支付 with the insurer's reason.
    paid = online(p[9], S.AWAITING_PAYMENT_REVIEW)
    orders.append(
        workflow.order_reject_payment(
            order=paid, actor=clerk, reason="付款凭证金额与保费不符，请核对后重新上传"
        )
    )
    # 取消: the enterprise insured elsewhere.
    confirmed = online(p[10], S.AWAITING_PAYMENT_NOTICE)
    orders.append(workflow.order_cancel(order=confirmed, actor=clerk, reason="企业已在其他保险公司投保"))
    # 线下订单: one waiting for its 保单信息补录, one to back-fill (TO_ISSUE).
    orders.append(
        scenarios.offline_order(
            insurer_user=clerk,
            region=Region.objects.get(code="350504"),
            industry=Industry.objects.get(code="ceramics"),
            **OFFLINE_UNREGISTERED,
        )
    )
    registered = enterprises[p[3].enterprise].organisation
    orders.append(
        scenarios.offline_order(
            insurer_user=clerk,
            enterprise=registered,
            project_name=OFFLINE_TO_ISSUE,
            project_address="南安市英都镇采石场",
            contact_name=registered.contact_name,
            contact_phone=registered.contact_phone,
        )
    )
    return len(orders)
