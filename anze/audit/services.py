from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from anze.accounts.backends import account_for_login
from anze.accounts.models import Organisation, User
from anze.core.clientip import client_ip
from anze.core.sides import Side

from .models import LoginLog
from .oplog import log_sign_in


def record_login(
    request: HttpRequest,
    *,
    username: str,
    side: str,
    success: bool,
    user: User | None = None,
    message: str = "",
    page_organisation: Organisation | None = None,
) -> LoginLog:
    """One 登录日志 row. A failure is filed under the account's organisation when the login name exists,
    so that the organisation's 管理员 sees attempts on its accounts; otherwise under the page's insurer."""
    organisation: Any = None
    if user is None:
        user = account_for_login(username, side)  # a login name, or an enterprise's credit code
    if user is not None:
        organisation = user.organisation
    elif page_organisation is not None:
        organisation = page_organisation
    if success and user is not None:  # the 操作日志 shows the session's start beside what was done in it
        log_sign_in(user, ip=client_ip(request), side_label=dict(Side.choices).get(side, ""))
    return LoginLog.objects.create(
        organisation=organisation,
        user=user,
        side=side,
        username=username[:150],
        success=success,
        message=message or ("登录成功" if success else ""),
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
