"""保险端操作手册: the insurer's clerk (picc_admin, 中国人民财产保险股份有限公司泉州市分公司) through the order cycle,
线下订单 and 保单信息补录, 保单管理 and 第三方安全服务, 投诉管理, 系统管理, 个人中心 and 消息中心.

The demo data (anze/orders/demo.py) leaves one order of each state; the steps find them by their project."""

from __future__ import annotations

from ..script import Manual, Section, Step
from .claims import CLAIM_ERRORS, CLAIM_STATUSES, accident, open_claim
from .common import (
    CONFIRM_OK,
    DIALOG,
    LOGIN_ERRORS,
    SUBMIT,
    downloads_section,
    menu,
    messages_section,
    profile_section,
    row,
    sign_in_steps,
    system_section,
    toast,
)
from .endorsements import ENDORSEMENT_STATUSES, open_request

P = "insurer"
COMPANY = "中国人民财产保险股份有限公司泉州市分公司"
# Demo orders of PICC by state (anze/orders/demo.py PROJECTS).
TO_QUOTE = "丰泽区东海街道安置房二期工程"
TO_NOTICE = "泉港石化园区储运罐区"
TO_REVIEW = "惠安县海丰渔业崇武远洋捕捞船队"
TO_ISSUE = "洛江区万安街道市政道路提升工程"
TO_BACKFILL = "泉州市洛江区万安建材有限公司"
TO_CANCEL = "南安市金磊石材官桥矿山"
ISSUED = "鲤城区江南片区老旧小区改造工程"
NEW_OFFLINE = "泉州市丰泽区海晟物流仓储项目"
REVERSE = "晋江市华泰鞋业安海物流仓储中心"
ENDORSE = "南安市金磊石材英都采石场"  # issued, no request open: may be endorsed  # issued, no service, no claim: may be reversed
REVERSAL_PENDING = "泉州鸿盛建筑工程有限公司"  # its 冲正 waits (anze/policies/demo.py), asked by picc_clerk
IN_SERVICE_POLICY = "PICC20263505SV0001"  # 鸿盛's, issued months ago (anze/prevention/demo.py)

ORDER_STATUSES = (
    ("待报价", "投保企业已提交投保申请，等待保险公司报价。"),
    ("待确认报价", "已报价，等待投保企业确认或拒绝报价；企业拒绝后回到待报价，并显示拒绝原因。"),
    ("待上传付款通知书", "企业已确认报价，等待保险公司上传付款通知书。"),
    ("待支付", "已上传付款通知书，等待企业付款并上传付款凭证；支付审核驳回后也回到此状态。"),
    ("待支付审核", "企业已上传付款凭证，等待保险公司审核。"),
    ("待出函", "支付审核通过（线下订单：录入后），等待保险公司出函或补录保单信息。"),
    ("已出函", "保单已生效，可在保单管理中申请第三方安全服务。"),
    ("已取消", "订单已取消，显示取消原因，不能恢复。"),
)

SCHEME = (
    ("#anze-modal-content input[name=aggregate_limit]", "5000000"),
    ("#anze-modal-content input[name=per_accident_limit]", "1000000"),
    ("#anze-modal-content input[name=per_person_medical_limit]", "50000"),
    ("#anze-modal-content input[name=premium]", "26000"),
    ("#anze-modal-content input[name=prevention_fee]", "5200"),
    ("#service-counts input >> nth=0", "2"),
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

api_keys = Section(
    "接口密钥",
    text="本公司的核心业务系统通过开放接口（/api/v1/）读取订单与保单、报价、上传付款通知书、支付审核、出函、补录保单与申请安全服务，"
    "与在页面上操作的效果相同。每个系统使用一个接口密钥，并只授予它需要的范围；密钥只在创建时显示一次，请立即保存到对方系统。"
    "不再使用或可能泄露的密钥请「停用」。",
    pages=("system:api_key_list", "system:api_key_create", "system:api_key_revoke"),
    steps=(
        Step(
            "密钥列表",
            "点击左侧菜单「系统管理」→「接口密钥」，点击「新增密钥」。",
            **menu(P, "系统管理", "接口密钥"),
            click='.toolbar a:has-text("新增密钥")',
            expect=DIALOG,
            caption="接口密钥列表",
        ),
        Step(
            "新增密钥",
            "填写密钥名称（如“核心业务系统”），勾选授权范围，点击「确定」。",
            fill=(("#anze-modal-content input[name=name]", "核心业务系统"),),
            check=("#anze-modal-content input[name=scopes] >> nth=0",),
            click=SUBMIT,
            expect='#anze-modal-content button:has-text("我已保存")',
            caption="新增接口密钥页面",
        ),
        Step(
            "保存密钥",
            "弹出的页面显示完整的密钥（只显示这一次），复制保存后点击「我已保存」。",
            click='#anze-modal-content button:has-text("我已保存")',
            caption="新密钥",
        ),
    ),
)

webhooks = Section(
    "接口推送",
    text="投保申请提交、报价确认、付款凭证上传等事件发生时，平台以签名的 POST 请求推送到本公司系统的地址；"
    "接收方不可用时自动重试，不会丢失，失败的推送可手工重发。签名密钥只在创建或重置时显示一次。",
    pages=("webhooks:list", "webhooks:create", "webhooks:edit", "webhooks:reset_secret", "webhooks:resend"),
    steps=(
        Step(
            "推送地址列表",
            "点击左侧菜单「系统管理」→「接口推送」，点击「新增推送地址」。",
            **menu(P, "系统管理", "接口推送"),
            click='.toolbar a:has-text("新增推送地址")',
            expect=DIALOG,
            caption="接口推送列表",
        ),
        Step(
            "新增推送地址",
            "填写名称、接收地址（https://…）并勾选要推送的事件，点击「确定」；保存后显示签名密钥。（本例不保存，点击「取消」。）",
            fill=(
                ("#anze-modal-content input[name=name]", "核心业务系统"),
                ("#anze-modal-content input[name=url]", "https://core.example.com/anze/webhook"),
            ),
            outline=SUBMIT,
            shot_after=True,
            caption="新增推送地址页面",
        ),
        Step(
            "取消",
            "点击「取消」。",
            click='#anze-modal-content button:has-text("取消")',
            capture=None,
            silent=True,
        ),
    ),
)

api_docs = Section(
    "开放接口文档",
    text="开放接口的说明（每个接口的地址、参数、返回与错误）在 /api/v1/docs，对接的开发人员按其中的说明以接口密钥调用；"
    "机器可读的 OpenAPI 描述在 /api/v1/openapi.json。",
    global_pages=("api:openapi-view", "api:openapi-json"),
    steps=(
        Step(
            "接口文档",
            "在浏览器中打开 /api/v1/docs。",
            goto="/api/v1/docs",
            expect=".swagger-ui .opblock-tag",
            capture="body",
            caption="开放接口文档页面",
        ),
    ),
)

MANUAL = Manual(
    side="insurer",
    slug="insurer",
    title="保险端操作手册",
    account="picc_admin",
    intro="保险端（保单后台管理系统）供保险公司人员使用：对投保企业提交的投保订单报价、上传付款通知书、支付审核、出函，"
    "录入线下订单并补录保单信息；出函后为保单指定第三方安全服务机构，冲正有误的保单，处理服务投诉与理赔，并管理本公司的账号与角色。",
    sections=(
        Section(
            "登录",
            text="打开浏览器输入系统地址，进入【安全生产责任保险监管平台综合页面】，点击「保险端」进入【保险公司选择】页面，"
            "选择自己所在公司后进入【本公司的保险端登录页面】，输入账号和密码即可登录。",
            pages=("login", "login_org", "logout"),
            steps=(
                Step(
                    "平台综合页面",
                    "在平台综合页面点击「保险端」。",
                    goto="/",
                    click='a.entry-card:has-text("保险端")',
                    capture=".auth-bg",
                    caption="安全生产责任保险监管平台综合页面",
                ),
                Step(
                    "保险公司选择",
                    "在保险公司选择页面，点击本公司的名称。",
                    click=f'a.insurer-tile:has-text("{COMPANY}")',
                    caption="保险公司选择页面",
                ),
                *sign_in_steps("picc_admin", login_page=None, intro="进入本公司的保险端登录页面，"),
            ),
            errors=LOGIN_ERRORS,
        ),
        Section(
            "首页",
            text="登录后进入首页。上方卡片是需要处理的事项数量（待报价、待上传付款通知书、待支付审核、待出函、待申请安全服务、"
            "服务机构待处理、待答复投诉），点击卡片直接进入对应状态的列表；下方是本公司每月的订单与保费统计和常用功能入口。",
            pages=("home",),
            steps=(
                Step(
                    "首页",
                    "点击卡片（如「待报价」）即进入订单列表中该状态的订单。",
                    goto="/insurer/",
                    outline='a.stat-card:has-text("待报价")',
                    shot_after=True,
                    caption="保险端首页",
                ),
            ),
        ),
        Section(
            "系统操作功能",
            text="系统主要功能：订单管理、保单管理（保单列表、冲正审核）、投诉管理、理赔管理、批改管理、系统管理（账号管理、角色管理、操作日志、"
            "登录日志、短信记录）、个人中心与消息中心。",
            children=(
                orders,
                policies,
                complaints,
                claims,
                endorsements,
                system_section(P, sms=True, extra=(api_keys, webhooks, api_docs)),
                profile_section(P),
                messages_section(P),
                downloads_section(P),
            ),
        ),
    ),
)
