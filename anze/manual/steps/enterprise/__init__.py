"""企业端操作手册: an enterprise (hongsheng, 泉州鸿盛建筑工程有限公司) — 企业注册, 忘记密码 and 企业认证 (wanan, whose
认证 waits for the platform), 投保申请 and its draft, 我的订单 (确认报价 with huatai's order, 付款凭证, 取消),
我的保单 and 续保, 安全服务 (服务进度, 服务记录确认, 隐患整改, 服务投诉), 系统管理, 个人中心, 消息中心, and the public
电子保单验真.

The demo data (anze/portal/demo.py, anze/prevention/demo.py) gives 鸿盛 a draft, orders waiting for payment, an
expiring policy, a service record to confirm, a hazard to rectify; 华泰's orders wait for its 确认报价."""

from __future__ import annotations

from ...script import Manual, Section, Step
from ..common import downloads_section, messages_section, profile_section, system_section
from .account import account
from .after_issue import claims, endorsements
from .data import P
from .orders import apply, orders
from .policies import policies, services, verify

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
