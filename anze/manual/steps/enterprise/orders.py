"""Sections of the enterprise manual: orders, apply."""

from __future__ import annotations

from ...script import Section, Step
from ..common import (
    DIALOG,
    menu,
    row,
    switch_account,
    toast,
)
from .data import DRAFT, EXPIRING, LOGIN, ORDER_STATUSES, TO_CANCEL, TO_CONFIRM, TO_PAY, P

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
