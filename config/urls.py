"""URLs: the landing page, then one namespace per side (/insurer/, /enterprise/, /service/, /regulator/,
/platform/), each with its login, home, 个人中心 and 系统管理, plus that side's own screens."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from anze.accounts import urls_system, views_auth, views_profile
from anze.api import urls as api_urls
from anze.api.endpoints import api
from anze.audit import urls as audit_urls
from anze.core import health, views_home
from anze.core.sides import SIDE_PREFIX, Side
from anze.downloads import urls as download_urls
from anze.notifications.urls import urls_for_side as notification_urls
from anze.orders import urls_insurer as order_urls
from anze.policies import urls_orders as policy_order_urls
from anze.policies import views_verify


def side_urls(side: str, *extra: URLPattern | URLResolver) -> URLResolver:
    """Everything under one side's prefix, in the namespace of that prefix (``insurer:system:user_list``)."""
    common: list[URLPattern | URLResolver] = [
        path("", views_home.home, name="home"),
        path("logout/", views_auth.sign_out, name="logout"),
        path("profile/", views_profile.profile, name="profile"),
        # 系统管理: accounts and roles (anze.accounts), the logs (anze.audit), one namespace.
        path(
            "system/",
            include((urls_system.urlpatterns + audit_urls.urlpatterns + api_urls.for_side(side), "system")),
        ),
        *notification_urls(side),  # 消息中心 on every side; 短信记录 where sms.view exists
        path("downloads/", include((download_urls.urlpatterns, "downloads"))),  # 下载中心 on every side
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
    path("healthz", health.healthz, name="healthz"),  # public: the process answers
    path("readyz", health.readyz, name="readyz"),  # public: database, cache, storage, worker, queues
    path("verify/", views_verify.verify_page, name="verify"),  # public: 电子保单验真
    path("help/", include("anze.manual.urls")),  # public: 操作手册 (make manual), the 帮助 link of every page
    # The open API (anze.api): every operation authenticates with an API key and declares its scope.
    path("api/v1/", api.urls),
    side_urls(
        Side.INSURER,
        # 订单管理, with 出函 from the policies app in the same namespace (insurer:orders:issue)
        path("orders/", include((order_urls.urlpatterns + policy_order_urls.urlpatterns, "orders"))),
        path("policies/", include("anze.policies.urls")),
        path("reversals/", include("anze.policies.urls_reversals")),  # 保单管理 › 冲正审核
        path("", include("anze.prevention.urls_insurer")),  # 投诉管理
        path("endorsements/", include("anze.endorsements.urls_insurer")),  # 批改管理
        path("claims/", include("anze.claims.urls_insurer")),  # 理赔管理
    ),
    side_urls(
        Side.ENTERPRISE,
        path("", include("anze.portal.urls")),  # 注册, 忘记密码, 投保申请, 我的订单, 我的保单
        path("services/", include("anze.prevention.urls_enterprise")),
        path("endorsements/", include("anze.endorsements.urls_enterprise")),  # 我的批改, 申请批改 / 退保
        path("claims/", include("anze.claims.urls_enterprise")),  # 我的理赔, 报案
    ),
    side_urls(Side.SERVICE_ORG, path("", include("anze.prevention.urls_service"))),
    side_urls(
        Side.REGULATOR,
        path("", include("anze.regulator.urls")),
        path("", include("anze.claims.urls_regulator")),  # 理赔查询, 理赔统计
    ),
    side_urls(
        Side.PLATFORM,
        path("orgs/", include("anze.platform_admin.urls")),
        path("basedata/", include("anze.basedata.urls")),
    ),
]

handler403 = "anze.core.views_home.forbidden"
handler404 = "anze.core.views_home.not_found"
