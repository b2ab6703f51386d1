"""Demo content of the enterprise portal: for 泉州鸿盛建筑工程有限公司 (建筑施工, a compulsory sector) a policy that
ends in 20 days — its home page shows the 续保 reminder — and a saved draft application.

Everything goes through ``anze.orders.scenarios`` and so through the workflow. Idempotent: a project that
already has an order is left alone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from anze.accounts.models import User
from anze.documents import testing as files
from anze.orders import scenarios, workflow
from anze.orders.models import Order, OrderStatus

ENTERPRISE_LOGIN = "hongsheng"
INSURER_LOGIN = "picc_admin"
EXPIRING_PROJECT = "鲤城区江南片区老旧小区改造工程"
DRAFT_PROJECT = "丰泽区城东街道社区卫生服务中心新建工程"
EXPIRES_IN_DAYS = 20


def load(stdout: Any) -> None:
    applicant = User.objects.filter(username=ENTERPRISE_LOGIN).first()
    clerk = User.objects.filter(username=INSURER_LOGIN).first()
    if applicant is None or clerk is None:
        stdout.write("企业端：未找到演示企业或保险公司账号，跳过")
        return
    mine = Order.objects.filter(enterprise=applicant.organisation)
    created = 0
    if not mine.filter(project_name=EXPIRING_PROJECT).exists():
        end = timezone.localdate() + timedelta(days=EXPIRES_IN_DAYS)
        scenarios.online_order(
            insurer_user=clerk,
            enterprise_user=applicant,
            until=OrderStatus.ISSUED,
            scheme_overrides={"period_start": end - timedelta(days=364), "period_end": end},
            project_name=EXPIRING_PROJECT,
            project_address="泉州市鲤城区江南街道亭店社区",
            headcount=150,
        )
        created += 1
    if not mine.filter(project_name=DRAFT_PROJECT).exists():
        start = timezone.localdate() + timedelta(days=30)
        workflow.order_apply(
            actor=applicant,
            application=scenarios.application(
                clerk.organisation,
                applicant.organisation,
                project_name=DRAFT_PROJECT,
                project_address="泉州市丰泽区城东街道东海大街",
                headcount=90,
                expected_start=start,
                expected_end=start + timedelta(days=364),
                legal_id=None,
                business_licence=files.upload(
                    "营业执照.pdf", files.pdf_bytes("营业执照", [applicant.organisation.name])
                ),
            ),
            submit=False,
        )
        created += 1
    stdout.write(f"企业端：新建 {created} 个演示订单（即将到期的保单、投保申请草稿）")
