"""Demo organisations and accounts (the README lists them)."""

from __future__ import annotations

from typing import Any

from stdnum.cn import uscc

from anze.basedata.models import Industry, Region
from anze.core import catalogue
from anze.core.sides import Side

from . import services
from .models import Organisation, Role, User

DEMO_PASSWORD = "Anze@2026"

PLATFORM = {
    "name": "安责险平台运营中心",
    "short_name": "平台运营中心",
    "admin": ("platform", "平台管理员", "13905950000"),
}

INSURERS = [
    {
        "name": "中国人民财产保险股份有限公司泉州市分公司",
        "short_name": "人保财险泉州",
        "code": "picc-qz",
        "admin": ("picc_admin", "林志强", "13905950101"),
        "clerk": ("picc_clerk", "陈雅琴", "13905950102"),
        # 冲正审核 (issue 14): the second person who approves or rejects a clerk's 冲正 request.
        "reviewer": ("picc_reviewer", "赵明远", "13905950103"),
    },
    {
        "name": "中国平安财产保险股份有限公司泉州中心支公司",
        "short_name": "平安财险泉州",
        "code": "pingan-qz",
        "admin": ("pingan_admin", "黄伟东", "13905950201"),
        "clerk": ("pingan_clerk", "王丽娟", "13905950202"),
        "reviewer": ("pingan_reviewer", "孙志刚", "13905950203"),
    },
    {
        "name": "中国太平洋财产保险股份有限公司泉州中心支公司",
        "short_name": "太保财险泉州",
        "code": "cpic-qz",
        "admin": ("cpic_admin", "吴建华", "13905950301"),
        "clerk": ("cpic_clerk", "郑晓敏", "13905950302"),
        "reviewer": ("cpic_reviewer", "周慧玲", "13905950303"),
    },
]

# (name, credit-code body without check digit, county, industry code, address, contact, phone, login)
ENTERPRISES = [
    (
        "泉州鸿盛建筑工程有限公司",
        "91350503MA2XH3K1B",
        "350503",
        "construction",
        "泉州市丰泽区东海街道通港西街88号",
        "蔡明辉",
        "13860710001",
        "hongsheng",
    ),
    (
        "晋江市华泰鞋业有限公司",
        "91350582MA31T7Q6X",
        "350582",
        "footwear",
        "晋江市陈埭镇鞋都路168号",
        "许婷婷",
        "13860710002",
        "huatai",
    ),
    (
        "泉州泉港联合石化储运有限公司",
        "91350505MA2YB9R0K",
        "350505",
        "hazardous_chemicals",
        "泉州市泉港区南埔镇石化园区纬三路6号",
        "刘振华",
        "13860710003",
        "lianhe",
    ),
    (
        "南安市金磊石材有限公司",
        "91350583MA32D8F4N",
        "350583",
        "stone",
        "南安市水头镇石材工业园区",
        "洪志伟",
        "13860710004",
        "jinlei",
    ),
    (
        "惠安县海丰渔业有限公司",
        "91350521MA33W5C2L",
        "350521",
        "fishery",
        "惠安县崇武镇渔港路12号",
        "庄海生",
        "13860710005",
        "haifeng",
    ),
]

SERVICE_ORGS = [
    (
        "泉州安信安全技术服务有限公司",
        "安信安全",
        "91350502MA2Y4N8P3",
        "350502",
        "anxin_admin",
        "苏文斌",
        "13960710001",
    ),
    (
        "福建闽安安全评价有限公司",
        "闽安评价",
        "91350500MA34K2G7T",
        "350500",
        "minan_admin",
        "李雪梅",
        "13960710002",
    ),
]

REGULATOR = {
    "name": "泉州市应急管理局",
    "short_name": "泉州应急局",
    "region": "350500",
    "admin": ("qzyjj", "张国栋", "13905951001"),
}

CLERK_ROLE = "业务员"
REVIEWER_ROLE = "冲正审核员"
# 冲正审核 is a second person's power (issue 14 §2): the 业务员 requests a 冲正, the 冲正审核员 reviews it.
REVIEWER_PERMISSIONS = ["policy.view", "policy.export", "policy.reversal_review", "order.view"]


def credit_code(body: str) -> str:
    return body + uscc.calc_check_digit(body)


def _org(kind: str, name: str, **fields: Any) -> Organisation:
    existing = Organisation.objects.filter(kind=kind, name=name).first()
    return existing or services.organisation_create(kind=kind, name=name, **fields)


def _user(org: Organisation, username: str, name: str, mobile: str, roles: list[Role]) -> User:
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return services.user_create(
        actor=None,  # the demo loader, not a person
        organisation=org,
        username=username,
        name=name,
        mobile=mobile,
        password=DEMO_PASSWORD,
        roles=roles,
    )


def _admin(org: Organisation, account: tuple[str, str, str]) -> User:
    return _user(org, *account, roles=[services.admin_role_of(org)])


def load(stdout: Any) -> None:
    platform = _org(Side.PLATFORM, PLATFORM["name"], short_name=PLATFORM["short_name"])
    _admin(platform, PLATFORM["admin"])

    clerk_permissions = [
        p.code
        for p in catalogue.grantable_for_side(Side.INSURER)
        if not p.code.startswith("system.") and p.code != "policy.reversal_review"
    ]
    for spec in INSURERS:
        org = _org(Side.INSURER, spec["name"], short_name=spec["short_name"], code=spec["code"])
        _admin(org, spec["admin"])
        clerk_role, _ = Role.objects.get_or_create(
            organisation=org,
            name=CLERK_ROLE,
            defaults={"permissions": clerk_permissions, "remark": "订单、保单日常操作"},
        )
        _user(org, *spec["clerk"], roles=[clerk_role])
        reviewer_role, _ = Role.objects.get_or_create(
            organisation=org,
            name=REVIEWER_ROLE,
            defaults={"permissions": REVIEWER_PERMISSIONS, "remark": "冲正审核（与冲正申请人不得为同一人）"},
        )
        _user(org, *spec["reviewer"], roles=[reviewer_role])

    for name, body, county, industry, address, contact, phone, login in ENTERPRISES:
        org = _org(
            Side.ENTERPRISE,
            name,
            credit_code=credit_code(body),
            region=Region.objects.get(code=county),
            industry=Industry.objects.get(code=industry),
            address=address,
            contact_name=contact,
            contact_phone=phone,
        )
        _admin(org, (login, contact, phone))

    for name, short, body, county, login, contact, phone in SERVICE_ORGS:
        org = _org(
            Side.SERVICE_ORG,
            name,
            short_name=short,
            credit_code=credit_code(body),
            region=Region.objects.get(code=county),
            contact_name=contact,
            contact_phone=phone,
        )
        _admin(org, (login, contact, phone))

    regulator = _org(
        Side.REGULATOR,
        REGULATOR["name"],
        short_name=REGULATOR["short_name"],
        region=Region.objects.get(code=REGULATOR["region"]),
    )
    _admin(regulator, REGULATOR["admin"])
    stdout.write(
        f"机构与账号：{Organisation.objects.count()} 个机构，{User.objects.alive().count()} 个账号"
        f"（演示密码 {DEMO_PASSWORD}）"
    )
