"""电子保单验真 ``/verify/``: public, no sign-in (rules in ``anze.policies.verify``).

The form posts; the same page also answers ``/verify/?policy_no=…&code=…`` so that the QR code beside a
policy opens it filled in and checked.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anze.core.access import public

from . import verify
from .forms import VerifyForm


@public
@never_cache
@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    asked = request.method == "POST" or "policy_no" in data or "code" in data
    form = VerifyForm(data if asked else None)
    context: dict[str, object] = {"form": form}
    status = 200
    if asked and form.is_valid():
        if verify.is_blocked(request):  # refused before the policy table is read
            context["error"] = verify.TOO_MANY
            status = 429
        else:
            result = verify.policy_verify(
                request, policy_no=form.cleaned_data["policy_no"], code=form.cleaned_data["code"]
            )
            context["result"] = result
            if result is None:
                context["error"] = verify.NOT_FOUND
    return render(request, "policies/verify.html", context, status=status)
