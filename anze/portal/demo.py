"""Demo content of the enterprise portal: for 泉州鸿盛建筑工程有限公司 (建筑施工, a compulsory sector) a policy that
ends in 20 days — its home page shows the 续保 reminder — and a saved draft application; and an account that
registered the credit code of 万安建材 (whose offline order PICC keyed in) and waits for 企业认证 with its
营业执照 and 授权书 uploaded — 平台管理 › 企业认证 shows it 待审核.

Everything goes through ``anze.orders.scenarios`` and so through the workflow. Idempotent: a project that
already has an order is left alone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from anze.accounts import services as accounts
from anze.accounts.demo import DEMO_PASSWORD
from anze.accounts.models import Organisation, User, Verification
from anze.basedata.models import Industry, Region
from anze.core.sides import Side
from anze.documents import testing as files
from anze.orders import applications, scenarios
from anze.orders.demo import OFFLINE_UNREGISTERED
from anze.orders.models import Order, OrderStatus
from anze.policies import scenarios as policy_scenarios

from . import claims
from .models import EnterpriseClaim

ENTERPRISE_LOGIN = "hongsheng"
INSURER_LOGIN = "picc_admin"
EXPIRING_PROJECT = "鲤城区江南片区老旧小区改造工程"
DRAFT_PROJECT = "丰泽区城东街道社区卫生服务中心新建工程"
EXPIRES_IN_DAYS = 20
CLAIMANT_LOGIN = "wanan"
CLAIMANT_PHONE = "13860710022"


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
        policy_scenarios.online_order(
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
        applications.order_apply(
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
    _pending_claim(stdout)


def _pending_claim(stdout: Any) -> None:
    """An account that registered 万安建材's credit code (not its contact phone on file): 待认证, documents
    uploaded, waiting in 平台管理 › 企业认证. The same rows the 注册 page and the 资料认证 form write."""
    if User.objects.filter(username=CLAIMANT_LOGIN).exists():
        return
    credit_code = OFFLINE_UNREGISTERED["applicant_credit_code"]
    if Organisation.objects.filter(credit_code=credit_code).exists():
        return
    name = OFFLINE_UNREGISTERED["applicant_name"]
    region = Region.objects.filter(code="350504").first()
    industry = Industry.objects.filter(is_active=True).order_by("sort", "id").first()
    enterprise = accounts.organisation_create(
        kind=Side.ENTERPRISE,
        verification=Verification.PENDING,
        name=name,
        credit_code=credit_code,
        region=region,
        industry=industry,
        address=OFFLINE_UNREGISTERED["project_address"],
        contact_name="郭小新",
        contact_phone=CLAIMANT_PHONE,
    )
    user = accounts.user_create(
        actor=None,  # the registrant signs up: no colleague grants anything
        organisation=enterprise,
        username=CLAIMANT_LOGIN,
        name="郭小新",
        mobile=CLAIMANT_PHONE,
        password=DEMO_PASSWORD,
    )
    claim: EnterpriseClaim = claims.claim_create(
        user=user,
        enterprise=enterprise,
        name=name,
        industry=industry,
        region=region,
        address=enterprise.address,
        contact_name="郭小新",
        phone=CLAIMANT_PHONE,
    )
    claims.claim_submit_documents(
        claim=claim,
        business_licence=files.upload("营业执照.pdf", files.pdf_bytes("营业执照", [name, credit_code])),
        authorisation=files.upload(
            "授权书.pdf", files.pdf_bytes("授权书", [f"兹授权郭小新代表{name}办理投保业务"])
        ),
    )
    stdout.write(f"企业端：演示企业认证申请（{name}，账号 {CLAIMANT_LOGIN}，待审核）")
