"""我的保单 of the enterprise portal: the enterprise's policies with their period, premium, insurer, files, service
organisation and the progress of each contracted service item; each links to the prevention pages (服务进度,
服务记录确认, 服务投诉), which are the prevention app's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from anze.core.access import requires
from anze.core.views import render_list

from . import selectors
from .forms import PolicySearchForm


@requires("portal.policy.view")
def policy_list(request: HttpRequest) -> HttpResponse:
    search = PolicySearchForm(request.GET)
    listing = selectors.policy_list(request, filters={**search.values(), "tab": request.GET.get("tab", "")})
    tabs = [("", "全部", listing.counts["all"])] + [
        (name, label, listing.counts[name]) for name, label in selectors.Validity.TABS.items()
    ]
    context = {"search": search, "listing": listing, "page": listing.page, "rows": listing.rows, "tabs": tabs}
    return render_list(request, "portal/policy_list.html", context)
