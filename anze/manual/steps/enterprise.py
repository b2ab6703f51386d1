"""企业端操作手册: an enterprise (hongsheng, 泉州鸿盛建筑工程有限公司) — 企业注册, 忘记密码 and 企业认证 (wanan, whose
认证 waits for the platform), 投保申请 and its draft, 我的订单 (确认报价 with huatai's order, 付款凭证, 取消),
我的保单 and 续保, 安全服务 (服务进度, 服务记录确认, 隐患整改, 服务投诉), 系统管理, 个人中心, 消息中心, and the public
电子保单验真.

The demo data (anze/portal/demo.py, anze/prevention/demo.py) gives 鸿盛 a draft, orders waiting for payment, an
expiring policy, a service record to confirm, a hazard to rectify; 华泰's orders wait for its 确认报价."""

from __future__ import annotations

from ..script import Manual, Section, Step
from .claims import CLAIM_ERRORS, CLAIM_STATUSES, accident
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
    switch_account,
    system_section,
    toast,
)
from .endorsements import ENDORSEMENT_STATUSES

P = "enterprise"
LOGIN = "/enterprise/login/"
DRAFT = "丰泽区城东街道社区卫生服务中心新建工程"
EXPIRING = "鲤城区江南片区老旧小区改造工程"
TO_PAY = "石狮市宝盖镇标准厂房建设工程"  # 支付审核 驳回: back to 待支付 with the insurer's reason
TO_CANCEL = "丰泽区东海街道安置房二期工程"  # 待报价
TO_CONFIRM = "晋江市华泰鞋业陈埭生产基地"  # 华泰's, 待确认报价
IN_SERVICE = "丰泽区东海街道安置房三期工程"

ORDER_STATUSES = (
    ("草稿", "已保存未提交的投保申请，可继续编辑、提交或删除；保险公司看不到草稿。"),
    ("待报价", "已提交，等待保险公司报价；拒绝报价后也回到此状态。"),
    ("待确认报价", "保险公司已报价，请确认报价或拒绝报价（须填写原因）。"),
    ("待上传付款通知书", "已确认报价，等待保险公司上传付款通知书。"),
    ("待支付", "请按付款通知书付款，并上传付款凭证；支付审核被驳回时也回到此状态，并显示驳回原因。"),
    ("待支付审核", "已上传付款凭证，等待保险公司审核。"),
    ("待出函", "支付审核已通过，等待保险公司出具保单。"),
    ("已出函", "保单已生效，可下载电子保单、发票和合同。"),
    ("已取消", "订单已取消（企业或保险公司取消），显示取消原因。"),
)

account = Section(
    "登录",
    text="打开浏览器输入系统地址，进入【安全生产责任保险监管平台综合页面】，点击「企业端」进入企业端登录页面。"
    "可使用登录账号或统一社会信用代码登录。还没有账号的企业点击「企业注册」；忘记密码点击「忘记密码」通过手机验证码重置。",
    pages=("login", "logout"),
    steps=(
        Step(
            "平台综合页面",
            "在平台综合页面点击「企业端」。",
            goto="/",
            click='a.entry-card:has-text("企业端")',
            capture=".auth-bg",
            caption="安全生产责任保险监管平台综合页面",
        ),
        *sign_in_steps("hongsheng", login_page=None, intro="进入企业端登录页面，"),
        Step(
            "退出登录",
            "使用完毕后，点击右上角的姓名，再点击「退出登录」。",
            prepare=(".anze-topbar .user-menu",),
            click='.dropdown-menu.show button:has-text("退出登录")',
            capture=".anze-topbar",
            caption="退出登录",
        ),
    ),
    errors=LOGIN_ERRORS,
    children=(
        Section(
            "企业注册",
            text="在企业端登录页面点击「企业注册」。填写统一社会信用代码、企业名称、所在区县、行业、联系人、手机号码和登录密码，"
            "点击「获取验证码」，输入短信中的验证码后点击「注 册」。注册后即可登录，但须完成「企业认证」后才能投保和查看订单。",
            pages=("register", "register_code"),
            steps=(
                Step(
                    "点击企业注册",
                    "在企业端登录页面点击「企业注册」。",
                    goto=LOGIN,
                    click='#register-link:has-text("企业注册")',
                    caption="企业端登录页面",
                ),
                Step(
                    "填写注册信息",
                    "填写注册信息，点击「获取验证码」；验证码发送到填写的手机号码，页面显示发送结果，60秒后可重新获取。",
                    fill=(
                        ("#register-form input[name=credit_code]", "91350502MA31H8T2PM"),
                        ("#register-form input[name=name]", "泉州市鲤城区安顺建筑劳务有限公司"),
                        ("#register-form input[name=contact_name]", "林安顺"),
                        ("#register-form input[name=phone]", "13905950001"),
                        ("#register-form input[name=address]", "泉州市鲤城区江南街道紫华路18号"),
                        ("#register-form input[name=password]", "Anshun2026x"),
                        ("#register-form input[name=password2]", "Anshun2026x"),
                    ),
                    select=(
                        ("#register-form select[name=region]", "鲤城区"),
                        ("#register-form select[name=industry]", "建筑施工"),
                    ),
                    click='#send-code:has-text("获取验证码")',
                    expect="#code-status :text-matches('.+')",
                    caption="企业注册页面",
                ),
            ),
            errors=(
                ("统一社会信用代码不正确", "请对照营业执照核对18位信用代码。"),
                ("验证码错误或已过期", "验证码5分钟内有效，请重新获取。"),
                ("获取验证码过于频繁，请稍后再试", "同一手机号60秒内只能获取一次，请稍候。"),
            ),
        ),
        Section(
            "忘记密码",
            text="在企业端登录页面点击「忘记密码」，输入登录账号或统一社会信用代码以及账号绑定的手机号码，获取验证码后设置新密码。",
            pages=("password_reset", "password_reset_code"),
            steps=(
                Step(
                    "重置密码",
                    "填写登录账号（或信用代码）和手机号码，点击「获取验证码」，输入验证码与新密码后点击「重置密码」。",
                    goto=LOGIN,
                    prepare=('a:has-text("忘记密码")',),
                    fill=(
                        ("#password-reset-form input[name=identifier]", "hongsheng"),
                        ("#password-reset-form input[name=phone]", "13860710001"),
                    ),
                    outline='#password-reset-form button:has-text("重置密码")',
                    shot_after=True,
                    caption="忘记密码页面",
                ),
            ),
        ),
        Section(
            "企业认证",
            text="注册只证明注册人的手机号。为防止他人冒用企业名义，注册后须完成企业认证：平台上已有该信用代码的订单时，"
            "可向订单登记的投保联系人手机发送验证码即时认证（页面只显示打码的号码）；否则上传营业执照和授权书，由平台审核，"
            "审核结果以短信通知。认证通过前只能打开企业认证页、个人中心和退出登录。",
            pages=("verification", "verification_code", "verification_phone", "verification_documents"),
            steps=(
                *switch_account(LOGIN, "wanan")[1:],
                Step(
                    "企业认证页面",
                    "认证未通过的账号登录后进入企业认证页面。已上传资料的，页面显示“待平台审核”；被驳回的显示驳回原因，可重新上传。",
                    goto="/enterprise/verification/",
                    caption="企业认证页面（待平台审核）",
                ),
                *switch_account(LOGIN, "hongsheng"),
            ),
            statuses=(
                ("待认证", "已注册，尚未认证：只能打开企业认证页。"),
                ("待平台审核", "已上传营业执照和授权书，等待平台审核。"),
                ("已认证", "认证通过：获得企业管理员角色，并关联该信用代码下的全部订单和保单。"),
                ("已驳回", "资料不符合要求，按驳回原因修改后重新上传。"),
            ),
        ),
    ),
)

orders = Section(
    "我的订单",
    text="我的订单列出本企业的全部投保订单（含草稿），按状态分标签显示。每个订单在当前状态下可做的操作显示在操作栏中。",
    pages=("orders:list",),
    steps=(
        Step(
            "订单列表",
            "点击左侧菜单「我的订单」，进入订单列表；可按申请编号、项目名称、保险公司等搜索，点击状态标签筛选。",
            **menu(P, "我的订单"),
            click='.status-tabs a[data-tab="awaiting_payment"]',
            caption="我的订单列表",
        ),
    ),
    statuses=ORDER_STATUSES,
    children=(
        Section(
            "订单详情",
            text="订单详情页按环节显示订单的全部信息：投保申请、报价与保险方案、付款通知书与付款凭证、电子保单、发票、合同，以及处理记录。",
            pages=("orders:detail", "orders:file", "orders:file_download"),
            steps=(
                Step(
                    "打开订单详情",
                    "在订单列表中点击「查看详情」。",
                    goto="/enterprise/orders/?tab=issued",
                    click=f'{row(EXPIRING)} a[data-action="detail"]',
                    capture=None,
                ),
                Step(
                    "订单详情",
                    "已出函的订单可在“电子保单”栏下载保单、发票和合同，并看到电子保单验证码与二维码。",
                    caption="订单详情页面",
                ),
            ),
        ),
        Section(
            "编辑与提交草稿",
            text="保存为草稿的投保申请在列表中显示为“草稿”，可点击「编辑」继续填写、「提交」提交给保险公司，或在「更多」中删除草稿。",
            pages=("orders:edit", "orders:submit", "orders:discard"),
            steps=(
                Step(
                    "编辑草稿",
                    "在订单列表中点击草稿的「编辑」。",
                    goto="/enterprise/orders/?tab=draft",
                    click=f'{row(DRAFT)} a[data-action="edit"]:has-text("编辑")',
                    caption="我的订单列表（草稿）",
                ),
                Step(
                    "提交申请",
                    "补充未填的内容（如上传法人身份证）后点击「提交申请」；提示“投保申请已提交”，订单变为“待报价”。",
                    fill=(("#application-form input[name=headcount]", "95"),),
                    upload=(("#application-form input[type=file][name=legal_id]", "法人身份证.jpg"),),
                    click='#application-form button[name=submit]:has-text("提交申请")',
                    expect=toast("投保申请已提交"),
                    caption="编辑投保申请",
                ),
            ),
        ),
        Section(
            "确认报价",
            text="保险公司报价后订单处于“待确认报价”。点击「确认报价」查看保险方案、保费和服务项目，确认后等待保险公司上传付款通知书；"
            "不接受报价时点击「拒绝报价」并填写原因，保险公司可重新报价。（本节以演示企业“晋江市华泰鞋业有限公司”的订单为例。）",
            pages=("orders:confirm_quote", "orders:reject_quote"),
            steps=(
                *switch_account(LOGIN, "huatai"),
                Step(
                    "点击确认报价",
                    "在订单列表中点击操作栏中的「确认报价」。",
                    goto="/enterprise/orders/?tab=awaiting_confirmation",
                    click=f'{row(TO_CONFIRM)} [data-action="confirm_quote"] >> nth=0',
                    expect=DIALOG,
                    caption="我的订单列表（待确认报价）",
                ),
                Step(
                    "确认报价",
                    "弹出确认报价页面，核对保险方案、保费、事故预防服务费与实际服务项目，点击「确认报价」。",
                    click='#anze-modal-content button:has-text("确认报价")',
                    expect=toast("已确认报价"),
                    caption="确认报价页面",
                ),
                Step(
                    "拒绝报价",
                    "如不接受报价，点击「拒绝报价」，填写原因后确定。",
                    goto="/enterprise/orders/?tab=awaiting_confirmation",
                    click=f'{row(TO_CONFIRM)} [data-action="reject_quote"] >> nth=0',
                    expect=DIALOG,
                    caption="拒绝报价",
                ),
                Step(
                    "填写拒绝原因",
                    "填写拒绝原因，点击「确定」。",
                    fill=(("#anze-modal-content textarea[name=reason]", "保费高于预算，请调整方案"),),
                    click="#anze-modal-content button[type=submit]",
                    expect=toast("已拒绝报价"),
                    caption="拒绝报价页面",
                ),
                *switch_account(LOGIN, "hongsheng"),
            ),
        ),
        Section(
            "上传付款凭证",
            text="保险公司上传付款通知书后订单处于“待支付”。按付款通知书付款后上传付款凭证（PDF 或图片），等待保险公司支付审核；"
            "审核被驳回时，列表中显示驳回原因，请核对后重新上传。",
            pages=("orders:payment_voucher",),
            steps=(
                Step(
                    "点击上传付款凭证",
                    "在订单列表中点击操作栏中的「上传付款凭证」。",
                    goto="/enterprise/orders/?tab=awaiting_payment",
                    click=f'{row(TO_PAY)} a[data-action="payment_voucher"] >> nth=0',
                    expect=DIALOG,
                    caption="我的订单列表（待支付）",
                ),
                Step(
                    "上传付款凭证",
                    "弹出上传付款凭证页面，可先查看付款通知书；选择付款凭证文件后点击「确定上传」。",
                    upload=(("#anze-modal-content input[type=file][name=file]", "付款凭证.pdf"),),
                    click='#anze-modal-content button:has-text("确定上传")',
                    expect=toast("付款凭证已上传"),
                    caption="上传付款凭证页面",
                ),
            ),
            errors=(("只能上传 PDF、JPG、PNG 文件", "付款凭证须为 PDF 或图片，且不超过10MB。"),),
        ),
        Section(
            "取消订单",
            text="出函前的订单可以取消，须填写原因，取消后不能恢复。",
            pages=("orders:cancel",),
            steps=(
                Step(
                    "点击取消订单",
                    "在订单列表中点击「更多」→「取消订单」。",
                    goto="/enterprise/orders/?tab=awaiting_quote",
                    prepare=(f'{row(TO_CANCEL)} a:has-text("更多") >> nth=0',),
                    click=f'{row(TO_CANCEL)} a[data-action="cancel"] >> nth=0',
                    expect=DIALOG,
                    caption="更多菜单中的取消订单",
                ),
                Step(
                    "填写取消原因",
                    "填写取消原因后确定。",
                    fill=(("#anze-modal-content textarea[name=reason]", "项目延期，暂不投保"),),
                    click="#anze-modal-content button[type=submit]",
                    expect=toast("订单已取消"),
                    caption="取消订单页面",
                ),
            ),
        ),
    ),
)

apply = Section(
    "投保申请",
    text="选择保险公司，填写投保项目、参保人数、期望保险期间和投保联系人，勾选意向服务项目（事故预防服务），上传营业执照和法人身份证，"
    "点击「提交申请」提交给保险公司报价；未填完可点击「保存草稿」，稍后在「我的订单」中继续编辑。",
    pages=("apply",),
    steps=(
        Step(
            "打开投保申请",
            "点击左侧菜单「投保申请」。必填项（标有红色*）未填写就提交时，输入框下方提示需要填写的内容。",
            **menu(P, "投保申请"),
            click='#application-form button[name=submit]:has-text("提交申请")',
            expect="#application-form .invalid-feedback",
            shot_after=True,
            caption="投保申请页面（未填写必填项）",
        ),
        Step(
            "填写投保申请",
            "填写投保信息，勾选意向服务项目，上传投保资料后点击「提交申请」；提示“投保申请已提交，等待保险公司报价”。",
            select=(("#application-form select[name=insurer]", "中国人民财产保险股份有限公司泉州市分公司"),),
            fill=(
                ("#application-form input[name=project_name]", "丰泽区北峰街道学校改扩建工程"),
                ("#application-form input[name=project_address]", "泉州市丰泽区北峰街道"),
                ("#application-form input[name=headcount]", "120"),
                ("#application-form input[name=contact_name]", "蔡明辉"),
                ("#application-form input[name=contact_phone]", "13860710001"),
            ),
            dates=(
                ("#application-form input[name=expected_start]", 30),
                ("#application-form input[name=expected_end]", 394),
            ),
            check=("#intended-items input[type=checkbox] >> nth=0",),
            upload=(
                ("#application-form input[type=file][name=business_licence]", "营业执照.pdf"),
                ("#application-form input[type=file][name=legal_id]", "法人身份证.jpg"),
            ),
            click='#application-form button[name=submit]:has-text("提交申请")',
            expect=toast("投保申请已提交"),
            caption="投保申请页面",
        ),
    ),
    errors=(
        ("请选择保险公司", "从列表中选择要投保的保险公司。"),
        (
            "请上传法人身份证",
            "提交申请须上传营业执照和法人身份证（PDF 或图片，不超过10MB）；保存草稿时可暂不上传。",
        ),
        ("期望保险期间止期须晚于起期", "重新选择期望保险期间。"),
        ("参保人数须为正整数", "填写实际参保的人数。"),
    ),
)

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

MANUAL = Manual(
    side="enterprise",
    slug="enterprise",
    title="企业端操作手册",
    account="hongsheng",
    intro="企业端（企业投保服务平台）供投保企业使用：注册与企业认证，在线提交投保申请，确认报价、上传付款凭证，"
    "查看和下载电子保单，续保；查看第三方安全服务的进度，确认服务记录、整改隐患、投诉服务；发生事故后报案并跟踪理赔进度。",
    sections=(
        account,
        Section(
            "首页",
            text="首页显示需要处理的事项（待确认报价、待支付、待确认服务记录、待整改隐患、未读消息）与保障中的保单；"
            "保单即将到期时显示续保提醒。点击卡片进入对应的列表。",
            pages=("home",),
            steps=(Step("首页", "企业端首页。", goto="/enterprise/", caption="企业端首页"),),
        ),
        Section(
            "系统操作功能",
            text="系统主要功能：投保申请、我的订单、我的保单、安全服务（服务记录确认、隐患整改、服务投诉）、我的理赔、批改与退保、系统管理、"
            "个人中心与消息中心。",
            children=(
                apply,
                orders,
                policies,
                services,
                claims,
                endorsements,
                system_section(P),
                profile_section(P),
                messages_section(P),
                downloads_section(P),
            ),
        ),
        verify,
    ),
)
