"""Sections of the insurer manual: policies, complaints."""

from __future__ import annotations

from ...script import Section, Step
from ..common import (
    DIALOG,
    SUBMIT,
    menu,
    row,
    toast,
)
from .data import (
    ISSUED,
    REVERSAL_PENDING,
    REVERSE,
    P,
)

policies = Section(
    "保单管理",
    text="保单管理列出本公司已出函的保单。出函后可为保单申请第三方安全服务：指定一家安全生产技术服务机构，"
    "该机构在其系统的服务订单中就能看到这张保单，接受后开展事故预防服务。",
    pages=("policies:list", "policies:export", "policies:pdf"),
    steps=(
        Step(
            "保单列表",
            "点击左侧菜单「保单管理」→「保单列表」，进入保单列表。可按保单编号、项目、投保人等搜索，按安全服务状态（未申请、待处理、服务中、"
            "已完成）筛选，点击「导出」导出当前条件下的保单。",
            **menu(P, "保单管理", "保单列表"),
            capture="main.anze-content",
            caption="保单列表",
        ),
    ),
    columns=(
        ("申请编号 / 保单编号", "订单的申请编号与保险公司的保单编号，点击进入保单详情。"),
        ("项目名称 / 投保人", "投保项目与投保企业。"),
        ("保费", "保单的保费（元）。"),
        ("出函时间", "出函（或保单信息补录）的时间。"),
        (
            "操作",
            "「申请第三方安全服务」，或已指派机构的服务状态（如【安信安全】安全服务中）；「更多」中可查看电子保单文件。",
        ),
    ),
    statuses=(
        ("未申请", "尚未指定服务机构；服务机构拒绝后也回到此状态，并显示拒绝原因。"),
        ("安全服务待处理", "已指定服务机构，等待其接受或拒绝。"),
        ("安全服务中", "服务机构已接受，正在按服务计划开展服务。"),
        ("安全服务已完成", "服务项目已全部完成。"),
    ),
    children=(
        Section(
            "申请第三方安全服务",
            text="在保单列表中，点击操作栏中的「申请第三方安全服务」，在弹出的页面中选择服务机构（可按地区筛选）后确认，"
            "同时在第三方安全服务机构系统的订单中就能看到该保单信息。",
            pages=("policies:assign",),
            steps=(
                Step(
                    "点击申请第三方安全服务",
                    "在保单列表中，点击操作栏中的「申请第三方安全服务」。",
                    goto=f"/insurer/policies/?tab=none&applicant={ISSUED}",
                    click=f'{row(ISSUED)} a[data-action="assign"]:has-text("申请第三方安全服务")',
                    expect=DIALOG,
                    caption="保单列表",
                ),
                Step(
                    "指定第三方服务",
                    "弹出指定第三方服务页面，勾选一家服务机构，点击「确定」；该保单显示为“安全服务待处理”。",
                    check=("#anze-modal-content input[type=radio] >> nth=0",),
                    click=SUBMIT,
                    expect=toast("已申请第三方安全服务"),
                    caption="指定第三方服务页面",
                ),
            ),
            errors=(("请选择服务机构", "勾选列表中的一家机构后再确定。"),),
        ),
        Section(
            "保单详情",
            text="保单详情显示保单信息、电子保单验证码、服务机构与服务进度（服务计划、服务记录、检查与隐患整改）、"
            "事故预防服务费台账，可查看每条服务记录。",
            pages=("policies:detail", "policies:file", "policies:record"),
            steps=(
                Step(
                    "打开保单详情",
                    "在保单列表中点击「详情」（或申请编号）。",
                    goto="/insurer/policies/?tab=in_service",
                    click='tbody tr a[data-action="detail"] >> nth=0',
                    capture=None,
                ),
                Step("保单详情", "保单详情页面。", caption="保单详情页面"),
            ),
        ),
        Section(
            "批准服务费超支",
            text="事故预防服务费台账：保单的事故预防服务费是服务的预算，各服务项目的计划金额为约定次数 × 服务项目单价，"
            "企业确认服务记录时按该记录的服务费用记账。确认会使支出超出服务费（及已批准的超支）时被拒绝，"
            "需保险公司在保单详情中「批准超支」：填写允许超出的金额与理由，批准后企业即可确认。",
            pages=("fees:overrun",),
            steps=(
                Step(
                    "点击批准超支",
                    "在保单详情的“事故预防服务费”栏点击「批准超支」。",
                    click='a[data-action="fee-overrun"]:has-text("批准超支")',
                    expect=DIALOG,
                    capture="#fee-ledger",
                    caption="事故预防服务费台账",
                ),
                Step(
                    "批准超支",
                    "弹出批准服务费超支页面，上方显示服务费、已批准超支、已支出与剩余可用金额。填写批准超支金额与理由，点击「确定」。",
                    fill=(
                        ("#anze-modal-content input[name=amount]", "1500"),
                        (
                            "#anze-modal-content textarea[name=reason]",
                            "企业新增危化品仓储，增加一次专项隐患排查",
                        ),
                    ),
                    click=SUBMIT,
                    expect=toast("已批准超支"),
                    caption="批准服务费超支页面",
                ),
            ),
            columns=(
                ("服务费预算", "保单的事故预防服务费。"),
                ("已支出", "企业已确认的服务记录的服务费用合计，及占服务费的比例。"),
                ("已批准超支", "保险公司批准允许超出服务费的金额合计。"),
                ("剩余可用", "服务费 + 已批准超支 − 已支出；为负数时标红。"),
                ("计划金额 / 计划剩余", "各服务项目按约定次数 × 单价测算的金额，及扣除已支出后的余额。"),
            ),
        ),
        Section(
            "申请冲正",
            text="已出函的保单信息有误（保单编号录错、上传了别的企业的文件等）时，业务员在保单详情中申请冲正并说明原因，"
            "由另一位有冲正审核权限的人员审核。审核通过后保单作废（状态“已冲正”，电子保单验真时显示已冲正），"
            "订单退回“待出函”，重新出函即生成新的保单；驳回则保单不变。保单已有理赔、批改或已确认的服务记录时不能冲正。",
            pages=("policies:reversal_request",),
            steps=(
                Step(
                    "打开保单详情",
                    "在保单列表中点击要冲正的保单的「详情」。",
                    goto=f"/insurer/policies/?applicant={REVERSE}",
                    click=f'{row(REVERSE)} a[data-action="detail"]',
                    capture=None,
                ),
                Step(
                    "点击申请冲正",
                    "在保单详情右上方点击「申请冲正」。",
                    click='a[data-action="reversal"]:has-text("申请冲正")',
                    expect=DIALOG,
                    caption="保单详情页面",
                ),
                Step(
                    "填写冲正原因",
                    "填写冲正原因，点击「确定」；保单详情显示“冲正申请待审核”，等待审核。",
                    fill=(
                        (
                            "#reversal-request-form textarea[name=reason]",
                            "保单编号录入错误，需冲正后重新出函",
                        ),
                    ),
                    click="#reversal-request-form button[type=submit]",
                    expect=toast("冲正申请已提交"),
                    caption="申请冲正页面",
                ),
            ),
            errors=(
                ("该保单已有理赔案件，不能冲正", "有理赔、批改或已确认服务记录的保单不能冲正，请改用批改。"),
                ("该保单已有待审核的冲正申请", "等待审核结果，或在冲正审核中查看。"),
            ),
        ),
        Section(
            "冲正审核",
            text="列出本公司的冲正申请（待审核、已通过、已驳回）。审核人核对原因后通过或驳回（须填写驳回原因）；"
            "不能审核本人提交的申请。通过后保单作废、订单退回待出函，并短信通知投保企业。",
            pages=("reversals:list", "reversals:export", "reversals:approve", "reversals:reject"),
            steps=(
                Step(
                    "冲正审核列表",
                    "点击左侧菜单「保单管理」→「冲正审核」，在待审核的申请上点击「通过」（或「驳回」）。",
                    **menu(P, "保单管理", "冲正审核"),
                    click=f'{row(REVERSAL_PENDING)} a[data-action="approve"]:has-text("通过")',
                    expect=DIALOG,
                    caption="冲正审核列表",
                ),
                Step(
                    "通过冲正",
                    "在弹出的确认页面中核对保单与原因，点击确定。",
                    click="#anze-modal-content button[type=submit]",
                    expect=toast("冲正审核已通过"),
                    caption="冲正审核确认页面",
                ),
            ),
            statuses=(
                ("待审核", "业务员已申请，等待审核。"),
                ("已通过", "保单已作废（已冲正），订单退回待出函。"),
                ("已驳回", "保单不变，申请人会收到驳回原因。"),
            ),
            errors=(
                ("不能审核本人提交的冲正申请，请由其他具有冲正审核权限的人员审核", "请其他审核人员处理。"),
            ),
        ),
    ),
)

complaints = Section(
    "投诉管理",
    text="投保企业对服务机构的服务不满意时可以投诉，投诉同时送达出单的保险公司与该服务机构。保险公司须在答复期限内答复；"
    "需进一步核实的可延长一次期限。答复期限按工作日计算，自投诉次日起10个工作日，延长后为30个工作日。",
    pages=("complaints:list",),
    steps=(
        Step(
            "投诉列表",
            "点击左侧菜单「投诉管理」，进入投诉列表，点击操作栏中的「处理」。",
            **menu(P, "投诉管理"),
            click='tbody tr a:has-text("处理") >> nth=0',
            caption="投诉列表",
        ),
    ),
    statuses=(
        ("待答复", "在答复期限内，尚未答复。"),
        ("已逾期", "超过答复期限仍未答复，请尽快处理。"),
        ("已答复", "已答复，企业可在服务投诉中看到答复内容。"),
    ),
    children=(
        Section(
            "答复投诉",
            pages=("complaints:detail", "complaints:answer", "complaints:extend"),
            steps=(
                Step(
                    "投诉详情",
                    "投诉详情页面显示投诉内容、涉及的保单与服务机构。点击「延长期限」可填写原因延长一次答复期限；点击「答复」填写答复内容。",
                    click='a.btn:has-text("答复")',
                    expect=DIALOG,
                    caption="投诉详情页面",
                ),
                Step(
                    "填写答复",
                    "在弹出的页面中填写答复内容，点击「确定」。",
                    fill=(
                        (
                            "#anze-modal-content textarea >> nth=0",
                            "已核实，服务机构已调整服务人员并按计划到场。",
                        ),
                    ),
                    click=SUBMIT,
                    expect=toast("已答复"),
                    caption="答复投诉页面",
                ),
            ),
        ),
    ),
)
