"""Sections of the enterprise manual: policies, services, verify."""

from __future__ import annotations

from ...script import Section, Step
from ..common import (
    CONFIRM_OK,
    DIALOG,
    SUBMIT,
    menu,
    row,
    toast,
)
from .data import EXPIRING, IN_SERVICE, P

policies = Section(
    "我的保单",
    text="我的保单列出本企业已出函的保单，显示保单编号、电子保单验证码、保险期间与安全服务进度。高危行业的保单到期前30天、7天会短信提醒续保，"
    "首页也会显示续保提醒。",
    pages=("policies:list",),
    steps=(
        Step(
            "保单列表",
            "点击左侧菜单「我的保单」。操作栏可查看「服务进度」、进入「服务记录确认」、提出「投诉」、查看「订单详情」；"
            "即将到期的保单显示「续保」。",
            **menu(P, "我的保单"),
            click=f'{row(EXPIRING)} a[data-action="renew"]:has-text("续保")',
            caption="我的保单列表",
        ),
        Step(
            "续保",
            "点击「续保」，进入按原保单预填的投保申请页面（期望保险期间接续原保险期间），核对后提交即可。",
            expect="#renewal-note",
            caption="续保的投保申请",
        ),
    ),
    statuses=(
        ("保障中", "当前日期在保险期间内。"),
        ("未起保", "保险期间尚未开始。"),
        ("已到期", "保险期间已结束，请及时续保。"),
    ),
)

services = Section(
    "安全服务",
    text="保险公司为保单指定的第三方安全服务机构为企业提供事故预防服务（培训、风险评估、隐患排查等）。企业在这里查看服务进度，"
    "确认服务记录，对检查发现的隐患登记整改，对服务不满意时投诉。",
    children=(
        Section(
            "服务进度",
            text="显示保单的服务机构、每个服务项目的计划次数与已完成次数、事故预防服务费的预算与支出（台账）、服务计划、服务记录和检查发现的隐患。",
            pages=("services:policy", "services:file"),
            steps=(
                Step(
                    "服务进度",
                    "在我的保单中点击「服务进度」。",
                    goto="/enterprise/policies/",
                    click=f'{row(IN_SERVICE)} a[data-action="services"]',
                    capture=None,
                ),
                Step("服务进度页面", "服务进度页面。", caption="服务进度页面"),
            ),
        ),
        Section(
            "服务记录确认",
            text="服务机构每完成一次服务就登记一条服务记录，须由企业确认属实；有异议时填写原因，服务机构核实后更正。",
            pages=(
                "services:records",
                "services:record",
                "services:record_confirm",
                "services:record_dispute",
            ),
            steps=(
                Step(
                    "服务记录列表",
                    "点击左侧菜单「安全服务」→「服务记录确认」，在待确认的记录上点击「确认」。",
                    **menu(P, "安全服务", "服务记录确认"),
                    click='tbody tr a:has-text("确认") >> nth=0',
                    caption="服务记录确认列表",
                ),
                Step(
                    "确认服务记录",
                    "核对服务日期、地点、内容、服务人员与附件，属实则点击「确认」并在提示框中确定；有异议点击「有异议」填写原因。",
                    click='button[data-action="confirm"]',
                    expect="#anze-confirm.show",
                    caption="服务记录详情",
                ),
                Step(
                    "确认",
                    "在提示框中点击「确定」，记录变为“已确认”，不能再修改。",
                    click=CONFIRM_OK,
                    expect=toast("已确认"),
                    caption="确认服务记录的提示",
                ),
            ),
            errors=(
                (
                    "事故预防服务费余额不足：本保单剩余可用 N 元……请联系保险公司批准超支后再确认。",
                    "确认会使服务费用超出保单的事故预防服务费（及已批准的超支）。请联系保险公司在保单详情中批准超支，之后再确认。",
                ),
            ),
            statuses=(
                ("待确认", "服务机构已登记，等待企业确认。"),
                ("已确认", "企业已确认属实，不能修改。"),
                ("有异议", "企业提出异议，等待服务机构更正。"),
            ),
        ),
        Section(
            "隐患整改",
            text="服务机构检查发现的隐患列在这里，按整改期限整改后登记整改情况（可上传整改照片），服务机构复查通过后隐患关闭。",
            pages=("services:hazards", "services:hazard_rectify"),
            steps=(
                Step(
                    "隐患列表",
                    "点击左侧菜单「安全服务」→「隐患整改」，在待整改的隐患上点击「登记整改」。",
                    **menu(P, "安全服务", "隐患整改"),
                    click='tbody tr a:has-text("登记整改") >> nth=0',
                    expect=DIALOG,
                    caption="隐患整改列表",
                ),
                Step(
                    "登记整改",
                    "填写整改措施及完成情况，可上传整改照片，点击「确定」，等待服务机构复查。",
                    fill=(
                        (
                            "#anze-modal-content textarea[name=rectification]",
                            "已更换配电箱并加装漏电保护器。",
                        ),
                    ),
                    upload=(("#anze-modal-content input[type=file][name=photo]", "整改照片.jpg"),),
                    click=SUBMIT,
                    expect=toast("整改情况已提交"),
                    caption="登记整改页面",
                ),
            ),
            statuses=(
                ("待整改", "检查发现的隐患，请在整改期限内整改。"),
                ("待复查", "已登记整改，等待服务机构复查。"),
                ("已整改", "复查通过，隐患关闭。"),
            ),
        ),
        Section(
            "服务投诉",
            text="对服务机构的服务不满意时，在我的保单中点击「投诉」填写投诉内容。投诉同时送达保险公司与服务机构，"
            "自投诉次日起10个工作日内答复（可延长一次）。在「服务投诉」中查看投诉的处理状态与答复。",
            pages=("services:complaints", "services:complaint", "services:complaint_add"),
            steps=(
                Step(
                    "点击投诉",
                    "在我的保单中点击「投诉」。",
                    goto="/enterprise/policies/",
                    click=f'{row(IN_SERVICE)} a[data-action="complain"]',
                    expect=DIALOG,
                    caption="我的保单列表",
                ),
                Step(
                    "填写投诉",
                    "选择涉及的服务记录（可不选），填写投诉内容后点击「确定」。",
                    fill=(
                        ("#anze-modal-content textarea[name=content]", "培训课件内容与本企业施工现场不符。"),
                    ),
                    click=SUBMIT,
                    expect=toast("投诉已提交"),
                    caption="投诉页面",
                ),
                Step(
                    "投诉列表",
                    "点击左侧菜单「安全服务」→「服务投诉」查看投诉的状态和答复。",
                    **menu(P, "安全服务", "服务投诉"),
                    caption="服务投诉列表",
                ),
            ),
        ),
    ),
)

verify = Section(
    "电子保单验真",
    text="任何人都可以核验一张电子保单的真伪：在平台综合页面右上角点击「电子保单验真」（或扫描保单旁的二维码），"
    "输入保单编号与8位验证码。匹配时显示保单状态、保险公司、保险期间、打码的被保险人名称与参保人数。",
    global_pages=("verify",),
    steps=(
        Step(
            "电子保单验真",
            "输入保单编号与验证码后点击「查询」。编号不存在或验证码错误时一律提示“未查询到匹配的保单，请核对保单编号与验证码”。",
            goto="/verify/",
            fill=(("input[name=policy_no]", "PICC20263505000001"), ("input[name=code]", "ABCD2345")),
            click="button[type=submit]",
            expect=".verify-box",
            shot_after=True,
            caption="电子保单验真页面",
        ),
    ),
    errors=(
        (
            "未查询到匹配的保单，请核对保单编号与验证码",
            "核对保单编号与保单旁的8位验证码（不含 0、O、1、I）。",
        ),
        ("查询过于频繁，请10分钟后再试", "同一网络10分钟内查询失败10次后暂停查询。"),
    ),
)
