"""批改 and 退保 in the manuals: the statuses both sides' lists show, and how a step opens the request of a tab."""

from __future__ import annotations

from ..script import Step

ENDORSEMENT_STATUSES = (
    ("待审核", "企业已申请（或保险公司已发起）批改或退保，等待保险公司审核。"),
    ("待上传付款通知书", "批改需加收保费，审核通过后等待保险公司上传付款通知书。"),
    ("待缴费", "等待企业按付款通知书缴费并上传付款凭证；缴费审核被驳回时也回到此状态。"),
    ("待缴费审核", "企业已上传付款凭证，等待保险公司审核。"),
    ("待出批单", "等待保险公司出具批单；出具后批改生效。"),
    ("已批改", "批单已出具，保单按批改后的内容生效。"),
    ("已退保", "退保审核通过，保单终止（验真时显示已退保）。"),
    ("已驳回", "保险公司驳回，显示驳回原因。"),
    ("已撤回", "企业在审核前撤回了申请。"),
)


def open_request(prefix: str, tab: str, what: str, row: str) -> Step:
    """Open the request of ``row`` (a selector of its row) in a status tab of the 批改 list (its 办理)."""
    return Step(
        f"打开{what}",
        f"在列表中点击“{what}”标签，在申请上点击「办理」。",
        goto=f"/{prefix}/endorsements/?tab={tab}",
        click=f'{row} a[data-action="detail"]',
        capture=None,
    )
