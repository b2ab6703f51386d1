"""Demo claims: 人保财险泉州's claims in every state — 待受理 (reported on the portal), 待立案 (a phone report),
待查勘, 待理算, 待结案, two 已结案, 已拒赔 and 已注销 — and one 已结案 of 平安财险泉州, so that 理赔管理, 我的理赔,
理赔查询 and 理赔统计 (赔付率) show something on first run.

The claims are on policies issued here with a period that began 200 days ago (an accident must be inside the
period, and not in the future). Everything goes through the workflows. Idempotent: nothing is added once a
claim exists.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from anze.accounts.models import User
from anze.documents import testing as files
from anze.prevention import scenarios as policy_scenarios

from . import reports, scenarios
from .limits import Line
from .models import AccidentType, Claim, ClaimStatus

S = ClaimStatus

# (insurer login, enterprise login, project, accident type, days ago, place, description, deaths, injured,
#  estimated loss, state, 理算 lines (name, 死亡伤残, 医疗), reporter on the phone?)
CLAIMS: list[tuple[Any, ...]] = [
    (
        "picc_admin",
        "hongsheng",
        "丰泽区东海街道安置房四期工程",
        AccidentType.FALL,
        2,
        "4号楼18层外脚手架",
        "木工在外脚手架拆除模板时安全带未挂牢，坠落至16层防护平台，右腿骨折。",
        0,
        1,
        "60000",
        S.REPORTED,
        [],
        False,
    ),
    (
        "picc_admin",
        "huatai",
        "华泰鞋业成型车间",
        AccidentType.MACHINERY,
        6,
        "二号成型车间压底机",
        "操作工清理压底机时未停机，左手被压伤。",
        0,
        1,
        "30000",
        S.ACCEPTED,
        [],
        True,
    ),
    (
        "picc_admin",
        "hongsheng",
        "丰泽区东海街道安置房四期工程",
        AccidentType.OBJECT_STRIKE,
        15,
        "2号楼塔吊作业区",
        "塔吊吊运钢管时一根钢管滑落，砸伤地面信号工肩部。",
        0,
        1,
        "45000",
        S.REGISTERED,
        [],
        False,
    ),
    (
        "picc_admin",
        "huatai",
        "华泰鞋业成型车间",
        AccidentType.ELECTRIC_SHOCK,
        25,
        "仓库配电箱",
        "电工检修配电箱时误触带电部位，手臂电击伤。",
        0,
        1,
        "20000",
        S.SURVEYED,
        [],
        False,
    ),
    (
        "picc_admin",
        "hongsheng",
        "丰泽区东海街道安置房四期工程",
        AccidentType.COLLAPSE,
        40,
        "5号楼基坑",
        "基坑东侧边坡局部坍塌，两名工人被掩埋后救出，一人重伤、一人轻伤。",
        0,
        2,
        "260000",
        S.ADJUSTED,
        [("黄建新", "180000", "42000"), ("林志勇", "0", "16500")],
        False,
    ),
    (
        "picc_admin",
        "huatai",
        "华泰鞋业成型车间",
        AccidentType.BURN,
        60,
        "胶粘车间烘箱",
        "员工取件时被烘箱高温部件烫伤右臂。",
        0,
        1,
        "18000",
        S.SETTLED,
        [("陈丽芳", "0", "12800")],
        False,
    ),
    (
        "picc_admin",
        "hongsheng",
        "丰泽区东海街道安置房四期工程",
        AccidentType.FALL,
        120,
        "1号楼电梯井",
        "工人在电梯井口作业时坠落，经抢救无效死亡。",
        1,
        0,
        "500000",
        S.SETTLED,
        [("吴大成", "400000", "35000")],
        False,
    ),
    (
        "picc_admin",
        "huatai",
        "华泰鞋业成型车间",
        AccidentType.OTHER,
        80,
        "员工宿舍",
        "员工下班后在宿舍内扭伤脚踝。",
        0,
        1,
        "5000",
        S.DECLINED,
        [],
        False,
    ),
    (
        "picc_admin",
        "hongsheng",
        "丰泽区东海街道安置房四期工程",
        AccidentType.VEHICLE,
        10,
        "施工场地出入口",
        "渣土车倒车时刮碰门卫，经核实无人员受伤。",
        0,
        0,
        "3000",
        S.CANCELLED,
        [],
        True,
    ),
    (
        "pingan_admin",
        "lianhe",
        "泉港联合石化储运罐区",
        AccidentType.POISONING,
        90,
        "3号储罐检修口",
        "检修人员进入储罐前未检测气体，吸入有毒气体昏迷，送医后康复。",
        0,
        1,
        "90000",
        S.SETTLED,
        [("郑海波", "60000", "22000")],
        False,
    ),
]


def load(stdout: Any) -> None:
    if Claim.objects.exists():
        stdout.write("理赔：演示数据已存在")
        return
    logins = {row[0] for row in CLAIMS} | {row[1] for row in CLAIMS}
    users = {u.username: u for u in User.objects.filter(username__in=logins).select_related("organisation")}
    if set(users) != logins:
        stdout.write("理赔：缺少演示账号，跳过")
        return
    year = timezone.localdate().year
    policies: dict[tuple[str, str, str], Any] = {}
    numbers = iter(range(1, 100))
    for (
        insurer,
        enterprise,
        project,
        kind,
        days_ago,
        place,
        text,
        deaths,
        injured,
        loss,
        state,
        people,
        phone,
    ) in CLAIMS:
        key = (insurer, enterprise, project)
        if key not in policies:
            prefix = "PICC" if insurer == "picc_admin" else "PAIC"
            policies[key] = policy_scenarios.issued_policy(
                insurer_user=users[insurer],
                enterprise_user=users[enterprise],
                started_days_ago=200,
                counts={"training": 2, "hazard_inspection": 2},
                policy_no=f"{prefix}{year}3505LP{next(numbers):04d}",
                project_name=project,
                headcount=150,
            )
        policy = policies[key]
        accident = scenarios.accident(
            days_ago=days_ago,
            accident_type=kind,
            accident_place=place,
            description=text,
            deaths=deaths,
            injured=injured,
            estimated_loss=Decimal(loss),
            reporter_name=policy.order.contact_name,
            reporter_phone=policy.order.contact_phone,
            files={"photo_1": ("现场照片", files.upload("现场照片.jpg", files.jpeg_bytes(320, 200)))},
        )
        actor = users[insurer] if phone else users[enterprise]
        claim = reports.claim_report(policy=policy, actor=actor, accident=accident)
        lines = [Line(name, Decimal(dd), Decimal(med)) for name, dd, med in people] or None
        scenarios.drive(
            claim,
            users[insurer],
            state,
            people=lines,
            reason="员工下班后在宿舍内受伤，不属于工作时间和工作场所内的生产安全事故，不在保险责任范围内",
        )
    stdout.write(f"理赔：已生成{len(CLAIMS)}件演示案件")
