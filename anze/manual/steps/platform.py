"""平台管理操作手册: the platform operator (platform, 安责险平台运营中心) — 机构管理 (保险公司, 投保企业, 服务机构, 监管部门,
企业认证), 基础数据 (服务项目, 行业, 行政区划, 地区投保规则), 系统管理 with 短信记录, 个人中心, 消息中心.

The demo data has 万安建材's 企业认证 waiting (anze/portal/demo.py) and 晋江市's 投保规则 (anze/basedata/demo.py)."""

from __future__ import annotations

from ..script import Manual, Section, Step
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

P = "platform"
PICC = "中国人民财产保险股份有限公司泉州市分公司"
CLAIMANT = "泉州市洛江区万安建材有限公司"

ORG_STATUSES = (
    ("启用", "机构的账号可以登录。"),
    ("停用", "机构的全部账号不能登录，已登录的在下一次操作时退出；数据保留，可重新启用。"),
)


def org_section(title: str, entry: str, pages: str, text: str) -> Section:
    """保险公司, 投保企业, 服务机构, 监管部门: the same list, dialog and detail page for each kind."""
    return Section(
        title,
        text=text,
        pages=(
            f"orgs:{pages}_list",
            f"orgs:{pages}_export",
            f"orgs:{pages}_create",
            f"orgs:{pages}_detail",
            f"orgs:{pages}_edit",
            f"orgs:{pages}_set_active",
            f"orgs:{pages}_password_reset",
        ),
        steps=(
            Step(
                f"{title}列表",
                f"点击左侧菜单「机构管理」→「{entry}」，可按名称、信用代码等搜索；点击「新增」新增机构，操作栏可「详情」「编辑」「停用」。",
                **menu(P, "机构管理", entry),
                outline='.toolbar a:has-text("新增")',
                shot_after=True,
                caption=f"{title}列表",
            ),
        ),
        statuses=ORG_STATUSES,
    )


insurers = Section(
    "保险公司",
    text="维护入驻平台的保险公司：名称、简称、登录代码（保险公司选择页进入本公司登录页的地址）、信用代码与联系人；新增时同时建立该公司的管理员账号。",
    pages=(
        "orgs:insurer_list",
        "orgs:insurer_export",
        "orgs:insurer_create",
        "orgs:insurer_detail",
        "orgs:insurer_edit",
        "orgs:insurer_set_active",
        "orgs:insurer_password_reset",
    ),
    steps=(
        Step(
            "保险公司列表",
            "点击左侧菜单「机构管理」→「保险公司」，点击「新增」。",
            **menu(P, "机构管理", "保险公司"),
            click='.toolbar a:has-text("新增")',
            expect=DIALOG,
            caption="保险公司列表",
        ),
        Step(
            "新增保险公司",
            "填写保险公司信息和管理员账号（登录账号、姓名、手机号码、初始密码），点击「确定」。管理员登录后可在「账号管理」中为本公司新增业务员。",
            fill=(
                ("#anze-modal-content input[name=name]", "中国人寿财产保险股份有限公司泉州市中心支公司"),
                ("#anze-modal-content input[name=short_name]", "国寿财险泉州"),
                ("#anze-modal-content input[name=code]", "clpc-qz"),
                ("#anze-modal-content input[name=credit_code]", "91350500MA2YQ7K6XB"),
                ("#anze-modal-content input[name=address]", "泉州市丰泽区刺桐路"),
                ("#anze-modal-content input[name=contact_name]", "吴国寿"),
                ("#anze-modal-content input[name=contact_phone]", "13905951111"),
                ("#anze-modal-content input[name=admin_username]", "clpc_admin"),
                ("#anze-modal-content input[name=admin_name]", "吴国寿"),
                ("#anze-modal-content input[name=admin_mobile]", "13905951111"),
                ("#anze-modal-content input[name=admin_password]", "Guoshou2026x"),
            ),
            click=SUBMIT,
            expect=toast("新增成功"),
            caption="新增保险公司页面",
        ),
        Step(
            "保险公司详情",
            "点击「详情」查看机构信息与其账号。为机构管理员重置密码：在账号列表中点击「重置密码」，输入新密码并确认。",
            goto="/platform/orgs/insurers/",
            prepare=(f'{row(PICC)} a:has-text("详情")',),
            outline='a.btn-text:has-text("重置密码") >> nth=0',
            shot_after=True,
            caption="保险公司详情页面",
        ),
    ),
    statuses=ORG_STATUSES,
    errors=(
        ("该登录代码已被使用", "登录代码在平台内唯一，换一个（字母、数字和 -）。"),
        ("统一社会信用代码不正确", "请对照营业执照核对。"),
        ("不能停用本机构", "平台运营机构不能在此停用。"),
    ),
)

claims = Section(
    "企业认证",
    text="企业注册后未能通过投保联系人手机验证的，上传营业执照和授权书申请资料认证，由平台审核：通过后该账号成为企业管理员，"
    "并关联该信用代码下的全部订单和保单；驳回须填写原因。两种结果都会短信通知申请人。",
    pages=(
        "orgs:claim_list",
        "orgs:claim_detail",
        "orgs:claim_approve",
        "orgs:claim_reject",
        "orgs:claim_file",
    ),
    steps=(
        Step(
            "认证申请列表",
            "点击左侧菜单「机构管理」→「企业认证」，在待审核的申请上点击「审核」。",
            **menu(P, "机构管理", "企业认证"),
            click=f'{row(CLAIMANT)} a:has-text("审核")',
            caption="企业认证列表",
        ),
        Step(
            "审核",
            "核对企业信息、营业执照和授权书（点击文件名查看），资料无误点击「通过」并在提示框中确定；不符合要求点击「驳回」并填写原因。",
            click="#approve",
            expect="#anze-confirm.show",
            caption="企业认证审核页面",
        ),
        Step(
            "通过",
            "确认通过。",
            click=CONFIRM_OK,
            expect=toast("已通过"),
            caption="通过企业认证的确认提示",
        ),
    ),
    statuses=(
        ("待提交资料", "已申请资料认证，尚未上传营业执照和授权书。"),
        ("待审核", "资料已上传，等待平台审核。"),
        ("已通过", "认证通过。"),
        ("已驳回", "驳回，申请人可按原因修改后重新上传。"),
    ),
)

basedata = Section(
    "基础数据",
    text="平台各端共用的基础数据：服务项目（事故预防服务的项目）、行业（含是否高危行业）、行政区划与地区投保规则。",
    children=(
        Section(
            "服务项目",
            text="报价和出函时填写的实际服务项目、企业的意向服务项目都来自这里。可新增、改名（及修改单价）、调整顺序（上移、下移）和停用；"
            "停用的项目不再出现在新的报价中，已有订单不受影响。",
            pages=(
                "basedata:service_item_list",
                "basedata:service_item_create",
                "basedata:service_item_edit",
                "basedata:service_item_move",
                "basedata:service_item_set_active",
            ),
            steps=(
                Step(
                    "服务项目列表",
                    "点击左侧菜单「基础数据」→「服务项目」，点击「新增」。",
                    **menu(P, "基础数据", "服务项目"),
                    click='.toolbar a:has-text("新增")',
                    expect=DIALOG,
                    caption="服务项目列表",
                ),
                Step(
                    "新增服务项目",
                    "填写服务项目名称和单价（元/次，服务机构登记服务记录时的默认费用；保单各项目的计划金额 = 约定次数 × 单价），"
                    "点击「确定」。",
                    fill=(
                        ("#anze-modal-content input[name=name]", "职业健康检查"),
                        ("#anze-modal-content input[name=unit_price]", "800.00"),
                    ),
                    click=SUBMIT,
                    expect=toast("新增成功"),
                    caption="新增服务项目页面",
                ),
            ),
        ),
        Section(
            "行业",
            text="企业所属的行业。标为“高危行业”的（矿山、危险化学品、建筑施工等）须依法投保，纳入监管端的应保尽保统计，其保单到期前会提醒续保。",
            pages=(
                "basedata:industry_list",
                "basedata:industry_create",
                "basedata:industry_edit",
                "basedata:industry_set_active",
            ),
            steps=(
                Step(
                    "行业列表",
                    "点击左侧菜单「基础数据」→「行业」，点击「编辑」可修改名称和是否高危行业。",
                    **menu(P, "基础数据", "行业"),
                    click='tbody tr a:has-text("编辑") >> nth=0',
                    expect=DIALOG,
                    caption="行业列表",
                ),
                Step(
                    "编辑行业",
                    "修改后点击「确定」。",
                    outline=SUBMIT,
                    shot_after=True,
                    caption="编辑行业页面",
                ),
            ),
        ),
        Section(
            "行政区划",
            text="平台服务的省、市、区县。订单与企业按区县归属监管部门；可在市下新增区县。",
            pages=("basedata:region_list", "basedata:region_create"),
            steps=(
                Step(
                    "行政区划",
                    "点击左侧菜单「基础数据」→「行政区划」，点击「新增区县」填写所属城市、区划代码与名称。",
                    **menu(P, "基础数据", "行政区划"),
                    outline='a.btn:has-text("新增区县")',
                    shot_after=True,
                    caption="行政区划页面",
                ),
            ),
        ),
        Section(
            "地区投保规则",
            text="各地区对每人伤亡责任限额下限、事故预防服务费比例的规定。报价时按项目所在地区的规则校验，地区没有规则时沿用上级地区或默认规则。",
            pages=(
                "basedata:rule_list",
                "basedata:rule_create",
                "basedata:rule_edit",
                "basedata:rule_delete",
            ),
            steps=(
                Step(
                    "规则列表",
                    "点击左侧菜单「基础数据」→「地区投保规则」，点击「新增」。",
                    **menu(P, "基础数据", "地区投保规则"),
                    click='.toolbar a:has-text("新增")',
                    expect=DIALOG,
                    caption="地区投保规则列表",
                ),
                Step(
                    "新增规则",
                    "选择适用地区，填写每人伤亡责任限额下限、服务费比例上下限和依据，点击「确定」。",
                    select=(("#anze-modal-content select[name=region]", "南安市"),),
                    fill=(
                        ("#anze-modal-content input[name=min_per_person_injury_limit]", "500000"),
                        ("#anze-modal-content input[name=min_fee_ratio]", "10"),
                        ("#anze-modal-content input[name=max_fee_ratio]", "30"),
                        (
                            "#anze-modal-content textarea[name=note]",
                            "南安市应急管理局关于安责险事故预防服务的通知",
                        ),
                    ),
                    click=SUBMIT,
                    expect=toast("新增成功"),
                    caption="新增地区投保规则页面",
                ),
            ),
            errors=(("服务费比例下限不能大于上限", "调整两项比例。"),),
        ),
    ),
)

MANUAL = Manual(
    side="platform",
    slug="platform",
    title="平台管理操作手册",
    account="platform",
    intro="平台管理（平台管理系统）供平台运营中心使用：维护入驻的保险公司、投保企业、服务机构和监管部门及其管理员账号，"
    "审核企业认证，维护服务项目、行业、行政区划与地区投保规则，查看全平台的短信记录。",
    sections=(
        Section(
            "登录",
            text="打开浏览器输入系统地址，在【安全生产责任保险监管平台综合页面】点击「平台管理」，输入账号和密码登录。",
            pages=("login", "logout"),
            steps=(
                Step(
                    "平台综合页面",
                    "在平台综合页面点击「平台管理」。",
                    goto="/",
                    click='a.entry-card:has-text("平台管理")',
                    capture=".auth-bg",
                    caption="安全生产责任保险监管平台综合页面",
                ),
                *sign_in_steps("platform", login_page=None, intro="进入平台管理登录页面，"),
            ),
            errors=LOGIN_ERRORS,
        ),
        Section(
            "首页",
            text="首页显示各类机构的数量与待审核的企业认证，点击进入对应列表。",
            pages=("home",),
            steps=(Step("首页", "平台管理首页。", goto="/platform/", caption="平台管理首页"),),
        ),
        Section(
            "系统操作功能",
            text="系统主要功能：机构管理、基础数据、系统管理（含短信记录）、个人中心与消息中心。",
            children=(
                Section(
                    "机构管理",
                    text="四类机构（保险公司、投保企业、服务机构、监管部门）的列表、新增、编辑、停用与详情相同；企业认证为单独的审核列表。",
                    children=(
                        insurers,
                        org_section(
                            "投保企业",
                            "投保企业",
                            "enterprise",
                            "投保企业一般由企业自行注册；平台也可直接新增（如政府部门组织统一投保的企业），并为其建立管理员账号。",
                        ),
                        org_section(
                            "服务机构",
                            "服务机构",
                            "service_org",
                            "第三方安全生产技术服务机构：保险公司为保单申请安全服务时从中选择。",
                        ),
                        org_section(
                            "监管部门",
                            "监管部门",
                            "regulator",
                            "应急管理部门：管辖地区决定其能看到的订单与保单（本辖区及下级地区）。",
                        ),
                        claims,
                    ),
                ),
                basedata,
                system_section(P, sms=True),
                profile_section(P),
                messages_section(P),
                downloads_section(P),
            ),
        ),
    ),
)
