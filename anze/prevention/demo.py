"""Demo services: staff rosters of the two demo organisations (安信安全, 闽安评价; one certificate expired), and
人保财险泉州 policies in every service state — 未申请 (the orders demo's), 待处理, 服务中 with a plan, confirmed,
waiting and disputed records, an inspection with hazards in each state and a complaint, 已完成, and one
declined by 闽安评价 with its reason; and their 事故预防服务费台账 (every confirmed record booked at the
demo 单价), with a policy whose fee ran short and the insurer's 批准超支, and one behind plan near its end.

The policies are issued here with a period that began months ago (the orders demo's begin next week, and a
service record cannot be dated in the future). Everything goes through the workflows. Idempotent: nothing is
added once 安信安全 has a roster.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anze.accounts.models import Organisation, User
from anze.core.sides import Side
from anze.documents import testing as files
from anze.policies import workflow as policy_workflow
from anze.policies.models import Policy

from . import attachments, complaints, hazards, ledger, records, scenarios, services
from .models import Certificate, HazardLevel, Staff

ROSTERS: dict[str, list[tuple[str, str, str, list[tuple[str, str, int]]]]] = {
    # name, mobile, title, [(certificate, number, days until expiry; negative = expired)]
    "安信安全": [
        ("陈志明", "13960711001", "注册安全工程师", [("注册安全工程师", "AQ350500201801234", 420)]),
        ("黄丽华", "13960711002", "安全培训讲师", [("安全生产培训师资证", "PX3505202200871", 300)]),
        ("吴建国", "13960711003", "电气安全工程师", [("注册安全工程师", "AQ350500201507788", -45)]),
    ],
    "闽安评价": [
        ("李振宇", "13960712001", "安全评价师（一级）", [("安全评价师", "PJ3500201904521", 600)]),
        ("郑雅婷", "13960712002", "注册安全工程师", [("注册安全工程师", "AQ350500202005566", 500)]),
    ],
}


def _roster(org: Organisation) -> list[Staff]:
    members = []
    today = timezone.localdate()
    for name, mobile, title, certificates in ROSTERS[org.short_name]:
        member = Staff.objects.create(organisation=org, name=name, mobile=mobile, title=title)
        for cert, number, days in certificates:
            Certificate.objects.create(
                staff=member, name=cert, number=number, expires_on=today + timedelta(days=days)
            )
        members.append(member)
    return members


def load(stdout: Any) -> None:
    anxin = Organisation.objects.filter(kind=Side.SERVICE_ORG, short_name="安信安全").first()
    minan = Organisation.objects.filter(kind=Side.SERVICE_ORG, short_name="闽安评价").first()
    insurer = Organisation.objects.filter(kind=Side.INSURER, code="picc-qz").first()
    if anxin is None or minan is None or insurer is None:
        stdout.write("安全服务：缺少演示机构，跳过")
        return
    if Staff.objects.filter(organisation=anxin).exists():
        stdout.write("安全服务：演示数据已存在")
        return
    anxin_staff = _roster(anxin)[:2]  # the third's certificate has expired: never chosen
    minan_staff = _roster(minan)
    clerk = User.objects.get(username="picc_admin")
    anxin_user = User.objects.get(username="anxin_admin")
    minan_user = User.objects.get(username="minan_admin")
    enterprise_users = {
        u.username: u for u in User.objects.filter(username__in=["hongsheng", "huatai", "lianhe", "jinlei"])
    }
    year = timezone.localdate().year
    numbers = iter(range(1, 100))

    def policy(
        login: str, project: str, counts: dict[str, int], days_ago: int = 150, fee: Decimal | None = None
    ) -> Policy:
        return scenarios.issued_policy(
            insurer_user=clerk,
            enterprise_user=enterprise_users[login],
            started_days_ago=days_ago,
            counts=counts,
            policy_no=f"PICC{year}3505SV{next(numbers):04d}",
            project_name=project,
            headcount=200,
            scheme_overrides={"prevention_fee": fee} if fee is not None else None,
        )

    today = timezone.localdate()

    # 服务中 (安信安全): a plan, two confirmed records, one waiting, one disputed; an inspection; a complaint.
    serving = scenarios.in_service(
        policy(
            "hongsheng",
            "丰泽区东海街道安置房三期工程",
            {"training": 4, "hazard_inspection": 2, "emergency_plan": 1},
        ),
        clerk,
        anxin_user,
    )
    for days_ahead, code, content in (
        (20, "training", "二季度全员安全教育培训"),
        (45, "emergency_plan", "高处坠落应急演练"),
    ):
        services.plan_add(
            policy=scenarios.fresh(serving),
            actor=anxin_user,
            data=services.PlanData(
                item=scenarios.record_data(serving, code, []).item,
                planned_on=min(serving.period_end, today + timedelta(days=days_ahead)),
                staff=anxin_staff,
                content=content,
            ),
        )
    report = attachments.Uploads(
        report=files.upload(
            "安全培训服务报告.pdf", files.pdf_bytes("安全生产教育培训服务报告", ["培训人数：86人"])
        ),
        photo=files.upload("培训现场.jpg", files.jpeg_bytes(320, 200)),
    )
    first = scenarios.record(
        serving,
        anxin_user,
        "training",
        anxin_staff,
        served_on=today - timedelta(days=90),
        place="项目部会议室",
        content="新进场工人三级安全教育培训，86人参加，考试合格率100%。",
        uploads=report,
    )
    scenarios.confirm(first, enterprise_users["hongsheng"])
    second = scenarios.record(
        serving,
        anxin_user,
        "hazard_inspection",
        anxin_staff[:1],
        served_on=today - timedelta(days=40),
        place="3号楼施工现场",
        content="对脚手架、临边防护、施工用电开展隐患排查。",
        hazards_found="3号楼北侧临边防护缺失；配电箱未上锁。",
        follow_up="已下发整改通知，7日内复查。",
    )
    scenarios.confirm(second, enterprise_users["hongsheng"])
    scenarios.record(
        serving,
        anxin_user,
        "training",
        anxin_staff[1:],
        served_on=today - timedelta(days=5),
        place="项目部会议室",
        content="特种作业人员安全技术交底。",
        uploads=attachments.Uploads(video=files.upload("技术交底.mp4", files.mp4_bytes())),
    )
    disputed = scenarios.record(
        serving,
        anxin_user,
        "training",
        anxin_staff[1:],
        served_on=today - timedelta(days=3),
        place="生活区",
        content="消防安全知识培训。",
    )
    records.record_dispute(
        record=scenarios.fresh_record(disputed),
        actor=enterprise_users["hongsheng"],
        reason="当天未开展培训，实际培训日期为前一天，请核实",
    )
    inspection = services.inspection_create(
        policy=scenarios.fresh(serving),
        actor=anxin_user,
        data=services.InspectionData(
            inspected_on=today - timedelta(days=40),
            place="3号楼及塔吊作业区",
            staff=anxin_staff,
            summary="脚手架、临边洞口、施工用电、起重机械专项检查",
            uploads=attachments.Uploads(),
        ),
    )
    found = [
        hazards.hazard_create(
            inspection=inspection,
            actor=anxin_user,
            level=HazardLevel.MAJOR,
            description="3号楼北侧临边防护栏杆缺失",
            location="3号楼12层",
            deadline=today - timedelta(days=33),
            photo=files.upload("临边防护.jpg", files.jpeg_bytes(320, 200, (245, 108, 108))),
        ),
        hazards.hazard_create(
            inspection=inspection,
            actor=anxin_user,
            level=HazardLevel.GENERAL,
            description="二级配电箱未上锁",
            location="塔吊旁",
            deadline=today + timedelta(days=5),
        ),
        hazards.hazard_create(
            inspection=inspection,
            actor=anxin_user,
            level=HazardLevel.GENERAL,
            description="安全通道标识缺失",
            location="1号门",
            deadline=today - timedelta(days=20),
        ),
    ]
    hazards.hazard_rectify(
        hazard=found[1], actor=enterprise_users["hongsheng"], rectification="已加锁并指定专人管理"
    )
    hazards.hazard_rectify(hazard=found[2], actor=anxin_user, rectification="已补设安全通道标识")
    hazards.hazard_verify(hazard=found[2], actor=anxin_user, verification="现场复查，标识齐全")
    complaints.complaint_file(
        policy=scenarios.fresh(serving),
        actor=enterprise_users["hongsheng"],
        content="服务人员多次临时改期，未按服务计划到场。",
        record=None,
    )

    # 已完成 (安信安全): every contracted service confirmed.
    done = scenarios.in_service(
        policy("huatai", "晋江市华泰鞋业磁灶生产车间", {"training": 2, "hazard_inspection": 1}),
        clerk,
        anxin_user,
    )
    scenarios.complete(done, anxin_user, enterprise_users["huatai"], anxin_staff)

    # 待处理: one for each organisation.
    scenarios.assign(
        policy("lianhe", "泉港石化园区装卸站台", {"training": 2, "risk_assessment": 1}), clerk, anxin
    )
    scenarios.assign(policy("jinlei", "南安市金磊石材溪美加工厂", {"hazard_inspection": 2}), clerk, minan)

    # 服务中 (闽安评价) with a record waiting for the enterprise.
    minan_serving = scenarios.in_service(
        policy("jinlei", "南安市金磊石材码头堆场", {"risk_assessment": 1, "hazard_inspection": 2}),
        clerk,
        minan_user,
    )
    scenarios.record(
        minan_serving,
        minan_user,
        "risk_assessment",
        minan_staff,
        served_on=today - timedelta(days=12),
        place="码头堆场",
        content="开展安全风险辨识与评估，形成风险分级管控清单。",
    )

    # Declined by 闽安评价: back to 人保财险泉州 with the reason beside 申请第三方安全服务.
    declined = scenarios.assign(policy("huatai", "晋江市华泰鞋业内坑仓库", {"training": 1}), clerk, minan)
    policy_workflow.policy_decline_service(
        policy=scenarios.fresh(declined),
        actor=minan_user,
        reason="该项目不在本机构服务区域，建议指定晋江本地机构",
    )
    _fee_ledger(policy, clerk, anxin_user, anxin_staff, enterprise_users, today)
    stdout.write(
        "安全服务：2家服务机构的人员名册，9份保单的安全服务（待处理、服务中、已完成、已拒绝），"
        "服务费台账（含一笔批准超支、一份服务费使用滞后的保单）"
    )


def _fee_ledger(
    policy: Any, clerk: User, org_user: User, staff: list[Staff], enterprises: dict[str, User], today: Any
) -> None:
    """事故预防服务费台账 beyond what the records above booked (at the demo 单价 of ``basedata.demo``): a policy
    whose fee ran short, with the insurer's 批准超支; and one near its end that has used little of its fee
    (the regulator's 服务费使用滞后)."""
    short = scenarios.in_service(
        policy(
            "lianhe",
            "泉港石化园区危化品仓库",
            {"risk_assessment": 1, "training": 1},
            fee=Decimal("1500.00"),
        ),
        clerk,
        org_user,
    )
    assessment = scenarios.record(
        short,
        org_user,
        "risk_assessment",
        staff,
        served_on=today - timedelta(days=60),
        place="危化品仓库",
        content="危险化学品储存场所安全风险辨识与评估，形成风险分级管控清单。",
    )
    scenarios.confirm(assessment, enterprises["lianhe"])  # 1,200 of 1,500
    ledger.overrun_grant(
        policy=scenarios.fresh(short),
        actor=clerk,
        amount=Decimal("200.00"),
        reason="仓库新增甲类危化品储罐，需追加一次专项培训，超出部分由本公司承担",
    )
    training = scenarios.record(
        short,
        org_user,
        "training",
        staff,
        served_on=today - timedelta(days=20),
        place="仓库值班室",
        content="危化品装卸作业人员专项安全培训。",
    )
    scenarios.confirm(training, enterprises["lianhe"])  # 1,600: 100 over the fee, within the approval

    # 服务费使用滞后: 45 days left, one training (400) of a 2,400 fee confirmed.
    lagging = scenarios.in_service(
        policy(
            "hongsheng", "丰泽区东海街道安置房二期工程", {"training": 4, "hazard_inspection": 2}, days_ago=320
        ),
        clerk,
        org_user,
    )
    only = scenarios.record(
        lagging,
        org_user,
        "training",
        staff,
        served_on=today - timedelta(days=300),
        place="项目部会议室",
        content="开工前全员安全教育培训。",
    )
    scenarios.confirm(only, enterprises["hongsheng"])
