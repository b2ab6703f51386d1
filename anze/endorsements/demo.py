"""Demo 批改 and 退保 of 人保财险泉州, in every state, so that a new user finds them on first run: each open one on
a policy of its own (a policy takes one open request at a time), the closed ones beside them. Policies are issued
here (periods that began months ago) for the demo enterprises; everything goes through the workflows.
Idempotent: nothing is added once the insurer has a 批改."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.core.sides import Side
from anze.policies.models import Policy
from anze.prevention import scenarios as policy_scenarios

from . import scenarios, surrenders, workflow
from .models import Endorsement, EndorsementStatus, SurrenderGround

S = EndorsementStatus


def load(stdout: Any) -> None:
    insurer = Organisation.objects.filter(kind=Side.INSURER, code="picc-qz").first()
    if insurer is None:
        stdout.write("批改与退保：缺少演示保险公司，跳过")
        return
    if Endorsement.objects.filter(insurer=insurer).exists():
        stdout.write("批改与退保：演示数据已存在")
        return
    clerk = User.objects.get(username="picc_admin")
    users = {
        u.username: u for u in User.objects.filter(username__in=["hongsheng", "huatai", "lianhe", "jinlei"])
    }
    year = timezone.localdate().year
    numbers = iter(range(1, 100))
    batch = iter(range(1, 100))

    def policy(login: str, project: str, days_ago: int = 120, headcount: int = 120) -> Policy:
        return policy_scenarios.issued_policy(
            insurer_user=clerk,
            enterprise_user=users[login],
            started_days_ago=days_ago,
            policy_no=f"PICC{year}3505PG{next(numbers):04d}",
            project_name=project,
            headcount=headcount,
        )

    def number() -> str:
        return f"PICC{year}PD{next(batch):05d}"

    def drive(e: Endorsement, until: str) -> Endorsement:
        applicant = users.get(e.created_by.username) if e.created_by else None
        return scenarios.drive(e, clerk=clerk, applicant=applicant or clerk, until=until)

    hongsheng = users["hongsheng"]
    made = 0

    # 已批改 (two, one with a clerk's amount), 已驳回, 已撤回 — then 待审核 (加收) — on one policy.
    main = policy("hongsheng", "丰泽区东海街道安置房四期工程", days_ago=150, headcount=180)
    done = scenarios.apply(main, hongsheng, headcount_change=40, reason="二期工程开工，新增施工人员40人")
    rounded = (done.premium_delta or Decimal("0")).quantize(Decimal("1"))
    if rounded != done.premium_delta:
        done = workflow.endorsement_adjust(
            endorsement=scenarios.fresh(done),
            actor=clerk,
            premium_delta=rounded,
            reason="按本公司收费标准取整到元",
        )
    drive(done, S.AWAITING_DOCUMENT)
    workflow.endorsement_issue(
        endorsement=scenarios.fresh(done), actor=clerk, endorsement_no=number(), file=scenarios.pdf()
    )
    moved = scenarios.apply(
        main,
        clerk,
        headcount_change=0,
        contact_name="蔡明远",
        contact_phone="13860710011",
        reason="企业变更投保联系人",
    )
    drive(moved, S.AWAITING_DOCUMENT)
    workflow.endorsement_issue(
        endorsement=scenarios.fresh(moved), actor=clerk, endorsement_no=number(), file=scenarios.pdf()
    )
    rejected = scenarios.apply(main, hongsheng, headcount_change=200, reason="新增劳务分包人员")
    workflow.endorsement_reject(
        endorsement=scenarios.fresh(rejected), actor=clerk, reason="未提供新增人员花名册，请补充后重新申请"
    )
    withdrawn = scenarios.apply(main, hongsheng, headcount_change=-10, reason="部分人员离职")
    workflow.endorsement_withdraw(
        endorsement=scenarios.fresh(withdrawn), actor=hongsheng, reason="人数统计有误"
    )
    scenarios.apply(main, hongsheng, headcount_change=25, reason="三标段进场，新增施工人员25人")
    made += 5

    # 待审核 with a refund; 待上传付款通知书; 待缴费; 待缴费审核 (after one 驳回); 待出批单 — one policy each.
    scenarios.apply(
        policy("huatai", "陈埭鞋业二号厂房"), users["huatai"], headcount_change=-20, reason="淡季减员20人"
    )
    awaiting_notice = scenarios.apply(
        policy("lianhe", "泉港石化储运罐区改造项目"), users["lianhe"], headcount_change=15
    )
    drive(awaiting_notice, S.AWAITING_PAYMENT_NOTICE)
    awaiting_payment = scenarios.apply(
        policy("jinlei", "水头石材加工车间"), users["jinlei"], headcount_change=12
    )
    drive(awaiting_payment, S.AWAITING_PAYMENT)
    reviewing = scenarios.apply(policy("hongsheng", "东海街道配套学校工程"), hongsheng, headcount_change=30)
    drive(reviewing, S.AWAITING_PAYMENT_REVIEW)
    workflow.endorsement_reject_payment(
        endorsement=scenarios.fresh(reviewing), actor=clerk, reason="付款凭证金额与通知书不符"
    )
    drive(reviewing, S.AWAITING_PAYMENT_REVIEW)
    to_issue = scenarios.apply(
        policy("huatai", "陈埭鞋业成品仓库"),
        users["huatai"],
        headcount_change=0,
        project_address="晋江市陈埭镇鞋都路188号",
        reason="项目地址门牌号变更",
    )
    drive(to_issue, S.AWAITING_DOCUMENT)
    made += 5

    # 退保: 已退保 (a non-compulsory sector, another reason; a compulsory one that stopped production), 待审核,
    # 已驳回 and 已撤回.
    for login, project, ground, reason in (
        ("jinlei", "水头石材旧厂区", SurrenderGround.OTHER, "旧厂区整体搬迁，已在新厂区另行投保"),
        ("lianhe", "泉港石化临时仓储项目", SurrenderGround.SUSPENDED, "临时仓储项目停业，附停业证明"),
    ):
        e = scenarios.surrender(policy(login, project), users[login], ground=ground, reason=reason)
        surrenders.surrender_approve(
            endorsement=scenarios.fresh(e), actor=clerk, endorsement_no=number(), file=scenarios.pdf()
        )
    closed = policy("huatai", "陈埭鞋业三号厂房")
    rejected_surrender = scenarios.surrender(
        closed, users["huatai"], ground=SurrenderGround.OTHER, reason="经营调整"
    )
    surrenders.surrender_reject(
        endorsement=scenarios.fresh(rejected_surrender), actor=clerk, reason="未提供退保证明材料原件扫描件"
    )
    withdrawn_surrender = scenarios.surrender(
        closed, users["huatai"], ground=SurrenderGround.OTHER, reason="经营调整"
    )
    surrenders.surrender_withdraw(endorsement=scenarios.fresh(withdrawn_surrender), actor=users["huatai"])
    scenarios.surrender(
        policy("hongsheng", "丰泽区临时安置点工程"),
        hongsheng,
        ground=SurrenderGround.SUSPENDED,
        reason="项目停工，附停工通知",
    )
    made += 5
    stdout.write(f"批改与退保：{made} 个演示批改与退保（各状态）")
