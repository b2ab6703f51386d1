"""理赔 in the manuals: the accident form the enterprise's 报案 and the insurer's 电话报案登记 share, and the
statuses every side's claim list shows. The sections themselves are in each side's script."""

from __future__ import annotations

from typing import Any

from ..script import Step

CLAIM_STATUSES = (
    ("待受理", "企业已报案（或保险公司登记了电话报案），等待保险公司受理。"),
    ("待立案", "已受理，等待保险公司在核心系统立案并填写案件号。"),
    ("待查勘", "已立案，等待查勘现场、核实伤亡与保险责任。"),
    ("待理算", "已查勘，等待按伤亡人员计算死亡伤残赔款与医疗费用赔款。"),
    ("待结案", "已理算，等待支付赔款后结案（可重新理算）。"),
    ("已结案", "赔款已支付，案件结束。"),
    ("已拒赔", "不属于保险责任，保险公司拒赔并说明原因。"),
    ("已注销", "报案人撤案或重复报案，保险公司注销。"),
)
CLAIM_ERRORS = (
    ("出险日期不在保单的保险期间内", "核对出险日期与保单：只能对事故发生时有效的保单报案。"),
    ("出险日期不能晚于今天", "出险日期是事故发生的日期。"),
    ("超过报案时限", "事故须在地区投保规则规定的时限内报案，逾期请与保险公司联系。"),
)


def accident(form: str, *, first: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """The fields of the accident in ``form`` (a selector of the report form), as a demo report fills them;
    ``first``: fields of the form filled before them (the insurer's 保单编号)."""
    return {
        "fill": (
            *first,
            (f"{form} input[name=accident_time]", "09:30"),
            (f"{form} input[name=accident_place]", "3号楼5层楼板浇筑作业面"),
            (
                f"{form} textarea[name=description]",
                "混凝土工在浇筑楼板时踩空预留洞口坠落至4层，左臂骨折，已送医救治。",
            ),
            (f"{form} input[name=deaths]", "0"),
            (f"{form} input[name=injured]", "1"),
            (f"{form} input[name=estimated_loss]", "50000"),
            (f"{form} input[name=reporter_name]", "蔡明辉"),
            (f"{form} input[name=reporter_phone]", "13860710001"),
        ),
        "select": ((f"{form} select[name=accident_type]", "高处坠落"),),
        "dates": ((f"{form} input[name=accident_date]", -1),),
        "upload": ((f"{form} input[type=file][name=photo_1]", "现场照片.jpg"),),
    }


def open_claim(prefix: str, tab: str, what: str) -> Step:
    """Open the first claim of a tab of 理赔管理 (its 查看)."""
    return Step(
        f"打开{what}的案件",
        f"在理赔管理中点击“{what}”标签，在案件上点击「查看」。",
        goto=f"/{prefix}/claims/?tab={tab}",
        click='tbody tr a[data-action="detail"]:has-text("查看") >> nth=0',
        capture=None,
    )
