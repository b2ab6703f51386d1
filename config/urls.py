"""URLs: the landing page, then one namespace per side (/insurer/, /enterprise/, /service/, /regulator/,
/platform/), each with its login, home, 个人中心 and 系统管理, plus that side's own screens."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from anze.accounts import views_auth, views_profile
from anze.core import views_home
from anze.core.sides import SIDE_PREFIX, Side


def side_urls(side: str, *extra: URLPattern | URLResolver) -> URLResolver:
    """Everything under one side's prefix, in the namespace of that prefix (``insurer:system:user_list``)."""
    common: list[URLPattern | URLResolver] = [
        path("", views_home.home, name="home"),
        path("logout/", views_auth.sign_out, name="logout"),
        path("profile/", views_profile.profile, name="profile"),
        path("system/", include("anze.accounts.urls_system")),
    ]
    if side == Side.INSURER:
        common += [
            path("login/", views_auth.insurer_picker, name="login"),
            path("login/<slug:code>/", views_auth.insurer_login, name="login_org"),
        ]
    else:
        common.append(path("login/", views_auth.side_login(side), name="login"))
    prefix = SIDE_PREFIX[side]
    return path(f"{prefix}/", include((common + list(extra), prefix)))


urlpatterns = [
    path("", views_auth.landing, name="landing"),
    side_urls(Side.INSURER),
    side_urls(Side.ENTERPRISE),
    side_urls(Side.SERVICE_ORG),
    side_urls(Side.REGULATOR),
    side_urls(Side.PLATFORM),
]

handler403 = "anze.core.views_home.forbidden"
handler404 = "anze.core.views_home.not_found"
