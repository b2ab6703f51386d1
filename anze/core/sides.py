"""The five sides of the platform. Each side has its own URL prefix, login page and menu."""

from __future__ import annotations

from django.db import models


class Side(models.TextChoices):
    PLATFORM = "platform", "平台管理"
    INSURER = "insurer", "保险端"
    ENTERPRISE = "enterprise", "企业端"
    SERVICE_ORG = "service_org", "服务机构端"
    REGULATOR = "regulator", "监管端"


# URL prefix of each side's screens: /insurer/orders/, /service/…
SIDE_PREFIX: dict[str, str] = {
    Side.PLATFORM: "platform",
    Side.INSURER: "insurer",
    Side.ENTERPRISE: "enterprise",
    Side.SERVICE_ORG: "service",
    Side.REGULATOR: "regulator",
}
PREFIX_SIDE: dict[str, str] = {prefix: side for side, prefix in SIDE_PREFIX.items()}

# Title shown on each side's pages and login screen.
SIDE_TITLE: dict[str, str] = {
    Side.PLATFORM: "平台管理系统",
    Side.INSURER: "保单后台管理系统",
    Side.ENTERPRISE: "企业投保服务平台",
    Side.SERVICE_ORG: "安全服务机构管理系统",
    Side.REGULATOR: "安责险监管系统",
}


def side_namespace(side: str) -> str:
    """The URL namespace of a side (``insurer:orders:list``)."""
    return SIDE_PREFIX[side]
