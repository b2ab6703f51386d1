"""操作日志 and 登录日志: each organisation's 管理员 sees its own organisation's only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from anze.core.access import requires
from anze.core.pagination import paginate
from anze.core.sides import side_namespace
from anze.core.views import render_list
from anze.downloads.responses import export_response

from . import exports, presenters, selectors
from .forms import LoginLogSearch, OperationLogSearch


def _operation_search(request: HttpRequest) -> tuple[OperationLogSearch, dict[str, Any]]:
    """The search form and the filters it allows: a bad value is shown beside the form and not applied."""
    search = OperationLogSearch(request.GET)
    return search, search.values()


@requires("system.log.login")
def login_log(request: HttpRequest) -> HttpResponse:
    search = LoginLogSearch(request.GET)
    page = paginate(
        request, selectors.login_logs_for(user=request.user, filters=search.values()), default_size=20
    )
    return render_list(request, "audit/login_log.html", {"search": search, "page": page})


@requires("system.log.operation")
def operation_log(request: HttpRequest) -> HttpResponse:
    search, filters = _operation_search(request)
    page = paginate(
        request, selectors.operation_logs_for(user=request.user, filters=filters), default_size=20
    )
    page.rows = presenters.present(page.rows)
    return render_list(request, "audit/operation_log.html", {"search": search, "page": page})


@requires("system.log.operation")
def operation_log_export(request: HttpRequest) -> HttpResponseBase:
    list_url = reverse(f"{side_namespace(request.side)}:system:operation_log")
    return export_response(request, exports.OPERATION_LOG, back=list_url)
