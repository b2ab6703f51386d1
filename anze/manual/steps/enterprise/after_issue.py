"""Sections of the enterprise manual: endorsements, claims."""

from __future__ import annotations

from ...script import Section, Step
from ..claims import CLAIM_ERRORS, CLAIM_STATUSES, accident
from ..common import (
    menu,
    row,
    toast,
)
from ..endorsements import ENDORSEMENT_STATUSES
from .data import EXPIRING, IN_SERVICE, P

endorsements = Section(
    "批改与退保",
    text="保单生效后参保人数、项目名称与地址、投保联系人或服务项目次数有变化时，在“我的保单”中点击「申请批改」；"
    "保险公司审核后，需加收保费的按付款通知书缴费并上传付款凭证，保险公司出具批单后批改生效，可下载批单。"
    "需要提前终止保单的点击「申请退保」，选择原因类别并上传证明材料（高危行业企业只有停产、关闭等情形才能退保）。"
    "审核前可撤回申请。",
    pages=(
        "endorsements:list",
        "endorsements:export",
        "endorsements:apply",
        "endorsements:surrender",
        "endorsements:detail",
        "endorsements:voucher",
        "endorsements:withdraw",
        "endorsements:surrender_withdraw",
        "endorsements:file",
    ),
    steps=(
        Step(
            "点击申请批改",
            "在我的保单中，点击要变更的保单的「申请批改」。",
            goto="/enterprise/policies/",
            click=f'{row(EXPIRING)} a[data-action="endorse"]:has-text("申请批改")',
            caption="我的保单列表",
        ),
        Step(
            "填写批改申请",
            "修改需要变更的内容（如参保人数），选择批改生效日期，填写原因，提交；提示“批改申请已提交，等待保险公司审核”。",
            fill=(
                ("#change-form input[name=headcount]", "170"),
                ("#change-form textarea[name=reason]", "新增施工人员20人"),
            ),
            dates=(("#change-form input[name=effective_on]", 1),),
            click="#change-form button[type=submit].btn-primary",
            expect=toast("批改申请已提交"),
            caption="申请批改页面",
        ),
        Step(
            "批改与退保列表",
            "点击左侧菜单「批改与退保」查看各申请的状态与批改保费；点击「办理」进入详情，按状态上传付款凭证、撤回申请或下载批单。",
            **menu(P, "批改与退保"),
            caption="批改与退保列表",
        ),
    ),
    statuses=ENDORSEMENT_STATUSES,
    errors=(
        (
            "该保单有尚未办结的批改或退保申请",
            "一张保单同时只能有一个未办结的申请，请等待办结或撤回后再申请。",
        ),
        ("批改生效日期须在保险期间内", "选择保险期间内、不早于今天的日期。"),
    ),
)

claims = Section(
    "我的理赔",
    text="发生安全生产事故后，在“我的保单”中对事故发生时有效的保单点击「报案」（或在“我的理赔”中点击「报案」选择保单），"
    "填写出险日期、时刻、地点、事故类型、经过、伤亡人数与估损金额，上传现场照片和事故证明材料。保险公司受理、立案、查勘、理算、"
    "结案的每一步都会通知企业；“我的理赔”中可查看每个案件的进度、赔款与处理记录。",
    pages=("claims:list", "claims:export", "claims:report", "claims:detail", "claims:file"),
    steps=(
        Step(
            "点击报案",
            "在我的保单中，点击事故发生时有效的保单的「报案」。",
            goto="/enterprise/policies/",
            click=f'{row(IN_SERVICE)} a[data-action="report-claim"]:has-text("报案")',
            caption="我的保单列表",
        ),
        Step(
            "填写报案",
            "保单已选好；填写事故信息与报案人，可上传现场照片，点击「提交报案」；提示报案号，保险公司受理后会通知。",
            **accident("#report-form"),
            click='#report-form button:has-text("提交报案")',
            expect=toast("报案成功"),
            caption="报案页面",
        ),
        Step(
            "我的理赔",
            "点击左侧菜单「我的理赔」，查看各案件的状态；点击「查看」进入案件详情。",
            **menu(P, "我的理赔"),
            click='tbody tr a[data-action="detail"]:has-text("查看") >> nth=0',
            caption="我的理赔列表",
        ),
        Step("案件详情", "案件详情显示报案信息、查勘与理算结果、赔款与处理记录。", caption="理赔案件详情"),
    ),
    statuses=CLAIM_STATUSES,
    errors=CLAIM_ERRORS,
)
