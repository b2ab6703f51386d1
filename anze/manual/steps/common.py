"""Sections every side's manual has — 登录, 系统管理 (账号管理, 角色管理, 操作日志, 登录日志), 个人中心, 消息中心 —
and the small helpers the step scripts share. Each side's script calls these with its own URL prefix."""

from __future__ import annotations

from typing import Any

from ..script import Section, Step

PASSWORD = "Anze@2026"

DIALOG = "#anze-modal.show .modal-content"
SUBMIT = "#anze-modal-content button[type=submit].btn-primary"
CONFIRM_OK = "#anze-confirm.show [data-ok]"


def toast(text: str) -> str:
    return f'.anze-toast:has-text("{text}")'


def menu(prefix: str, *labels: str) -> dict[str, Any]:
    """Open a page through the left menu: ``menu("insurer", "系统管理", "账号管理")`` clicks the group, then the
    entry. From 个人中心, a light page outside every group (a group already open would close on its click)."""
    *groups, entry = labels
    prepare = tuple(f'#menu summary:has-text("{group}")' for group in groups)
    return {"goto": f"/{prefix}/profile/", "prepare": (*prepare, f'#menu a:has-text("{entry}")')}


def row(text: str) -> str:
    """The table row that mentions ``text`` (a project, an account)."""
    return f'tbody tr:has-text("{text}")'


def sign_in_steps(username: str, *, login_page: str | None, intro: str) -> tuple[Step, ...]:
    """A wrong password first (the message and what to do), then the right one."""
    return (
        Step(
            "账号或密码错误",
            f"{intro}输入账号和密码后点击「登 录」。账号或密码输错时，登录框上方提示“账号或密码错误”，请核对后重新输入。",
            goto=login_page,
            fill=(("input[name=username]", username), ("input[name=password]", "wrong-password")),
            click='button[type=submit]:has-text("登 录")',
            expect='.form-errors:has-text("账号或密码错误")',
            shot_after=True,
            caption="登录失败的提示",
        ),
        Step(
            "登录",
            "输入正确的密码，点击「登 录」，进入首页。",
            fill=(("input[name=username]", username), ("input[name=password]", PASSWORD)),
            click='button[type=submit]:has-text("登 录")',
            expect="main.anze-content",
            capture=None,
            silent=True,
        ),
    )


LOGIN_ERRORS = (
    ("账号或密码错误", "账号不存在或密码不正确。请核对后重新输入；忘记密码请联系本单位管理员重置。"),
    (
        "登录失败次数过多，账号已被锁定，请N分钟后再试",
        "同一账号连续输错密码5次后锁定10分钟，期间正确的密码也不能登录。请等待提示的分钟数后再试。",
    ),
    ("该账号已停用，请联系本单位管理员", "账号被本单位管理员停用，请联系管理员在「账号管理」中启用。"),
)


def system_section(
    prefix: str, *, sms: bool = False, account: str = "zhangsan", extra: tuple[Section, ...] = ()
) -> Section:
    """系统管理: 账号管理 (新增, 编辑, 启用/停用, 删除), 角色管理 (新增, 编辑, 删除), 操作日志, 登录日志 and,
    where the side has it, 短信记录. The account and role made here are removed again at the end."""
    children = [
        Section(
            "账号管理",
            text="管理本单位登录系统的人员账号：新增、编辑、启用或停用、删除。只有拥有相应权限的角色才能看到这些按钮。",
            pages=(
                "system:user_list",
                "system:user_create",
                "system:user_edit",
                "system:user_set_active",
                "system:user_delete",
                "system:user_export",
            ),
            steps=(
                Step(
                    "账号列表",
                    "点击左侧菜单「系统管理」→「账号管理」，进入账号列表页面；点击「新增」。",
                    **menu(prefix, "系统管理", "账号管理"),
                    click='.toolbar a:has-text("新增")',
                    expect=DIALOG,
                    caption="账号列表页面",
                ),
                Step(
                    "必填项未填",
                    "弹出账号信息对话框。未填写必填项（标有红色*）就点击「确定」时，对应输入框下方会提示需要填写的内容。",
                    click=SUBMIT,
                    expect="#anze-modal-content .invalid-feedback",
                    shot_after=True,
                    caption="账号信息页面（未填写必填项）",
                ),
                Step(
                    "新增账号",
                    "填写登录账号、姓名、手机号码、密码，勾选角色，点击「确定」；提示“保存成功”后新账号出现在列表中。",
                    fill=(
                        ("#anze-modal-content input[name=username]", account),
                        ("#anze-modal-content input[name=name]", "张三"),
                        ("#anze-modal-content input[name=mobile]", "13912345678"),
                        ("#anze-modal-content input[name=password]", "Anquan2026x"),
                    ),
                    check=("#anze-modal-content input[name=roles] >> nth=-1",),
                    click=SUBMIT,
                    expect=row(account),
                    caption="账号信息页面",
                ),
                Step(
                    "编辑账号",
                    "在账号列表中对应账号的操作栏点击「编辑」。",
                    click=f'{row(account)} a:has-text("编辑")',
                    expect=DIALOG,
                    caption="账号列表页面",
                ),
                Step(
                    "修改密码",
                    "弹出账号编辑对话框，修改信息后点击「确定」。如要修改该账号的密码，点击密码后的小笔头图标，再输入新密码。",
                    prepare=('#anze-modal-content [data-testid="edit-password"]',),
                    fill=(("#anze-modal-content input[name=name]", "张三丰"),),
                    click=SUBMIT,
                    expect=row("张三丰"),
                    caption="账号编辑页面",
                ),
                Step(
                    "停用账号",
                    "点击状态栏中的「启用」标签可停用该账号（再次点击「停用」可重新启用），在弹出的提示框中点击「确定」。停用的账号不能登录。",
                    click=f'{row(account)} button:has-text("启用")',
                    expect="#anze-confirm.show",
                    capture=None,
                ),
                Step(
                    "确认停用",
                    "确认停用。",
                    click=CONFIRM_OK,
                    expect=f'{row(account)} .tag:has-text("停用")',
                    caption="停用账号的确认提示",
                ),
                Step(
                    "删除账号",
                    "在对应账号的操作栏点击「删除」，在弹出框中点击「确定」即可删除。",
                    click=f'{row(account)} a:has-text("删除")',
                    expect="#anze-confirm.show",
                    caption="账号列表页面",
                ),
                Step(
                    "确认删除",
                    "确认删除账号。",
                    click=CONFIRM_OK,
                    expect=toast("删除成功"),
                    caption="删除账号的确认提示",
                ),
            ),
            columns=(
                ("登录账号", "登录时输入的账号，创建后不能修改。"),
                ("角色", "账号拥有的角色；角色决定能看到的菜单和按钮。"),
                ("状态", "启用：可以登录；停用：不能登录。点击标签可切换（不能停用自己的账号）。"),
            ),
            errors=(
                ("登录账号为3-30位字母、数字或 _ . @ -", "登录账号只能使用字母、数字和 _ . @ - 这几个符号。"),
                ("该登录账号已存在", "换一个登录账号。"),
                ("密码至少8位，须同时包含字母和数字", "按提示设置更复杂的密码。"),
                ("密码跟 登录账号 太相似了。", "密码不能与登录账号、姓名相近，请换一个。"),
                (
                    "不能修改自己的角色，请由其他管理员修改",
                    "自己的角色和密码不能在这里修改：密码请在「个人中心」修改。",
                ),
                ("只有管理员可以分配“管理员”角色", "非管理员只能分配不超出本人权限的角色。"),
            ),
        ),
        Section(
            "角色管理",
            text="角色是一组权限的集合。为账号分配角色后，账号即拥有角色的全部权限（能看到对应的菜单和按钮）。",
            pages=("system:role_list", "system:role_create", "system:role_edit", "system:role_delete"),
            steps=(
                Step(
                    "角色列表",
                    "点击左侧菜单「系统管理」→「角色管理」，进入角色列表页面；点击「新增」。",
                    **menu(prefix, "系统管理", "角色管理"),
                    click='.toolbar a:has-text("新增")',
                    expect=DIALOG,
                    caption="角色列表页面",
                ),
                Step(
                    "新增角色",
                    "弹出角色信息对话框，填写角色名称，勾选该角色能使用的权限（勾选「全选」或分组名称可一次选中多项），点击「确定」。",
                    fill=(("#anze-modal-content input[name=name]", "查询员"),),
                    check=("#anze-modal-content input[name=permissions] >> nth=0",),
                    click=SUBMIT,
                    expect=row("查询员"),
                    caption="角色信息页面",
                ),
                Step(
                    "编辑角色",
                    "在对应角色的操作栏点击「编辑」，修改名称或权限后点击「确定」。",
                    click=f'{row("查询员")} a:has-text("编辑")',
                    expect=DIALOG,
                    caption="角色列表页面",
                ),
                Step(
                    "保存角色",
                    "修改后点击「确定」保存。",
                    fill=(("#anze-modal-content input[name=name]", "业务查询员"),),
                    click=SUBMIT,
                    expect=row("业务查询员"),
                    caption="角色编辑页面",
                ),
                Step(
                    "删除角色",
                    "在对应角色的操作栏点击「删除」，在弹出框中点击「确定」。",
                    click=f'{row("业务查询员")} a:has-text("删除")',
                    expect="#anze-confirm.show",
                    capture=None,
                ),
                Step(
                    "确认删除角色",
                    "确认删除。",
                    click=CONFIRM_OK,
                    expect=toast("删除成功"),
                    caption="删除角色的确认提示",
                ),
            ),
            errors=(
                ("不能授予您本人不具备的权限", "灰色的权限您本人不具备，不能授予；请由管理员操作。"),
                ("不能修改自己所属的角色", "自己所属的角色请由管理员修改。"),
                ("该角色名称已存在", "换一个角色名称。"),
            ),
        ),
        Section(
            "操作日志",
            text="记录本单位人员的每一次业务操作和对账号、角色的修改：时间、操作人、操作内容、修改前后的值。可按条件搜索并导出。",
            pages=("system:operation_log", "system:operation_log_export"),
            steps=(
                Step(
                    "操作日志",
                    "点击左侧菜单「系统管理」→「操作日志」，输入条件后点击「搜索」，点击「导出」可导出当前条件下的全部记录（Excel）。",
                    **menu(prefix, "系统管理", "操作日志"),
                    click='button:has-text("搜索")',
                    caption="操作日志页面",
                ),
            ),
        ),
        Section(
            "登录日志",
            text="记录本单位账号的每一次登录（成功或失败）、时间、IP 地址与浏览器，用于发现异常登录。",
            pages=("system:login_log",),
            steps=(
                Step(
                    "登录日志",
                    "点击左侧菜单「系统管理」→「登录日志」，可按账号、结果与时间搜索。",
                    **menu(prefix, "系统管理", "登录日志"),
                    click='button:has-text("搜索")',
                    caption="登录日志页面",
                ),
            ),
        ),
    ]
    if sms:
        children.append(
            Section(
                "短信记录",
                text="系统发出的每一条短信（报价、付款通知、出函等通知和验证码）：接收号码、内容、发送状态。验证码一律显示为 ******。发送失败的短信可点击「重发」。",
                pages=("sms:list", "sms:resend"),
                steps=(
                    Step(
                        "短信记录",
                        "点击左侧菜单「系统管理」→「短信记录」，可按手机号码、状态搜索。",
                        **menu(prefix, "系统管理", "短信记录"),
                        click='button:has-text("搜索")',
                        caption="短信记录页面",
                    ),
                ),
                statuses=(
                    ("待发送", "已排队，稍后由后台任务发送。"),
                    ("已发送", "短信通道已接收。"),
                    ("发送失败", "通道拒绝或多次重试仍失败，可点击「重发」。"),
                ),
            )
        )
    children += extra
    return Section(
        "系统管理",
        text="系统管理包括账号管理、角色管理与日志，只有拥有相应权限的账号才能看到。",
        children=tuple(children),
    )


def profile_section(prefix: str) -> Section:
    return Section(
        "个人中心",
        text="查看本人的账号信息，修改姓名、手机号码和登录密码。",
        pages=("profile",),
        steps=(
            Step(
                "打开个人中心",
                "点击右上角的姓名，在下拉菜单中点击「个人中心」。",
                goto=f"/{prefix}/",
                prepare=(".anze-topbar .user-menu",),
                click='.dropdown-menu.show a:has-text("个人中心")',
                capture=".anze-topbar",
                caption="右上角的用户菜单",
            ),
            Step(
                "修改密码",
                "在「修改密码」标签页输入原密码、新密码并再次输入新密码，点击「修改密码」。原密码输错时提示“原密码不正确”。",
                prepare=('a.nav-link:has-text("修改密码")',),
                fill=(
                    ("input[name=old_password]", "wrong-password"),
                    ("input[name=new_password]", "Newpass2026"),
                    ("input[name=confirm_password]", "Newpass2026"),
                ),
                click='#tab-password button:has-text("修改密码")',
                expect="#tab-password .invalid-feedback",
                shot_after=True,
                caption="个人中心（原密码输错）",
            ),
        ),
        errors=(
            ("原密码不正确", "输入当前的登录密码；连续输错5次账号将被锁定10分钟。"),
            ("两次输入的新密码不一致", "重新输入确认新密码。"),
            ("修改手机号码须输入当前登录密码", "在「当前密码」中输入登录密码后再保存。"),
        ),
    )


def messages_section(prefix: str) -> Section:
    return Section(
        "消息中心",
        text="订单、保单和服务的进展会发送站内消息。右上角铃铛上的数字是未读消息数。",
        pages=("messages:list", "messages:open", "messages:read", "messages:read_all", "messages:bell"),
        steps=(
            Step(
                "打开消息中心",
                "点击右上角的铃铛图标，进入消息中心。",
                goto=f"/{prefix}/",
                click="#anze-bell",
                capture=".anze-topbar",
                caption="右上角的铃铛",
            ),
            Step(
                "消息中心",
                "消息按时间倒序排列，未读的标题为粗体；可在「全部」「未读」「已读」之间切换。点击标题或「查看」打开相关的页面，"
                "该消息同时标为已读；有未读消息时点击「全部已读」将全部消息标为已读。",
                click='.status-tabs a:has-text("未读")',
                caption="消息中心",
            ),
        ),
    )


def switch_account(login_page: str, username: str) -> tuple[Step, ...]:
    """Sign out (the user menu's 退出登录) and in again as ``username``, for the few steps that need another
    demo account's data; done, not printed."""
    return (
        Step(
            f"退出登录（切换到 {username}）",
            "点击右上角的姓名，再点击「退出登录」。",
            prepare=(".anze-topbar .user-menu", '.dropdown-menu.show button:has-text("退出登录")'),
            capture=None,
            silent=True,
        ),
        Step(
            f"{username} 登录",
            f"使用账号 {username} 登录。",
            goto=login_page,
            fill=(("input[name=username]", username), ("input[name=password]", PASSWORD)),
            click='button[type=submit]:has-text("登 录")',
            expect="main.anze-content",
            capture=None,
            silent=True,
        ),
    )


def downloads_section(prefix: str) -> Section:
    """下载中心: exports too large to build at once are made in the background and wait here."""
    return Section(
        "下载中心",
        text="列表「导出」的数据较多时（超过一次可直接下载的行数），系统提示将在后台生成 Excel 文件；点击「提交导出任务」后，"
        "在下载中心查看生成进度，完成后点击「下载」。文件保留一段时间后自动删除，也可手动「删除」。",
        pages=("downloads:list", "downloads:download", "downloads:delete"),
        steps=(
            Step(
                "打开下载中心",
                "点击右上角铃铛旁的下载图标，进入下载中心。",
                goto=f"/{prefix}/",
                click="#anze-downloads",
                capture=".anze-topbar",
                caption="右上角的下载中心图标",
            ),
            Step("下载中心", "下载中心列出本人提交的导出任务及其状态。", caption="下载中心"),
        ),
    )
