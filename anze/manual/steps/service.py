"""服务机构端操作手册: a service organisation (anxin_admin, 泉州安信安全技术服务有限公司) — 服务订单 (接受/拒绝, 服务计划,
服务记录), 服务记录, 检查管理 and 隐患复查, 现场视频, 综合人事管理, 投诉管理, 系统管理, 个人中心, 消息中心.

The demo data (anze/prevention/demo.py) gives 安信 a policy waiting for it (泉港石化园区装卸站台), one in service with
a plan, records, an inspection with hazards and a complaint (丰泽区东海街道安置房三期工程), and one completed."""

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

P = "service"
PENDING = "泉港石化园区装卸站台"
IN_SERVICE = "丰泽区东海街道安置房三期工程"
ENTERPRISE = "泉州鸿盛建筑工程有限公司"  # its applicant
STAFF = "陈志明"

orders = Section(
    "服务订单",
    text="保险公司为保单申请第三方安全服务并指定本机构后，保单出现在服务订单中。本机构接受后开展服务：制定服务计划，"
    "每次服务后登记服务记录（由企业确认），进行隐患排查；拒绝须填写原因，保单退回保险公司重新指定。",
    pages=("service_orders:list",),
    steps=(
        Step(
            "服务订单列表",
            "点击左侧菜单「服务订单」，进入服务订单列表，可按保单编号、企业名称搜索。",
            **menu(P, "服务订单"),
            caption="服务订单列表",
        ),
    ),
    columns=(
        ("保单编号", "保险公司的保单编号，点击进入服务订单详情。"),
        ("投保企业 / 项目", "接受服务的企业与投保项目。"),
        ("保险期间", "服务须在保险期间内完成。"),
        ("服务进度", "约定的服务项目已完成的次数 / 约定次数。"),
        ("状态", "见下表。"),
    ),
    statuses=(
        ("待处理", "保险公司已指定本机构，等待接受或拒绝。"),
        ("服务中", "已接受，正在开展服务。"),
        ("已完成", "约定的服务项目已全部完成。"),
    ),
    children=(
        Section(
            "接受与拒绝",
            text="在待处理的服务订单上点击「接受」并确认，服务开始；不能承接时点击「拒绝」并填写原因，保单退回保险公司。",
            pages=("service_orders:accept", "service_orders:decline"),
            steps=(
                Step(
                    "拒绝",
                    "如不能承接，在订单详情或列表中点击「拒绝」，填写拒绝原因后点击「确定」。",
                    goto="/service/orders/",
                    click=f'{row(PENDING)} [data-action="decline"]:has-text("拒绝")',
                    expect=DIALOG,
                    capture=None,
                ),
                Step(
                    "拒绝原因",
                    "拒绝原因会显示给保险公司（本例不提交，点击「取消」关闭）。",
                    fill=(
                        ("#anze-modal-content textarea[name=reason]", "本机构近期人员已满，无法按期开展服务"),
                    ),
                    outline="#anze-modal-content button[type=submit]",
                    shot_after=True,
                    caption="拒绝服务订单页面",
                ),
                Step(
                    "关闭",
                    "点击「取消」关闭。",
                    click='#anze-modal-content button:has-text("取消")',
                    capture=None,
                    silent=True,
                ),
                Step(
                    "接受",
                    "在服务订单列表中点击「接受」。",
                    click=f'{row(PENDING)} button[data-action="accept"]:has-text("接受")',
                    expect="#anze-confirm.show",
                    caption="服务订单列表（待处理）",
                ),
                Step(
                    "确认接受",
                    "在提示框中点击「确定」，订单变为“服务中”。",
                    click=CONFIRM_OK,
                    expect=toast("已接受"),
                    caption="接受服务订单的确认提示",
                ),
            ),
        ),
        Section(
            "服务计划",
            text="服务订单详情页显示保单信息、约定的服务项目与次数（服务进度）、服务计划、服务记录、检查与投诉。"
            "按约定的服务项目制定服务计划：服务项目、计划日期（须在保险期间内）、服务人员与服务内容。",
            pages=(
                "service_orders:detail",
                "service_orders:file",
                "service_orders:plan_add",
                "service_orders:plan_edit",
                "service_orders:plan_remove",
            ),
            steps=(
                Step(
                    "打开服务订单",
                    "在服务订单列表中点击「查看」，进入服务订单详情，在服务计划栏点击「新增计划」。",
                    goto="/service/orders/",
                    prepare=(f'{row(IN_SERVICE)} a:has-text("查看")',),
                    click='a.btn:has-text("新增计划")',
                    expect=DIALOG,
                    caption="服务订单详情页面",
                ),
                Step(
                    "新增计划",
                    "选择服务项目、计划日期和服务人员（证书过期的人员不能选择），填写服务内容，点击「确定」。"
                    "已有的计划可点击「编辑」修改或「删除」删除。",
                    select=(("#anze-modal-content select[name=item]", "安全生产宣传教育培训"),),
                    dates=(("#anze-modal-content input[name=planned_on]", 14),),
                    check=(f'#anze-modal-content label:has-text("{STAFF}") input',),
                    fill=(("#anze-modal-content textarea[name=content]", "冬季施工安全专题培训"),),
                    click=SUBMIT,
                    expect=toast("计划已新增"),
                    caption="新增服务计划页面",
                ),
            ),
            errors=(
                ("计划日期须在保险期间内", "选择保险期间内的日期（输入框下方显示保险期间）。"),
                ("请选择服务人员", "至少选择一名在职且证书有效的服务人员。"),
            ),
        ),
        Section(
            "登记服务记录",
            text="每完成一次服务，在服务订单详情中点击「新增服务记录」，填写服务项目、日期、地点、人员、内容、发现的问题与整改建议、"
            "服务费用（不填按服务项目单价计），上传服务报告、现场照片或视频。保存后等待企业确认；企业确认时服务费用计入保单的"
            "事故预防服务费台账（服务订单详情的“事故预防服务费”栏），超出服务费时须保险公司先批准超支。"
            "企业有异议时按异议修改，已确认的记录只能新增更正记录。",
            pages=(
                "service_orders:record_add",
                "service_orders:record",
                "service_orders:record_edit",
                "service_orders:record_correct",
                "service_orders:record_attach",
            ),
            steps=(
                Step(
                    "点击新增服务记录",
                    "在服务订单详情的服务记录栏点击「新增服务记录」。",
                    goto="/service/orders/",
                    prepare=(f'{row(IN_SERVICE)} a:has-text("查看")',),
                    click='a[data-action="add-record"]:has-text("新增服务记录")',
                    capture=None,
                ),
                Step(
                    "填写服务记录",
                    "填写服务记录，点击「保存」；提示“服务记录已保存，等待企业确认”。",
                    select=(("select[name=item]", "安全生产宣传教育培训"),),
                    dates=(("input[name=served_on]", -1),),
                    check=(f'label:has-text("{STAFF}") input',),
                    fill=(
                        ("input[name=place]", "项目部会议室"),
                        ("textarea[name=content]", "开展高处作业与临时用电安全培训，参训42人。"),
                    ),
                    upload=(("input[type=file][name=report]", "服务报告.pdf"),),
                    click='button[type=submit]:has-text("保存")',
                    expect=toast("服务记录已保存"),
                    caption="新增服务记录页面",
                ),
            ),
            statuses=(
                ("待确认", "已登记，等待企业确认；此时可修改和上传附件。"),
                ("已确认", "企业已确认属实，不能修改，只能新增更正记录。"),
                ("有异议", "企业提出异议，请按异议修改后重新提交确认。"),
            ),
            errors=(("服务日期不能晚于今天", "服务记录登记已完成的服务，日期不能是将来。"),),
        ),
    ),
)

records = Section(
    "服务记录",
    text="本机构登记的全部服务记录，可按保单编号、企业、服务项目、日期搜索，点击「查看」进入记录详情。",
    pages=("service_records:list",),
    steps=(
        Step(
            "服务记录列表",
            "点击左侧菜单「服务记录」。",
            **menu(P, "服务记录"),
            caption="服务记录列表",
        ),
    ),
)

inspections = Section(
    "检查管理",
    text="对服务中的企业开展隐患排查：新增检查（受检企业、日期、地点、人员、内容，可附现场照片和视频），"
    "在检查详情中逐条登记发现的隐患（等级、描述、部位、整改期限、照片）。企业登记整改后，由本机构复查。",
    pages=(
        "inspections:list",
        "inspections:add",
        "inspections:detail",
        "inspections:attach",
        "inspections:hazard_add",
        "inspections:hazard_rectify",
        "inspections:hazard_verify",
    ),
    steps=(
        Step(
            "检查列表",
            "点击左侧菜单「检查管理」，点击「新增检查」。",
            **menu(P, "检查管理"),
            click='.toolbar a:has-text("新增检查"), a.btn:has-text("新增检查")',
            caption="检查管理列表",
        ),
        Step(
            "新增检查",
            "选择受检企业（服务中的保单），填写检查日期、地点、检查人员与检查内容，点击「保存」，进入检查详情。",
            select=(("select[name=policy]", ENTERPRISE),),
            dates=(("input[name=inspected_on]", 0),),
            check=(f'label:has-text("{STAFF}") input',),
            fill=(
                ("input[name=place]", "施工现场3号楼"),
                ("textarea[name=summary]", "检查脚手架、临边防护与临时用电。"),
            ),
            click='button[type=submit]:has-text("保存")',
            expect=toast("检查已保存"),
            caption="新增检查页面",
        ),
        Step(
            "登记隐患",
            "在检查详情中点击「登记隐患」。",
            click='a[data-action="add-hazard"]:has-text("登记隐患")',
            expect=DIALOG,
            caption="检查详情页面",
        ),
        Step(
            "填写隐患",
            "选择隐患等级，填写隐患描述、部位与整改期限，可上传隐患照片，点击「确定」；企业会在「隐患整改」中看到该隐患。",
            fill=(
                ("#anze-modal-content textarea[name=description]", "3号楼临时配电箱未加锁，无漏电保护。"),
                ("#anze-modal-content input[name=location]", "3号楼一层配电箱"),
            ),
            dates=(("#anze-modal-content input[name=deadline]", 7),),
            click=SUBMIT,
            expect=toast("隐患已登记"),
            caption="登记隐患页面",
        ),
        Step(
            "复查",
            "企业登记整改后，隐患显示为“待复查”。在检查详情中点击「复查」，选择复查结论并确定；不通过的隐患回到“待整改”。",
            goto="/service/inspections/",
            prepare=('tbody tr a:has-text("查看") >> nth=-1',),
            click='a.btn-text:has-text("复查")',
            expect=DIALOG,
            caption="检查详情（待复查的隐患）",
        ),
        Step(
            "复查结论",
            "选择复查结论（复查通过 / 复查不通过），填写复查意见，点击「确定」。",
            check=('#anze-modal-content input[name=result][value="pass"]',),
            fill=(("#anze-modal-content textarea[name=opinion]", "现场复查，配电箱已加锁并有专人管理。"),),
            click=SUBMIT,
            expect=toast("复查结果已保存"),
            caption="复查页面",
        ),
    ),
    errors=(("请填写复查意见", "复查意见必填；不通过时写明需继续整改的内容。"),),
    statuses=(
        ("待整改", "已登记，等待企业整改。"),
        ("待复查", "企业已登记整改，等待本机构复查。"),
        ("已整改", "复查通过，隐患关闭。"),
    ),
)

videos = Section(
    "现场视频",
    text="上传服务或检查现场的视频（MP4，不超过200MB），关联到一条未确认的服务记录或一次检查；可在线播放。",
    pages=("videos:list", "videos:upload", "videos:play", "videos:stream"),
    steps=(
        Step(
            "视频列表",
            "点击左侧菜单「现场视频」，点击「上传视频」。",
            **menu(P, "现场视频"),
            click='a.btn:has-text("上传视频")',
            caption="现场视频列表",
        ),
        Step(
            "上传视频",
            "选择关联的服务记录或检查，选择视频文件并填写说明，点击「上传」。",
            select=(("select[name=target]", ENTERPRISE),),
            upload=(("input[type=file][name=video]", "现场视频.mp4"),),
            fill=(("input[name=caption], textarea[name=caption]", "配电箱整改前现场"),),
            click='button[type=submit]:has-text("上传")',
            expect=toast("视频已上传"),
            caption="上传视频页面",
        ),
        Step(
            "播放",
            "在视频列表中点击「播放」在线观看。",
            goto="/service/videos/",
            click='tbody tr a:has-text("播放") >> nth=0',
            capture=None,
        ),
    ),
    errors=(("只能上传 MP4 视频", "请转换为 MP4 格式后上传，大小不超过200MB。"),),
)

staff = Section(
    "综合人事管理",
    text="维护本机构的服务人员名册与资格证书。证书过期的人员在服务计划、服务记录和检查中不能选择；离职的人员不再出现在选择列表中。",
    pages=("staff:list", "staff:add", "staff:edit", "staff:set_active"),
    steps=(
        Step(
            "人员列表",
            "点击左侧菜单「综合人事管理」，点击「新增」。",
            **menu(P, "综合人事管理"),
            click='.toolbar a:has-text("新增")',
            expect=DIALOG,
            caption="人员列表",
        ),
        Step(
            "新增人员",
            "填写姓名、手机号码、职务/职称和资格证书（名称、编号、有效期至），点击「确定」。",
            fill=(
                ("#anze-modal-content input[name=name]", "王建安"),
                ("#anze-modal-content input[name=mobile]", "13960711009"),
                ("#anze-modal-content input[name=title]", "安全工程师"),
                ("#anze-modal-content input[name=cert-0-name]", "注册安全工程师"),
                ("#anze-modal-content input[name=cert-0-number]", "AQ350500202409876"),
            ),
            dates=(("#anze-modal-content input[name=cert-0-expires_on]", 700),),
            click=SUBMIT,
            expect=toast("保存成功"),
            caption="新增人员页面",
        ),
    ),
    columns=(
        ("资格证书", "证书名称、编号与有效期；已过期的标红。"),
        ("状态", "在职 / 离职；点击「离职」或「设为在职」切换。"),
    ),
)

complaints = Section(
    "投诉管理",
    text="企业对本机构服务的投诉。须在答复期限内答复（自投诉次日起10个工作日，可延长一次至30个工作日）。",
    pages=("complaints:list", "complaints:detail", "complaints:answer", "complaints:extend"),
    steps=(
        Step(
            "投诉列表",
            "点击左侧菜单「投诉管理」，在待答复的投诉上点击「处理」。",
            **menu(P, "投诉管理"),
            click='tbody tr a:has-text("处理") >> nth=0',
            caption="投诉列表",
        ),
        Step(
            "延长期限",
            "需进一步核实的，点击「延长期限」填写原因（只能延长一次）；核实后点击「答复」填写答复内容并确定。",
            click='a.btn:has-text("答复")',
            expect=DIALOG,
            caption="投诉详情页面",
        ),
        Step(
            "答复",
            "填写核实情况及处理结果，点击「确定」。",
            fill=(("#anze-modal-content textarea[name=answer]", "已调整服务人员排班，后续服务按计划到场。"),),
            click=SUBMIT,
            expect=toast("已答复"),
            caption="答复投诉页面",
        ),
    ),
)

MANUAL = Manual(
    side="service_org",
    slug="service",
    title="服务机构端操作手册",
    account="anxin_admin",
    intro="服务机构端（安全服务机构管理系统）供第三方安全生产技术服务机构使用：接受保险公司指派的服务订单，制定服务计划，"
    "登记服务记录，开展隐患排查与复查，上传现场视频，管理服务人员与资格证书，答复企业的服务投诉。",
    sections=(
        Section(
            "登录",
            text="打开浏览器输入系统地址，在【安全生产责任保险监管平台综合页面】点击「服务机构端」，输入账号和密码登录。",
            pages=("login", "logout"),
            steps=(
                Step(
                    "平台综合页面",
                    "在平台综合页面点击「服务机构端」。",
                    goto="/",
                    click='a.entry-card:has-text("服务机构端")',
                    capture=".auth-bg",
                    caption="安全生产责任保险监管平台综合页面",
                ),
                *sign_in_steps("anxin_admin", login_page=None, intro="进入服务机构端登录页面，"),
            ),
            errors=LOGIN_ERRORS,
        ),
        Section(
            "首页",
            text="首页卡片显示待接受的服务订单、服务中的订单、待企业确认的服务记录、待复查的隐患与待答复的投诉，点击进入对应列表。",
            pages=("home",),
            steps=(Step("首页", "服务机构端首页。", goto="/service/", caption="服务机构端首页"),),
        ),
        Section(
            "系统操作功能",
            text="系统主要功能：服务订单、服务记录、检查管理、现场视频、综合人事管理、投诉管理、系统管理、个人中心与消息中心。",
            children=(
                orders,
                records,
                inspections,
                videos,
                staff,
                complaints,
                system_section(P),
                profile_section(P),
                messages_section(P),
                downloads_section(P),
            ),
        ),
    ),
)
