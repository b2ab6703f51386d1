"""The permission catalogue and the menus built from it.

Every view declares one of these codes (``@requires("order.quote")``); roles hold sets of them; the sidebar
shows a menu entry only when the user holds its permission; the role editor shows them as a tree grouped by
menu. Adding a feature means adding its permissions (and its menu entry) here — nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from anze.core.sides import Side

ALL_SIDES = frozenset(Side.values)


@dataclass(frozen=True)
class Permission:
    code: str
    label: str
    group: str  # the menu group it appears under in the role editor (订单管理, 账号管理, …)
    sides: frozenset[str]
    admin_only: bool = False  # held only by the 管理员 role, never offered in the role editor


def _p(code: str, label: str, group: str, *sides: str, admin_only: bool = False) -> Permission:
    return Permission(code, label, group, frozenset(sides) if sides else ALL_SIDES, admin_only)


PERMISSIONS: tuple[Permission, ...] = (
    # --- 保险端 ---------------------------------------------------------------------------------------------
    _p("order.view", "查看订单", "订单管理", Side.INSURER),
    _p("order.quote", "报价", "订单管理", Side.INSURER),
    _p("order.payment_notice", "上传付款通知书", "订单管理", Side.INSURER),
    _p("order.payment_review", "支付审核", "订单管理", Side.INSURER),
    _p("order.issue", "出函 / 保单信息补录", "订单管理", Side.INSURER),
    _p("order.offline_create", "新增线下订单", "订单管理", Side.INSURER),
    # Its own power: thousands of orders (and 出函 with SMS) at once. Holders of 新增线下订单 get it only by a role.
    _p("order.offline_import", "批量导入线下订单", "订单管理", Side.INSURER),
    _p("order.cancel", "取消订单", "订单管理", Side.INSURER),
    _p("order.export", "导出订单", "订单管理", Side.INSURER),
    _p("policy.view", "查看保单", "保单管理", Side.INSURER),
    _p("policy.assign_service", "申请第三方安全服务", "保单管理", Side.INSURER),
    _p("policy.export", "导出保单", "保单管理", Side.INSURER),
    _p("policy.reversal_request", "申请冲正", "保单管理", Side.INSURER),
    # Separate from 申请冲正: a 冲正 voids an issued policy, and the reviewer must be another person.
    _p("policy.reversal_review", "冲正审核 / 导出冲正记录", "保单管理", Side.INSURER),
    # 事故预防服务费台账: letting a policy's services cost more than its prevention fee is the insurer's money.
    _p("policy.fee_overrun", "批准服务费超支", "保单管理", Side.INSURER),
    _p("endorsement.view", "查看批改 / 退保", "批改管理", Side.INSURER),
    _p("endorsement.start", "发起批改", "批改管理", Side.INSURER),
    _p("endorsement.review", "批改审核 / 调整批改保费", "批改管理", Side.INSURER),
    _p("endorsement.payment", "批改付款通知书 / 缴费审核", "批改管理", Side.INSURER),
    _p("endorsement.issue", "出批单", "批改管理", Side.INSURER),
    _p("endorsement.surrender", "退保审核", "批改管理", Side.INSURER),
    _p("endorsement.export", "导出批改", "批改管理", Side.INSURER),
    _p("complaint.handle", "处理投诉", "投诉管理", Side.INSURER, Side.SERVICE_ORG),
    _p("claim.view", "查看理赔案件", "理赔管理", Side.INSURER),
    _p("claim.report", "电话报案登记", "理赔管理", Side.INSURER),
    _p("claim.handle", "受理 / 立案 / 查勘", "理赔管理", Side.INSURER),
    _p("claim.adjust", "理算", "理赔管理", Side.INSURER),
    _p("claim.settle", "结案 / 拒赔 / 注销", "理赔管理", Side.INSURER),
    _p("claim.export", "导出理赔案件", "理赔管理", Side.INSURER),
    _p("sms.view", "查看短信记录", "短信记录", Side.INSURER, Side.PLATFORM),
    _p("sms.resend", "重发短信", "短信记录", Side.INSURER, Side.PLATFORM),
    # --- 企业端 ---------------------------------------------------------------------------------------------
    _p("portal.apply", "投保申请", "投保管理", Side.ENTERPRISE),
    _p("portal.order.view", "查看我的订单", "投保管理", Side.ENTERPRISE),
    _p("portal.order.act", "确认报价 / 上传付款凭证 / 取消", "投保管理", Side.ENTERPRISE),
    _p("portal.policy.view", "查看我的保单", "保单与服务", Side.ENTERPRISE),
    _p("portal.service.confirm", "确认服务记录", "保单与服务", Side.ENTERPRISE),
    _p("portal.complaint", "服务投诉", "保单与服务", Side.ENTERPRISE),
    _p("portal.hazard.rectify", "隐患整改", "保单与服务", Side.ENTERPRISE),
    _p("portal.endorsement.view", "查看批改 / 退保", "批改与退保", Side.ENTERPRISE),
    _p("portal.endorsement.apply", "申请批改 / 上传批改付款凭证 / 撤回", "批改与退保", Side.ENTERPRISE),
    _p("portal.surrender.apply", "申请退保 / 撤回", "批改与退保", Side.ENTERPRISE),
    _p("portal.claim.view", "查看我的理赔", "理赔", Side.ENTERPRISE),
    _p("portal.claim.report", "报案", "理赔", Side.ENTERPRISE),
    # --- 服务机构端 -------------------------------------------------------------------------------------------
    _p("service.order.view", "查看服务订单", "服务订单", Side.SERVICE_ORG),
    _p("service.order.respond", "接受 / 拒绝服务", "服务订单", Side.SERVICE_ORG),
    _p("service.plan.manage", "服务计划", "服务订单", Side.SERVICE_ORG),
    _p("service.record.manage", "服务记录", "服务订单", Side.SERVICE_ORG),
    _p("service.inspection.manage", "检查管理", "检查管理", Side.SERVICE_ORG),
    _p("service.video.manage", "现场视频", "现场视频", Side.SERVICE_ORG),
    _p("service.staff.manage", "综合人事管理", "综合人事管理", Side.SERVICE_ORG),
    # --- 监管端 -------------------------------------------------------------------------------------------------
    _p("regulator.view", "监管查询（订单、保单、服务进度）", "监管查询", Side.REGULATOR),
    _p("regulator.stats", "统计分析", "统计分析", Side.REGULATOR),
    _p("regulator.register_import", "导入高危行业企业名录 / 移出名录", "监管查询", Side.REGULATOR),
    # --- 平台管理 -----------------------------------------------------------------------------------------------
    _p("platform.org.manage", "机构管理", "机构管理", Side.PLATFORM),
    # Separate from 机构管理: resetting another organisation's 管理员 password is an account takeover power.
    _p("platform.org.reset_password", "重置机构管理员密码", "机构管理", Side.PLATFORM),
    # Approving a claim links an enterprise's orders and policies to an account: its own power.
    _p("platform.enterprise.verify", "企业认证审核", "机构管理", Side.PLATFORM),
    _p("platform.basedata.manage", "基础数据", "基础数据", Side.PLATFORM),
    # --- every side: 系统管理 -----------------------------------------------------------------------------------
    _p("system.user.view", "查看账号", "账号管理"),
    _p("system.user.add", "新增账号", "账号管理"),
    _p("system.user.edit", "编辑账号 / 启用停用 / 重置密码", "账号管理"),
    _p("system.user.delete", "删除账号", "账号管理"),
    _p("system.user.export", "导出账号", "账号管理"),
    _p("system.role.view", "查看角色", "角色管理"),
    _p("system.role.add", "新增角色", "角色管理"),
    _p("system.role.edit", "编辑角色", "角色管理"),
    _p("system.role.delete", "删除角色", "角色管理"),
    _p("system.log.operation", "操作日志", "操作日志", admin_only=True),
    _p("system.log.login", "登录日志", "登录日志", admin_only=True),
    # The open API (anze.api): the organisation's keys and webhooks — its 管理员's, who may hand them to an IT
    # role; a key never carries a permission its creator does not hold (anze.api.keys).
    _p("system.api_key", "接口密钥", "开放接口", Side.INSURER),
    _p("system.webhook", "接口推送", "开放接口", Side.INSURER),
)

# Pseudo-permission: any signed-in user of the side (home page, 个人中心, 消息中心).
SIGNED_IN = "signed_in"

_BY_CODE: dict[str, Permission] = {p.code: p for p in PERMISSIONS}
_BY_CODE[SIGNED_IN] = Permission(SIGNED_IN, "登录后可用", "", ALL_SIDES)


def get(code: str) -> Permission:
    return _BY_CODE[code]


def exists(code: str) -> bool:
    return code in _BY_CODE


@cache
def codes_for_side(side: str) -> frozenset[str]:
    """Every grantable code of a side, plus the admin-only ones (held by 管理员)."""
    return frozenset(p.code for p in PERMISSIONS if side in p.sides)


@cache
def grantable_for_side(side: str) -> tuple[Permission, ...]:
    return tuple(p for p in PERMISSIONS if side in p.sides and not p.admin_only)


def tree_for_side(side: str) -> list[tuple[str, list[Permission]]]:
    """The role editor's tree: [(group label, [permissions…]), …] in catalogue order."""
    groups: dict[str, list[Permission]] = {}
    for perm in grantable_for_side(side):
        groups.setdefault(perm.group, []).append(perm)
    return list(groups.items())


# --- menus ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str  # relative to the side's namespace: "system:user_list" → "insurer:system:user_list"
    permission: str
    icon: str = ""


@dataclass(frozen=True)
class MenuGroup:
    label: str
    icon: str
    items: tuple[MenuItem, ...] = field(default_factory=tuple)


MenuEntry = MenuItem | MenuGroup

_SYSTEM = MenuGroup(
    "系统管理",
    "settings",
    (
        MenuItem("账号管理", "system:user_list", "system.user.view"),
        MenuItem("角色管理", "system:role_list", "system.role.view"),
        MenuItem("操作日志", "system:operation_log", "system.log.operation"),
        MenuItem("登录日志", "system:login_log", "system.log.login"),
    ),
)

# 系统管理 of the sides that keep an SMS log (insurer, platform): the shared group plus 短信记录.
_SYSTEM_WITH_SMS = MenuGroup(
    _SYSTEM.label, _SYSTEM.icon, (*_SYSTEM.items, MenuItem("短信记录", "sms:list", "sms.view"))
)
# The insurer's: with the open API's keys and webhooks (its core system's connection to the platform).
_SYSTEM_OF_INSURER = MenuGroup(
    _SYSTEM.label,
    _SYSTEM.icon,
    (
        *_SYSTEM_WITH_SMS.items,
        MenuItem("接口密钥", "system:api_key_list", "system.api_key"),
        MenuItem("接口推送", "webhooks:list", "system.webhook"),
    ),
)

_HOME = MenuItem("首页", "home", SIGNED_IN, "home")

MENUS: dict[str, tuple[MenuEntry, ...]] = {
    Side.INSURER: (
        _HOME,
        MenuItem("订单管理", "orders:list", "order.view", "file-text"),
        MenuGroup(
            "保单管理",
            "file-certificate",
            (
                MenuItem("保单列表", "policies:list", "policy.view"),
                MenuItem("冲正审核", "reversals:list", "policy.reversal_review"),
            ),
        ),
        MenuItem("批改管理", "endorsements:list", "endorsement.view", "file-pencil"),
        MenuItem("投诉管理", "complaints:list", "complaint.handle", "message-report"),
        MenuItem("理赔管理", "claims:list", "claim.view", "first-aid-kit"),
        _SYSTEM_OF_INSURER,
    ),
    Side.ENTERPRISE: (
        _HOME,
        MenuItem("投保申请", "apply", "portal.apply", "file-plus"),
        MenuItem("我的订单", "orders:list", "portal.order.view", "file-text"),
        MenuItem("我的保单", "policies:list", "portal.policy.view", "file-certificate"),
        MenuItem("批改与退保", "endorsements:list", "portal.endorsement.view", "file-pencil"),
        MenuGroup(
            "安全服务",
            "shield-check",
            (
                MenuItem("服务记录确认", "services:records", "portal.service.confirm"),
                MenuItem("隐患整改", "services:hazards", "portal.hazard.rectify"),
                MenuItem("服务投诉", "services:complaints", "portal.complaint"),
            ),
        ),
        MenuItem("我的理赔", "claims:list", "portal.claim.view", "first-aid-kit"),
        _SYSTEM,
    ),
    Side.SERVICE_ORG: (
        _HOME,
        MenuItem("服务订单", "service_orders:list", "service.order.view", "clipboard-list"),
        MenuItem("服务记录", "service_records:list", "service.record.manage", "notes"),
        MenuItem("检查管理", "inspections:list", "service.inspection.manage", "zoom-check"),
        MenuItem("现场视频", "videos:list", "service.video.manage", "video"),
        MenuItem("综合人事管理", "staff:list", "service.staff.manage", "users"),
        MenuItem("投诉管理", "complaints:list", "complaint.handle", "message-report"),
        _SYSTEM,
    ),
    Side.REGULATOR: (
        _HOME,
        MenuItem("统计分析", "supervision:statistics", "regulator.stats", "chart-bar"),
        MenuItem("理赔统计", "claims:statistics", "regulator.stats", "chart-pie"),
        MenuGroup(
            "监管查询",
            "search",
            (
                MenuItem("订单查询", "supervision:order_list", "regulator.view"),
                MenuItem("保单查询", "supervision:policy_list", "regulator.view"),
                MenuItem("应保尽保", "supervision:cover_list", "regulator.view"),
                MenuItem("企业名录", "supervision:register_list", "regulator.view"),
                MenuItem("服务费使用滞后", "supervision:fee_lagging", "regulator.stats"),
                MenuItem("理赔查询", "claims:list", "regulator.view"),
            ),
        ),
        _SYSTEM,
    ),
    Side.PLATFORM: (
        _HOME,
        MenuGroup(
            "机构管理",
            "building",
            (
                MenuItem("保险公司", "orgs:insurer_list", "platform.org.manage"),
                MenuItem("投保企业", "orgs:enterprise_list", "platform.org.manage"),
                MenuItem("服务机构", "orgs:service_org_list", "platform.org.manage"),
                MenuItem("监管部门", "orgs:regulator_list", "platform.org.manage"),
                MenuItem("企业认证", "orgs:claim_list", "platform.enterprise.verify"),
            ),
        ),
        MenuGroup(
            "基础数据",
            "database",
            (
                MenuItem("服务项目", "basedata:service_item_list", "platform.basedata.manage"),
                MenuItem("行业", "basedata:industry_list", "platform.basedata.manage"),
                MenuItem("行政区划", "basedata:region_list", "platform.basedata.manage"),
                MenuItem("地区投保规则", "basedata:rule_list", "platform.basedata.manage"),
            ),
        ),
        _SYSTEM_WITH_SMS,
    ),
}
