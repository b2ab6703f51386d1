"""事故预防服务费台账 on the insurer side: 批准超支 from the policy's 保单详情 (``ledger.overrun_grant``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from anze.core.access import requires
from anze.core.formatting import money
from anze.core.views import action_view
from anze.policies.selectors import policy_for

from . import ledger
from .forms import OverrunForm


@requires(ledger.OVERRUN_PERMISSION)
def overrun_grant(request: HttpRequest, application_no: str) -> HttpResponse:
    policy = policy_for(user=request.user, application_no=application_no)  # another insurer's: 404
    back = reverse("insurer:policies:detail", args=[application_no])
    figures = ledger.summary(policy)
    hint = (
        f"事故预防服务费 {money(figures.budget)} 元，已批准超支 {money(figures.allowance)} 元，"
        f"已支出 {money(figures.spent)} 元，剩余可用 {money(figures.remaining)} 元；"
        f"待企业确认的服务记录 {figures.pending_count} 条，费用 {money(figures.pending)} 元。"
    )
    return action_view(
        request,
        form_class=OverrunForm,
        call=lambda form: ledger.overrun_grant(
            policy=policy,
            actor=request.user,
            amount=form.cleaned_data["amount"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda grant: f"已批准超支 {money(grant.amount)} 元",
        redirect_to=back,
        template="prevention/simple_form.html",
        context={"title": f"批准服务费超支 · 保单 {policy.policy_no}", "cancel_url": back, "hint": hint},
    )
