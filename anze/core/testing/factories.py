"""Factories for organisations, roles and users. Passwords share one precomputed Argon2 hash (hashing is
deliberately slow); ``PASSWORD`` signs in to any factory user."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any

from django.contrib.auth.hashers import make_password
from stdnum.cn import uscc

from anze.accounts import services
from anze.accounts.models import Organisation, Role, User
from anze.basedata.models import Region, RegionLevel
from anze.core.sides import Side

PASSWORD = "Anze2026pass"
_seq = itertools.count(1)


@cache
def _password_hash() -> str:
    return make_password(PASSWORD)


def credit_code(n: int, region: str = "350503") -> str:
    """A valid 统一社会信用代码 (GB 32100-2015 check digit) unique for ``n``."""
    body = f"91{region}MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def region(code: str = "350503", name: str = "丰泽区", level: str = RegionLevel.COUNTY) -> Region:
    parent = None
    if level == RegionLevel.COUNTY:
        parent = region("350500", "泉州市", RegionLevel.CITY)
    elif level == RegionLevel.CITY:
        parent = region("350000", "福建省", RegionLevel.PROVINCE)
    obj, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent}
    )
    return obj


def organisation(kind: str = Side.INSURER, **fields: Any) -> Organisation:
    n = next(_seq)
    label = {
        Side.INSURER: "保险公司",
        Side.ENTERPRISE: "企业有限公司",
        Side.SERVICE_ORG: "安全技术服务有限公司",
        Side.REGULATOR: "应急管理局",
        Side.PLATFORM: "平台运营中心",
    }[Side(kind)]
    defaults: dict[str, Any] = {"kind": kind, "name": f"测试{n}{label}", "short_name": f"测试{n}"}
    if kind == Side.INSURER:
        defaults["code"] = f"ins{n}"
    if kind in (Side.ENTERPRISE, Side.SERVICE_ORG):
        defaults["credit_code"] = credit_code(n)
        defaults["region"] = region()
        defaults["contact_name"] = "张三"
        defaults["contact_phone"] = "13800000000"
    if kind == Side.REGULATOR:
        defaults["region"] = region("350500", "泉州市", RegionLevel.CITY)
    defaults.update(fields)
    return services.organisation_create(**defaults)


def role(org: Organisation, permissions: list[str], name: str | None = None) -> Role:
    return Role.objects.create(organisation=org, name=name or f"角色{next(_seq)}", permissions=permissions)


def user(org: Organisation, *, roles: list[Role] | None = None, admin: bool = False, **fields: Any) -> User:
    n = next(_seq)
    # "zq", not "user": Django's similarity check refused a test password "Reset2026abc" for the account
    # "user2026" (the 2026th user of a run), so a test failed or passed by its place in the run.
    defaults: dict[str, Any] = {"username": f"zq{n}", "name": f"用户{n}", "mobile": f"139{n:08d}"[:11]}
    defaults.update(fields)
    obj = User.objects.create(organisation=org, password=_password_hash(), **defaults)
    chosen = list(roles or [])
    if admin:
        chosen.append(services.admin_role_of(org))
    obj.roles.set(chosen)
    return obj


def picc(code: str) -> Organisation:
    """The demo's 人保财险泉州 as the browser tests show it, under its own login code (one per test file)."""
    return organisation(
        Side.INSURER, name="中国人民财产保险股份有限公司泉州市分公司", short_name="人保财险泉州", code=code
    )


def hongsheng(**fields: Any) -> Organisation:
    """The demo's 泉州鸿盛建筑工程有限公司 (丰泽区, 建筑施工): the browser tests' enterprise."""
    from anze.basedata.models import Industry

    defaults: dict[str, Any] = {
        "name": "泉州鸿盛建筑工程有限公司",
        "contact_name": "蔡明辉",
        "contact_phone": "13860710001",
        "region": Region.objects.get(code="350503"),
        "industry": Industry.objects.get(code="construction"),
    }
    return organisation(Side.ENTERPRISE, **{**defaults, **fields})
