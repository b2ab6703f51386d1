"""Sections of the insurer manual: claims, endorsements."""

from __future__ import annotations

from ...script import Section, Step
from ..claims import CLAIM_ERRORS, CLAIM_STATUSES, accident, open_claim
from ..common import (
    CONFIRM_OK,
    DIALOG,
    menu,
    row,
    toast,
)
from ..endorsements import ENDORSEMENT_STATUSES, open_request
from .data import (
    ENDORSE,
    IN_SERVICE_POLICY,
    P,
)

claims = Section(
    "理赔管理",
    text="企业在企业端报案，或保险公司登记电话报案后，案件依次经过受理、立案（填写核心系统的案件号）、查勘、理算（按伤亡人员计算赔款）、"
    "结案（支付赔款）；不属于保险责任的拒赔，撤案或重复报案的注销。每一步都记入案件的处理记录，并通知投保企业。",
    pages=("claims:list", "claims:export", "claims:detail", "claims:file"),
    steps=(
        Step(
            "理赔列表",
            "点击左侧菜单「理赔管理」，可按报案号、案件号、保单编号、投保人、报案时间搜索，点击状态标签筛选，点击「导出」导出。",
            **menu(P, "理赔管理"),
            outline='.toolbar a:has-text("电话报案登记")',
            shot_after=True,
            caption="理赔管理列表",
        ),
    ),
    statuses=CLAIM_STATUSES,
    children=(
        Section(
            "电话报案登记",
            text="企业通过电话报案时，由保险公司登记：输入保单编号，填写出险日期、时刻、地点、事故类型、经过、伤亡人数、估损金额与报案人，"
            "可上传现场照片和事故证明材料。",
            pages=("claims:report",),
            steps=(
                Step(
                    "登记电话报案",
                    "在理赔管理中点击「电话报案登记」，填写后点击「提交报案」；提示报案号。",
                    goto="/insurer/claims/",
                    prepare=('.toolbar a:has-text("电话报案登记")',),
                    **accident(
                        "#report-form", first=(("#report-form input[name=policy_no]", IN_SERVICE_POLICY),)
                    ),
                    click='#report-form button:has-text("提交报案")',
                    expect=toast("报案已登记"),
                    caption="电话报案登记页面",
                ),
            ),
            errors=CLAIM_ERRORS,
        ),
        Section(
            "受理",
            text="核对报案信息后受理。",
            pages=("claims:accept",),
            steps=(
                open_claim(P, "reported", "待受理"),
                Step(
                    "受理",
                    "在案件详情右上方点击「受理」，在提示框中确定。",
                    click='button[data-action="accept"]:has-text("受理")',
                    expect="#anze-confirm.show",
                    caption="案件详情（待受理）",
                ),
                Step(
                    "确认受理",
                    "确认受理。",
                    click=CONFIRM_OK,
                    expect=toast("已受理"),
                    caption="受理的确认提示",
                ),
            ),
        ),
        Section(
            "立案",
            text="在核心系统立案后，填写案件号（同一保险公司内不能重复）。",
            pages=("claims:register",),
            steps=(
                open_claim(P, "accepted", "待立案"),
                Step(
                    "点击立案",
                    "点击「立案」。",
                    click='a[data-action="register"]:has-text("立案")',
                    expect=DIALOG,
                    capture=None,
                ),
                Step(
                    "填写案件号",
                    "填写案件号，点击「确定」。",
                    fill=(("#anze-modal-content input[name=case_no]", "LP2026350500088"),),
                    click="#anze-modal-content button[type=submit]",
                    expect=toast("已立案"),
                    caption="立案页面",
                ),
            ),
            errors=(("该案件号已存在", "核对核心系统的立案号。"),),
        ),
        Section(
            "查勘",
            text="查勘现场后记录查勘意见（事故原因、伤亡核实、是否属于保险责任），可上传查勘照片和查勘报告。",
            pages=("claims:survey",),
            steps=(
                open_claim(P, "registered", "待查勘"),
                Step(
                    "点击查勘",
                    "点击「查勘」。",
                    click='a[data-action="survey"]:has-text("查勘")',
                    expect=DIALOG,
                    capture=None,
                ),
                Step(
                    "填写查勘意见",
                    "填写查勘意见，点击「确定」。",
                    fill=(
                        (
                            "#anze-modal-content textarea[name=survey_notes]",
                            "已到现场查勘，伤者为投保项目施工人员，事故属于保险责任。",
                        ),
                    ),
                    click="#anze-modal-content button[type=submit]",
                    expect=toast("查勘已记录"),
                    caption="查勘页面",
                ),
            ),
        ),
        Section(
            "理算",
            text="按伤亡人员逐行填写姓名、死亡伤残赔款与医疗费用赔款，系统按保单的每人伤亡、每人医疗、每次事故与累积赔偿限额校验，"
            "超出限额的提示在对应输入框下方。",
            pages=("claims:adjust",),
            steps=(
                open_claim(P, "surveyed", "待理算"),
                Step(
                    "点击理算",
                    "点击「理算」。",
                    click='a[data-action="adjust"]:has-text("理算")',
                    expect=DIALOG,
                    capture=None,
                ),
                Step(
                    "填写理算",
                    "填写伤亡人员及赔款，点击「确定」。",
                    fill=(
                        ("#adjust-form input[name=name_0]", "王建国"),
                        ("#adjust-form input[name=death_disability_0]", "20000"),
                        ("#adjust-form input[name=medical_0]", "8000"),
                    ),
                    click="#adjust-form button[type=submit]",
                    expect=toast("理算完成"),
                    caption="理算页面",
                ),
            ),
            errors=(("超过保单的每人伤亡责任限额", "按保单的限额调整赔款金额。"),),
        ),
        Section(
            "结案、拒赔与注销",
            text="支付赔款后结案：赔款金额（默认为理算金额）、支付日期与收款人。不属于保险责任的点击「拒赔」，撤案或重复报案的点击「注销」，"
            "均须填写原因。",
            pages=("claims:settle", "claims:decline", "claims:cancel"),
            steps=(
                open_claim(P, "adjusted", "待结案"),
                Step(
                    "点击结案",
                    "点击「结案」。",
                    click='a[data-action="settle"]:has-text("结案")',
                    expect=DIALOG,
                    capture=None,
                ),
                Step(
                    "填写结案",
                    "核对赔款金额与支付日期，填写收款人，点击「确定」。",
                    fill=(("#anze-modal-content input[name=payee]", "受伤员工本人"),),
                    click="#anze-modal-content button[type=submit]",
                    expect=toast("已结案"),
                    caption="结案页面",
                ),
            ),
        ),
    ),
)

endorsements = Section(
    "批改管理",
    text="保单生效后内容有变化（参保人数、项目名称与地址、投保联系人、实际服务项目次数）时办理批改：企业在企业端申请，"
    "或保险公司在保单详情中发起批改。批改按生效日期至保险止期的天数计算加收或退还的保费（保险公司可调整）；需加收保费的，"
    "审核通过后上传付款通知书、企业缴费、缴费审核，最后出具批单，批改生效。企业申请退保的，审核通过并出具批单后保单终止；"
    "高危行业企业只有停产、关闭等情形才能退保。",
    pages=("endorsements:list", "endorsements:export", "endorsements:detail", "endorsements:file"),
    steps=(
        Step(
            "批改列表",
            "点击左侧菜单「批改管理」，列出本公司的批改与退保申请，可按保单编号、投保人或项目搜索，点击状态标签筛选。",
            **menu(P, "批改管理"),
            caption="批改管理列表",
        ),
    ),
    statuses=ENDORSEMENT_STATUSES,
    children=(
        Section(
            "发起批改",
            text="在保单详情的“批改与退保”栏点击「批改」，修改需要变更的内容，选择批改生效日期并填写原因后提交，进入待审核。",
            pages=("endorsements:start",),
            steps=(
                Step(
                    "点击发起批改",
                    "在保单列表中点击保单的「详情」，在保单详情的“批改与退保”栏点击「批改」。",
                    goto=f"/insurer/policies/?applicant={ENDORSE}",
                    prepare=(f'{row(ENDORSE)} a[data-action="detail"]',),
                    click='a[data-action="start-endorsement"]:has-text("批改")',
                    caption="保单详情（批改栏）",
                ),
                Step(
                    "填写批改",
                    "修改参保人数等内容，选择批改生效日期，填写批改原因，点击提交。",
                    fill=(("#change-form input[name=headcount]", "130"),),
                    dates=(("#change-form input[name=effective_on]", 1),),
                    outline="#change-form button[type=submit].btn-primary",
                    shot_after=True,
                    caption="发起批改页面",
                ),
            ),
        ),
        Section(
            "审核批改",
            text="核对变更内容与计算的批改保费后「通过」（需加收保费的进入待上传付款通知书，否则进入待出批单），或填写原因「驳回」。"
            "批改保费与本公司收费标准不符时，先点击「调整批改保费」。",
            pages=("endorsements:review", "endorsements:adjust"),
            steps=(
                open_request(
                    P,
                    "pending_review",
                    "待审核",
                    f'{row("晋江市华泰鞋业有限公司")}:has(.tag:text-is("批改"))',
                ),
                Step(
                    "点击审核",
                    "在批改详情右上方点击「审核」。",
                    click='a[data-action="review"]:has-text("审核")',
                    expect=DIALOG,
                    caption="批改详情",
                ),
                Step(
                    "通过",
                    "核对后点击「通过」。",
                    click='#anze-modal-content button[value="approve"]',
                    expect=toast("审核通过"),
                    caption="批改审核页面",
                ),
            ),
        ),
        Section(
            "批改缴费",
            text="加收保费的批改：上传付款通知书，企业缴费并上传付款凭证后，核对凭证进行缴费审核。",
            pages=("endorsements:payment_notice", "endorsements:payment_review"),
            steps=(
                open_request(P, "awaiting_payment_notice", "待上传付款通知书", "tbody tr"),
                Step(
                    "点击上传付款通知书",
                    "点击「上传付款通知书」。",
                    click='a[data-action="payment_notice"]',
                    expect=DIALOG,
                    capture=None,
                ),
                Step(
                    "上传付款通知书",
                    "选择付款通知书文件，点击「确定」。",
                    upload=(("#anze-modal-content input[type=file]", "批改付款通知书.pdf"),),
                    click="#anze-modal-content button[type=submit]",
                    expect=toast("付款通知书已上传"),
                    caption="上传批改付款通知书",
                ),
                open_request(P, "awaiting_payment_review", "待缴费审核", "tbody tr"),
                Step(
                    "点击缴费审核",
                    "点击「缴费审核」。",
                    click='a[data-action="payment_review"]',
                    expect=DIALOG,
                    capture=None,
                ),
                Step(
                    "缴费审核",
                    "核对付款凭证，点击「通过」（金额不符时填写原因并「驳回」）。",
                    click='#anze-modal-content button[value="approve"]',
                    expect=toast("缴费审核已通过"),
                    caption="缴费审核页面",
                ),
            ),
        ),
        Section(
            "出具批单",
            text="填写批单号并上传批单文件（PDF），批改生效：保单的参保人数等按批改后的内容显示，企业可下载批单。",
            pages=("endorsements:issue",),
            steps=(
                open_request(P, "awaiting_document", "待出批单", "tbody tr"),
                Step(
                    "点击出批单",
                    "点击「出批单」。",
                    click='a[data-action="issue"]',
                    expect=DIALOG,
                    capture=None,
                ),
                Step(
                    "出批单",
                    "填写批单号，上传批单文件，点击「确定」。",
                    fill=(("#anze-modal-content input[name=endorsement_no]", "PICC2026PD00088"),),
                    upload=(("#anze-modal-content input[type=file][name=endorsement_file]", "批单.pdf"),),
                    click="#anze-modal-content button[type=submit]",
                    expect=toast("批单已出具"),
                    caption="出具批单页面",
                ),
            ),
        ),
        Section(
            "退保审核",
            text="核对退保原因与证明材料：通过时填写批单号、上传批单并退保；不符合条件的填写原因驳回。",
            pages=("endorsements:surrender_review",),
            steps=(
                open_request(P, "pending_review", "待审核（退保）", 'tbody tr:has(.tag:text-is("退保"))'),
                Step(
                    "点击退保审核",
                    "点击「退保审核」。",
                    click='a[data-action="surrender_review"]',
                    expect=DIALOG,
                    caption="退保申请详情",
                ),
                Step(
                    "退保审核",
                    "填写批单号并上传批单后点击「通过并退保」，或填写原因「驳回」。（本例不提交。）",
                    outline='#anze-modal-content button[value="approve"]',
                    shot_after=True,
                    caption="退保审核页面",
                ),
            ),
        ),
    ),
)
