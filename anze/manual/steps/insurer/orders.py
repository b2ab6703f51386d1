"""Sections of the insurer manual: orders."""

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
    NEW_OFFLINE,
    ORDER_STATUSES,
    SCHEME,
    TO_BACKFILL,
    TO_CANCEL,
    TO_ISSUE,
    TO_NOTICE,
    TO_QUOTE,
    TO_REVIEW,
    P,
)

orders = Section(
    "订单管理",
    text="订单管理列出投保企业向本公司提交的投保订单和本公司录入的线下订单。保险公司在这里完成报价、上传付款通知书、"
    "支付审核、出函等一系列操作；出函后的订单在「保单管理」中继续为其指定第三方安全服务机构。",
    pages=("orders:list", "orders:export"),
    steps=(
        Step(
            "订单列表",
            "点击左侧菜单「订单管理」，进入订单列表。在上方输入申请编号、投保人或项目名称、信用代码、联系电话、申请时间等条件后"
            "点击「搜索」（「重置」清空条件）；点击状态标签（如「待报价」）只看该状态的订单，标签后的数字是该状态的订单数。"
            "点击「导出」把当前条件下的订单导出为 Excel。",
            **menu(P, "订单管理"),
            click='.status-tabs a[data-tab="awaiting_quote"]',
            caption="订单管理列表",
        ),
    ),
    columns=(
        (
            "订单信息",
            "申请编号（系统生成，唯一）与订单类型：线上订单（企业在平台提交）或线下订单（保险公司录入）。",
        ),
        ("项目信息", "投保的项目名称与项目地址。"),
        (
            "方案（部分内容）",
            "保费与各项赔偿限额（万元）；未报价时显示“待报价”。点击「查看详情」看完整方案。",
        ),
        ("投保人信息", "投保人、统一社会信用代码、投保联系人及其电话。"),
        ("状态", "订单当前所处的环节，见下表；取消、驳回、拒绝报价时在状态下方显示原因。"),
        ("申请时间", "企业提交申请（或录入线下订单）的时间；点击列名可切换排序。"),
        ("操作", "当前状态下可做的操作（报价、上传付款通知书、支付审核、出函……），较少用的在「更多」中。"),
    ),
    statuses=ORDER_STATUSES,
    children=(
        Section(
            "查看详情",
            text="订单详情页显示订单的全部信息：投保信息、投保资料、保险方案、实际服务项目、各环节上传的文件，以及订单的处理记录（时间线）。",
            pages=("orders:detail", "orders:file", "orders:file_download"),
            steps=(
                Step(
                    "打开订单详情",
                    "在订单列表中，点击操作栏中的「查看详情」。",
                    goto="/insurer/orders/?tab=awaiting_payment_review",
                    click=f'{row(TO_REVIEW)} a[data-action="detail"]',
                    expect=".panel",
                    caption="订单管理列表",
                ),
                Step(
                    "订单详情",
                    "详情页上方是订单状态与可做的操作，下方依次是投保信息、保险方案、文件与处理记录。点击文件名可在线预览或下载。",
                    caption="订单详情页面",
                ),
            ),
        ),
        Section(
            "订单报价",
            text="企业提交投保申请后订单处于“待报价”。保险公司填写保险方案、实际服务项目次数、保险期间、保费与事故预防服务费后报价，"
            "等待投保企业确认报价信息。",
            pages=("orders:quote",),
            steps=(
                Step(
                    "点击报价",
                    "在订单列表中，点击操作栏中的「报价」。",
                    goto="/insurer/orders/?tab=awaiting_quote",
                    click=f'{row(TO_QUOTE)} a[data-action="quote"]:has-text("报价")',
                    expect=DIALOG,
                    caption="订单管理列表（待报价）",
                ),
                Step(
                    "报价校验",
                    "弹出订单报价页面。上方是企业的投保信息、投保资料和意向服务项目（标“意向”）；下方左侧填写保险方案，右侧填写实际服务项目次数。"
                    "各项限额不符合规则时，对应输入框下方会提示原因，例如每人伤亡责任限额低于国家规定的下限。",
                    fill=(*SCHEME, ("#anze-modal-content input[name=per_person_injury_limit]", "300000")),
                    click=SUBMIT,
                    expect='#anze-modal-content .invalid-feedback:has-text("每人伤亡责任限额")',
                    shot_after=True,
                    caption="订单报价页面（限额不符合规则）",
                ),
                Step(
                    "确定报价",
                    "改正后点击「确定报价」；提示“报价成功”，订单变为“待确认报价”，投保企业会收到短信和站内消息。",
                    fill=(("#anze-modal-content input[name=per_person_injury_limit]", "500000"),),
                    click=SUBMIT,
                    expect=toast("报价成功"),
                    caption="订单报价页面",
                ),
            ),
            errors=(
                (
                    "每人伤亡责任限额不得低于400,000.00元",
                    "按国家与地区投保规则的下限填写（地区规则由平台维护）。",
                ),
                ("每次事故赔偿限额不能大于累积赔偿限额", "调整两项限额的大小关系。"),
                ("请选择保险期间起期", "点击输入框在日历中选择日期。"),
                (
                    "该订单状态已变化，请刷新后重试",
                    "订单已被他人处理（或企业已取消），刷新列表查看最新状态。",
                ),
            ),
        ),
        Section(
            "上传付款通知书",
            text="企业确认报价后订单处于“待上传付款通知书”。保险公司上传付款通知书（PDF 或图片），等待投保企业付款并上传付款凭证。",
            pages=("orders:payment_notice",),
            steps=(
                Step(
                    "点击上传付款通知书",
                    "在订单列表中，点击操作栏中的「上传付款通知书」。",
                    goto="/insurer/orders/?tab=awaiting_payment_notice",
                    click=f'{row(TO_NOTICE)} a[data-action="payment_notice"]:has-text("上传付款通知书")',
                    expect=DIALOG,
                    caption="订单管理列表（待上传付款通知书）",
                ),
                Step(
                    "上传付款通知书",
                    "弹出上传付款通知书页面，点击虚线框选择文件（或把文件拖到框内），点击「确定」，等待投保企业付款。",
                    upload=(("#anze-modal-content input[type=file][name=file]", "付款通知书.pdf"),),
                    click=SUBMIT,
                    expect=toast("付款通知书已上传"),
                    caption="上传付款通知书页面",
                ),
            ),
            errors=(
                ("只能上传 PDF、JPG、PNG 文件", "付款通知书须为 PDF 或图片，且不超过10MB。"),
                ("文件不是有效的 PDF", "文件已损坏或加密，请重新导出 PDF 后上传。"),
            ),
        ),
        Section(
            "支付审核",
            text="企业上传付款凭证后订单处于“待支付审核”。保险公司核对付款凭证与保费，通过后进入出函环节；驳回须填写原因，订单回到“待支付”。",
            pages=("orders:payment_review",),
            steps=(
                Step(
                    "点击支付审核",
                    "在订单列表中，点击操作栏中的「支付审核」。",
                    goto="/insurer/orders/?tab=awaiting_payment_review",
                    click=f'{row(TO_REVIEW)} a[data-action="payment_review"]:has-text("支付审核")',
                    expect=DIALOG,
                    caption="订单管理列表（待支付审核）",
                ),
                Step(
                    "审核通过",
                    "弹出支付审核页面：左侧是企业上传的付款凭证，右侧是报价信息。核对无误后点击「通过」，订单进入“待出函”；"
                    "金额不符时填写驳回原因并点击「驳回」。",
                    click='#anze-modal-content button[value="approve"]:has-text("通过")',
                    expect=toast("支付审核已通过"),
                    caption="支付审核页面",
                ),
            ),
            errors=(("请填写驳回原因", "驳回时必须填写原因，企业会看到该原因。"),),
        ),
        Section(
            "出函",
            text="支付审核通过后订单处于“待出函”。保险公司填入具体的保单编号，上传电子保单、电子发票和保险合同（PDF），确认出函；"
            "出函后投保联系电话会收到已出函的短信，保单生效并出现在「保单管理」中。",
            pages=("orders:issue",),
            steps=(
                Step(
                    "点击出函",
                    "在订单列表中，点击操作栏中的「出函」。",
                    goto="/insurer/orders/?tab=awaiting_issue",
                    click=f'{row(TO_ISSUE)} a[data-action="issue"]:has-text("出函")',
                    expect=DIALOG,
                    caption="订单管理列表（待出函）",
                ),
                Step(
                    "确认出函",
                    "弹出出函页面，填入保险公司的保单编号，上传电子保单、电子发票、保险合同三个 PDF 文件，点击「确认出函」。",
                    fill=(("#anze-modal-content input[name=policy_no]", "PICC20263505M00001"),),
                    upload=(
                        ("#anze-modal-content input[type=file][name=policy_file]", "电子保单.pdf"),
                        ("#anze-modal-content input[type=file][name=invoice_file]", "电子发票.pdf"),
                        ("#anze-modal-content input[type=file][name=contract_file]", "保险合同.pdf"),
                    ),
                    click=SUBMIT,
                    expect=toast("出函成功"),
                    caption="出函页面",
                ),
            ),
            errors=(
                (
                    "该保单编号已存在",
                    "保单编号在平台内唯一，请核对。已选择的文件会保留，改正后直接再次提交即可。",
                ),
                ("请上传电子保单", "三个文件都必须上传，且须为有效的 PDF，不超过10MB。"),
            ),
        ),
        Section(
            "新增线下订单",
            text="在平台外签订的保单，由保险公司录入为线下订单：可选择已认证的企业自动带出投保人信息，也可手动填写。"
            "录入后订单处于“待出函”，再通过“保单信息补录”完成出函。",
            pages=("orders:create_offline",),
            steps=(
                Step(
                    "点击新增线下订单",
                    "在订单列表上方点击「新增线下订单」。",
                    goto="/insurer/orders/",
                    click='.toolbar a:has-text("新增线下订单")',
                    expect=DIALOG,
                    capture=".toolbar",
                    caption="新增线下订单按钮",
                ),
                Step(
                    "填写线下订单",
                    "弹出新增线下订单页面。填写投保人信息（投保人、信用代码、投保联系人、联系电话、参保人数）和项目信息"
                    "（项目名称、地址、所在区县、行业），可上传营业执照等投保资料，点击「确定」。",
                    fill=(
                        ("#anze-modal-content input[name=applicant_name]", "泉州市丰泽区海晟物流有限公司"),
                        ("#anze-modal-content input[name=applicant_credit_code]", "91350503MA2YQ7K6XN"),
                        ("#anze-modal-content input[name=contact_name]", "陈海晟"),
                        ("#anze-modal-content input[name=contact_phone]", "13905951234"),
                        ("#anze-modal-content input[name=headcount]", "36"),
                        ("#anze-modal-content input[name=project_name]", NEW_OFFLINE),
                    ),
                    select=(
                        ("#anze-modal-content select[name=region]", "丰泽区"),
                        ("#anze-modal-content select[name=industry]", "交通运输"),
                    ),
                    click=SUBMIT,
                    expect=toast("新增成功"),
                    caption="新增线下订单页面",
                ),
            ),
            errors=(
                ("统一社会信用代码不正确", "18位信用代码的校验位不对，请对照营业执照核对。"),
                ("请选择所在区县", "地区决定适用的投保规则和监管部门，必须选择。"),
            ),
        ),
        Section(
            "保单信息补录",
            text="线下订单在列表中显示为“线下订单”，状态“待出函”。点击操作栏中的「出函」，填入保单的详细信息（保险方案、实际服务项目次数、"
            "保险期间、保费、保单编号），上传合同、保单、电子发票（PDF）后确认；出函后投保联系电话会收到已出函的短信。",
            steps=(
                Step(
                    "点击出函（线下订单）",
                    "在订单列表中找到线下订单，点击操作栏中的「出函」。",
                    goto="/insurer/orders/?tab=awaiting_issue",
                    click=f'{row(TO_BACKFILL)} a[data-action="issue"]:has-text("出函")',
                    expect=DIALOG,
                    caption="订单管理列表（线下订单）",
                ),
                Step(
                    "补录保单信息",
                    "弹出保单信息补录页面：上方是投保信息（只读），下方左侧填写保险方案，右侧填写实际服务项目次数，再填写保险期间、保费、"
                    "事故预防服务费与保单编号，上传保单、发票、合同文件后点击「确定」。",
                    fill=(
                        *SCHEME,
                        ("#anze-modal-content input[name=per_person_injury_limit]", "500000"),
                        ("#anze-modal-content input[name=policy_no]", "PICC20263505M00002"),
                    ),
                    upload=(
                        ("#anze-modal-content input[type=file][name=policy_file]", "电子保单.pdf"),
                        ("#anze-modal-content input[type=file][name=invoice_file]", "电子发票.pdf"),
                        ("#anze-modal-content input[type=file][name=contract_file]", "保险合同.pdf"),
                    ),
                    click=SUBMIT,
                    expect=toast("出函成功"),
                    caption="保单信息补录页面",
                ),
            ),
        ),
        Section(
            "批量导入线下订单",
            text="线下订单较多时可用 Excel 批量导入：下载导入模板（下拉选项取自平台基础数据，请勿修改表头），逐行填写后上传，"
            "系统先逐行校验，全部无误才导入；有错误时列出每一行的错误并可下载标注了错误的文件，改正后重新上传。"
            "导入记录与结果可在该页面下方查看。",
            pages=("orders:import", "orders:import_template", "orders:import_detail", "orders:import_errors"),
            steps=(
                Step(
                    "点击批量导入",
                    "在订单列表上方点击「批量导入」。",
                    goto="/insurer/orders/",
                    click='.toolbar a[data-action="import"]:has-text("批量导入")',
                    capture=".toolbar",
                    caption="批量导入按钮",
                ),
                Step(
                    "导入页面",
                    "点击「下载导入模板」，按模板填写后选择文件，点击「上传并校验」。",
                    outline="#import-template",
                    shot_after=True,
                    caption="批量导入线下订单页面",
                ),
            ),
        ),
        Section(
            "取消订单",
            text="出函前的订单可以取消（如企业已在其他保险公司投保），须填写原因；取消后不能恢复，投保企业会收到通知。",
            pages=("orders:cancel",),
            steps=(
                Step(
                    "点击取消订单",
                    "在订单列表中，点击操作栏中的「更多」→「取消订单」。",
                    goto="/insurer/orders/?tab=awaiting_quote",
                    prepare=(f'{row(TO_CANCEL)} a:has-text("更多")',),
                    click=f'{row(TO_CANCEL)} a[data-action="cancel"]:has-text("取消订单")',
                    expect=DIALOG,
                    caption="更多菜单中的取消订单",
                ),
                Step(
                    "填写取消原因",
                    "弹出确认框，填写取消原因后点击「确定取消订单」。",
                    fill=(("#anze-modal-content textarea[name=reason]", "企业暂缓投保"),),
                    click='#anze-modal-content button:has-text("确定取消订单")',
                    expect=toast("订单已取消"),
                    caption="取消订单页面",
                ),
            ),
            errors=(("请填写取消原因", "取消原因必填，企业会看到该原因。"),),
        ),
        Section(
            "查看保单信息",
            text="已出函的订单在操作栏显示「查看保单信息」：保单编号、保险期间、电子保单验证码与二维码，以及电子保单、发票、合同文件。",
            pages=("orders:policy",),
            steps=(
                Step(
                    "点击查看保单信息",
                    "在订单列表中，点击已出函订单操作栏中的「查看保单信息」。",
                    goto=f"/insurer/orders/?tab=issued&name={ISSUED}",
                    click=f'{row(ISSUED)} a[data-action="policy"]:has-text("查看保单信息")',
                    expect=DIALOG,
                    capture=None,
                ),
                Step("保单信息", "弹出保单信息页面，可点击文件名预览或下载。", caption="保单信息页面"),
            ),
        ),
    ),
)
