"""保险端操作手册: the insurer's clerk (picc_admin, 中国人民财产保险股份有限公司泉州市分公司) through the order cycle,
线下订单 and 保单信息补录, 保单管理 and 第三方安全服务, 投诉管理, 系统管理, 个人中心 and 消息中心.

The demo data (anze/orders/demo.py) leaves one order of each state; the steps find them by their project."""

from __future__ import annotations

from ...script import Manual, Section, Step
from ..common import (
    LOGIN_ERRORS,
    downloads_section,
    messages_section,
    profile_section,
    sign_in_steps,
    system_section,
)
from .after_issue import claims, endorsements
from .data import COMPANY, P
from .orders import orders
from .policies import complaints, policies
from .system import api_docs, api_keys, webhooks

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
