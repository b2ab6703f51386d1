"""``{% verify_badge policy %}``: the policy's 验证码, its QR code and the link to ``/verify/`` filled in —
beside the policy on the insurer's 保单详情 and the enterprise's order detail (anze.policies.verify)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import mark_safe

from anze.policies.models import Policy
from anze.policies.verify import qr_svg, verify_url

register = template.Library()


@register.inclusion_tag("policies/partials/verify_badge.html", takes_context=True)
def verify_badge(context: dict[str, Any], policy: Policy | None) -> dict[str, Any]:
    if not isinstance(policy, Policy):  # an order without its policy resolves to "" in a template
        return {"policy": None}
    request = context["request"]
    url = verify_url(request, policy)
    # segno draws paths only (no text of the data, no style attributes): safe inline under the CSP.
    return {"policy": policy, "url": url, "host": request.get_host(), "qr": mark_safe(qr_svg(url))}
