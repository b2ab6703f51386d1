"""监管端操作手册: a regulator (qzyjj, 泉州市应急管理局) — 统计分析, 订单查询, 保单查询, 应保尽保, 系统管理, 个人中心,
消息中心. Everything is read-only and limited to the regulator's region and the regions below it."""

from __future__ import annotations

from ..script import Manual, Section, Step
from .claims import CLAIM_STATUSES
from .common import (
    LOGIN_ERRORS,
    downloads_section,
    menu,
    messages_section,
    profile_section,
    sign_in_steps,
    system_section,
)

P = "regulator"

statistics = Section(
    "统计分析",
    text="按保险公司、区县、行业与出函时间统计管辖范围内的保单：保障中保单数、本年保费、高危行业投保率与已脱保企业数，"
    "以及近12个月出函保单、第三方安全服务进度、各保险公司保费、各区县与各行业保单数的图表；下方为事故预防服务费的收取、支出、"
    "使用率与使用滞后保单数，及按月、按保险公司、区县、行业的收支。选择条件后点击「搜索」，图表随之更新；点击「导出」把当前条件下的"
    "统计数字导出为一个 Excel 工作簿（汇总、按保险公司、按区县、按行业、按月份、服务进度各一张表）。",
    pages=("supervision:statistics", "supervision:statistics_export"),
    steps=(
        Step(
            "统计分析",
            "点击左侧菜单「统计分析」，选择条件（如区县“丰泽区”）后点击「搜索」。",
            **menu(P, "统计分析"),
            select=(("select[name=region]", "丰泽区"),),
            click='button:has-text("搜索")',
            caption="统计分析页面",
        ),
        Step(
            "统计结果",
            "按条件统计的结果。将鼠标移到图表上可查看具体数字。",
            expect="canvas",
            caption="统计分析（丰泽区）",
        ),
    ),
)

claim_statistics = Section(
    "理赔统计",
    text="管辖范围内的报案数、结案数、赔款金额与赔付率（赔款 ÷ 保费），按月份、保险公司、区县、行业统计，"
    "以及未结案件与报案超过30天仍未结案的案件。可按保险公司、区县、行业与时间筛选；点击「导出」把当前条件下的各项统计"
    "导出为一个 Excel 工作簿（汇总、按保险公司、按区县、按行业、按月份、超30天未结案各一张表）。",
    pages=("claims:statistics", "claims:statistics_export"),
    steps=(
        Step(
            "理赔统计",
            "点击左侧菜单「理赔统计」，选择条件后点击「搜索」。",
            **menu(P, "理赔统计"),
            click='button:has-text("搜索")',
            caption="理赔统计页面",
        ),
    ),
)

queries = Section(
    "监管查询",
    text="查询管辖范围内的订单与保单，了解高危行业企业的投保情况。监管端只能查看，不能修改任何数据。",
    children=(
        Section(
            "订单查询",
            text="管辖范围内各保险公司的投保订单（不含企业的草稿），可按关键字（申请编号或投保人、项目名称）、信用代码（完整或开头几位）、保险公司、状态、区县查询，点击「查看详情」看订单的全部信息。超过一万条时，分页处显示「共 10000+ 条」，仍可逐页翻看。",
            pages=("supervision:order_list", "supervision:order_detail"),
            steps=(
                Step(
                    "订单查询",
                    "点击左侧菜单「监管查询」→「订单查询」，选择状态后点击「搜索」。",
                    **menu(P, "监管查询", "订单查询"),
                    select=(("select[name=status]", "已出函"),),
                    click='button:has-text("搜索")',
                    caption="订单查询页面",
                ),
                Step(
                    "订单详情",
                    "点击「查看详情」。",
                    click='tbody tr a:has-text("查看详情") >> nth=0',
                    capture=None,
                ),
                Step("订单详情页面", "订单详情页面（只读）。", caption="订单详情页面"),
            ),
            columns=(
                ("订单信息", "申请编号与订单类型（线上订单 / 线下订单）。"),
                ("保险公司", "承保的保险公司。"),
                ("投保人信息", "投保企业与统一社会信用代码。"),
                ("区县", "项目所在区县；未填写地区的订单只有市级监管部门能看到。"),
                ("保费（元）", "报价后的保费；未报价时为“待报价”。"),
                ("状态", "订单所处的环节（待报价……已出函、已取消）。"),
            ),
        ),
        Section(
            "保单查询",
            text="管辖范围内已出函的保单，可按关键字（保单编号或投保人）、信用代码、保障状态（保障中、即将到期、已到期、未起保）与安全服务状态筛选，点击「导出」导出为 Excel。",
            pages=("supervision:policy_list", "supervision:policy_export"),
            steps=(
                Step(
                    "保单查询",
                    "点击左侧菜单「监管查询」→「保单查询」，选择保障状态后点击「搜索」。",
                    **menu(P, "监管查询", "保单查询"),
                    select=(("select[name=standing]", "保障中"),),
                    click='button:has-text("搜索")',
                    caption="保单查询页面",
                ),
            ),
            statuses=(
                ("保障中", "当前日期在保险期间内。"),
                ("即将到期", "30天内到期。"),
                ("已到期", "保险期间已结束。"),
                ("未起保", "保险期间尚未开始。"),
            ),
        ),
        Section(
            "应保尽保",
            text="矿山、危险化学品、烟花爆竹、交通运输、建筑施工、民用爆炸物品、金属冶炼、渔业生产等高危行业企业应当投保安全生产责任保险。"
            "本页列出管辖范围内高危行业企业的投保状态，便于督促未投保和已脱保的企业。",
            pages=("supervision:cover_list",),
            steps=(
                Step(
                    "应保尽保",
                    "点击左侧菜单「监管查询」→「应保尽保」，选择投保状态（如“未投保”）后点击「搜索」。",
                    **menu(P, "监管查询", "应保尽保"),
                    select=(("select[name=cover]", "未投保"),),
                    click='button:has-text("搜索")',
                    caption="应保尽保页面",
                ),
            ),
            statuses=(
                ("已投保", "有保障中的保单。"),
                ("即将到期", "保单30天内到期，尚未续保。"),
                ("已脱保", "曾投保，保单已到期且未续保。"),
                ("未投保", "从未在平台上投保。"),
            ),
        ),
        Section(
            "企业名录",
            text="辖区内应当投保的高危行业企业名录，是“应保尽保”统计的依据。可用 Excel 导入名录（下载模板，按模板填写后上传，"
            "逐行校验无误才导入），已不在辖区的企业可移除。",
            pages=(
                "supervision:register_list",
                "supervision:register_remove",
                "supervision:register_import",
                "supervision:register_template",
                "supervision:register_import_detail",
                "supervision:register_import_errors",
            ),
            steps=(
                Step(
                    "企业名录",
                    "点击左侧菜单「监管查询」→「企业名录」；点击「导入名录」进入导入页面。",
                    **menu(P, "监管查询", "企业名录"),
                    click='.toolbar a[data-action="import"]:has-text("导入名录")',
                    caption="企业名录页面",
                ),
                Step(
                    "导入名录",
                    "点击「下载导入模板」，按模板填写后选择文件，点击「上传并校验」。",
                    outline="#import-template",
                    shot_after=True,
                    caption="导入企业名录页面",
                ),
            ),
        ),
        Section(
            "服务费使用滞后",
            text="《安全生产责任保险实施办法》要求事故预防服务费用于事故预防。本页列出保障中、临近保险止期，"
            "而已支出的事故预防服务费占服务费的比例低于保险期间已过天数比例的保单（服务费用得比时间慢），"
            "便于督促保险公司与服务机构按计划开展服务。筛选条件与统计分析相同，可导出。",
            pages=("supervision:fee_lagging", "supervision:fee_lagging_export"),
            steps=(
                Step(
                    "服务费使用滞后",
                    "点击左侧菜单「监管查询」→「服务费使用滞后」，可按关键字、保险公司、区县、行业查询，点击「导出」导出为 Excel。",
                    **menu(P, "监管查询", "服务费使用滞后"),
                    outline='.toolbar a:has-text("导出")',
                    shot_after=True,
                    caption="服务费使用滞后页面",
                ),
            ),
            columns=(
                ("剩余天数", "距保险止期的天数；不足30天标红。"),
                ("服务费 / 已支出", "保单的事故预防服务费与企业已确认的服务费用。"),
                (
                    "使用率 / 期间已过",
                    "已支出 ÷ 服务费，与保险期间已过天数 ÷ 期间天数：前者低于后者即为滞后。",
                ),
                ("服务机构", "为保单提供服务的机构；未指定的说明尚未申请第三方安全服务。"),
            ),
        ),
        Section(
            "理赔查询",
            text="管辖范围内各保险公司的理赔案件（只读），可按报案号、投保人、保险公司、区县、行业与报案时间查询，点击「查看」看案件详情，"
            "详情中可打开企业报案时上传的事故照片与材料（保险公司查勘的材料不对监管端公开）；点击「导出」导出为 Excel。",
            pages=("claims:list", "claims:export", "claims:detail", "claims:file"),
            steps=(
                Step(
                    "理赔查询",
                    "点击左侧菜单「监管查询」→「理赔查询」。",
                    **menu(P, "监管查询", "理赔查询"),
                    click='tbody tr a[data-action="detail"]:has-text("查看") >> nth=0',
                    caption="理赔查询页面",
                ),
                Step("理赔案件详情", "案件详情（只读）。", caption="理赔案件详情"),
            ),
            statuses=CLAIM_STATUSES,
        ),
    ),
)

MANUAL = Manual(
    side="regulator",
    slug="regulator",
    title="监管端操作手册",
    account="qzyjj",
    intro="监管端（安责险监管系统）供应急管理部门使用：统计分析管辖范围内的投保情况，查询订单与保单，督促高危行业企业应保尽保。"
    "各级监管部门只能看到本辖区及下级辖区的数据。",
    sections=(
        Section(
            "登录",
            text="打开浏览器输入系统地址，在【安全生产责任保险监管平台综合页面】点击「监管端」，输入账号和密码登录。",
            pages=("login", "logout"),
            steps=(
                Step(
                    "平台综合页面",
                    "在平台综合页面点击「监管端」。",
                    goto="/",
                    click='a.entry-card:has-text("监管端")',
                    capture=".auth-bg",
                    caption="安全生产责任保险监管平台综合页面",
                ),
                *sign_in_steps("qzyjj", login_page=None, intro="进入监管端登录页面，"),
            ),
            errors=LOGIN_ERRORS,
        ),
        Section(
            "首页",
            text="首页卡片显示保障中保单数、30天内到期保单数、高危行业已脱保企业数与高危行业投保率，点击进入对应的查询。",
            pages=("home",),
            steps=(Step("首页", "监管端首页。", goto="/regulator/", caption="监管端首页"),),
        ),
        Section(
            "系统操作功能",
            text="系统主要功能：统计分析、理赔统计、监管查询（订单查询、保单查询、应保尽保、企业名录、服务费使用滞后、理赔查询）、系统管理、"
            "个人中心与消息中心。",
            children=(
                statistics,
                claim_statistics,
                queries,
                system_section(P),
                profile_section(P),
                messages_section(P),
                downloads_section(P),
            ),
        ),
    ),
)
