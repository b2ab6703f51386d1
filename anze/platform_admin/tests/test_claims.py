"""平台管理 › 企业认证 (issue 11, finding 1): the review of 营业执照 + 授权书. Only a holder of
``platform.enterprise.verify`` reviews; 通过 verifies the enterprise and links its orders, 驳回 links nothing and
tells the registrant why; the registrant gets an SMS either way."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anze.accounts.models import Organisation, User
from anze.basedata.models import Industry, Region
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents.testing import pdf_bytes
from anze.notifications.models import SmsMessage
from anze.orders import scenarios
from anze.orders.models import Order
from anze.portal.models import ClaimStatus, EnterpriseClaim
from anze.portal.tests.support import field_row, html, sms_code

pytestmark = pytest.mark.django_db
LIST = "/platform/orgs/claims/"
CODE = factories.credit_code(650001, "350582")
PHONE = "13912340001"
PASSWORD = "Quanzhou2026x"


def detail(claim: EnterpriseClaim) -> str:
    return f"{LIST}{claim.pk}/"


@pytest.fixture
def claim(db: None) -> EnterpriseClaim:
    """An account that registered CODE (under which an insurer keyed in an offline order) and uploaded its
    营业执照 + 授权书: 待审核."""
    ensure_base_data()
    clerk = factories.user(factories.organisation(Side.INSURER), admin=True)
    scenarios.offline_order(insurer_user=clerk, applicant_credit_code=CODE, project_name="待关联的厂房")
    client = Client()
    client.post("/enterprise/register/code/", {"phone": PHONE}, HTTP_HX_REQUEST="true")
    client.post(
        "/enterprise/register/",
        {
            "credit_code": CODE,
            "name": "晋江市审核化工有限公司",
            "industry": Industry.objects.get(code="hazardous_chemicals").pk,
            "region": Region.objects.get(code="350582").pk,
            "address": "晋江市安海镇",
            "contact_name": "审核人",
            "phone": PHONE,
            "code": sms_code(PHONE),
            "password": PASSWORD,
            "password2": PASSWORD,
        },
    )
    files = {
        name: SimpleUploadedFile(f"{label}.pdf", pdf_bytes(label), "application/pdf")
        for name, label in (("business_licence", "营业执照"), ("authorisation", "授权书"))
    }
    assert client.post("/enterprise/verification/documents/", files).status_code == 302
    return EnterpriseClaim.objects.get()


def reviewer_without_permission(platform) -> User:
    return factories.user(platform.org, roles=[factories.role(platform.org, ["platform.org.manage"])])


def test_the_platform_admin_sees_the_pending_claim_with_its_documents(platform, claim):
    client = platform.client(platform.admin)
    page = html(client.get(LIST))
    assert "晋江市审核化工有限公司" in page and CODE in page and "待审核" in page
    page = html(client.get(detail(claim)))
    assert "营业执照.pdf" in page and "授权书.pdf" in page and "1 笔" in page
    response = client.get(f"{detail(claim)}files/{claim.authorisation.uuid}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(f"{detail(claim)}files/{uuid.uuid4()}/").status_code == 404


def test_the_menu_offers_enterprise_verification_to_the_platform_admin(platform, claim):
    assert 'href="/platform/orgs/claims/"' in html(platform.client(platform.admin).get("/platform/"))


def test_approval_verifies_links_and_tells_the_registrant(platform, claim):
    client = platform.client(platform.admin)
    response = client.post(f"{detail(claim)}approve/")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.reviewed_by == platform.admin
    enterprise = Organisation.objects.get(credit_code=CODE)
    assert enterprise.is_verified
    assert Order.objects.get(applicant_credit_code=CODE).enterprise == enterprise
    assert claim.user.is_org_admin
    assert SmsMessage.objects.filter(phone=PHONE, text__contains="已审核通过").exists()
    registrant = Client()
    registrant.force_login(claim.user)
    assert "待关联的厂房" in html(registrant.get("/enterprise/orders/"))


def test_rejection_records_the_reason_links_nothing_and_tells_the_registrant(platform, claim):
    client = platform.client(platform.admin)
    response = client.post(f"{detail(claim)}reject/", {"reason": "授权书未加盖公章"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED and claim.reason == "授权书未加盖公章"
    assert not Organisation.objects.get(credit_code=CODE).is_verified
    assert Order.objects.get(applicant_credit_code=CODE).enterprise is None
    assert not claim.user.roles.exists()
    assert SmsMessage.objects.filter(phone=PHONE, text__contains="授权书未加盖公章").exists()
    registrant = Client()
    registrant.force_login(claim.user)
    page = html(registrant.get("/enterprise/verification/"))
    assert "驳回原因：授权书未加盖公章" in page and 'name="authorisation"' in page  # may upload again


def test_a_rejection_needs_a_reason_beside_its_field(platform, claim):
    response = platform.client(platform.admin).post(f"{detail(claim)}reject/", {"reason": " "})
    assert response.status_code == 422
    assert "请填写驳回原因" in field_row(html(response), "reason")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING


def test_a_claim_reviewed_already_is_not_reviewed_again(platform, claim):
    client = platform.client(platform.admin)
    client.post(f"{detail(claim)}reject/", {"reason": "资料不清晰"})
    response = client.post(f"{detail(claim)}approve/", follow=True)
    assert "该认证申请状态已变化" in html(response)
    assert Order.objects.get(applicant_credit_code=CODE).enterprise is None


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("get", "{pk}/"),
        ("post", "{pk}/approve/"),
        ("post", "{pk}/reject/"),
        ("get", "{pk}/reject/"),
    ],
)
def test_without_the_permission_every_claim_page_is_refused(platform, claim, method, suffix):
    url = LIST + suffix.format(pk=claim.pk)
    for user in (reviewer_without_permission(platform), platform.limited):
        client = platform.client(user)
        response = getattr(client, method)(url, {"reason": "x"} if method == "post" else None)
        assert response.status_code == 403, (user, url)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING
    assert Order.objects.get(applicant_credit_code=CODE).enterprise is None


def test_another_side_is_refused_and_an_anonymous_visitor_goes_to_the_login(platform, claim, insurer_admin):
    client = Client()
    client.force_login(insurer_admin)
    assert client.get(LIST).status_code == 403
    response = Client().get(detail(claim))
    assert response.status_code == 302 and response.url.startswith("/platform/login/")


def test_a_missing_claim_is_a_404(platform, claim):
    assert platform.client(platform.admin).get(f"{LIST}{claim.pk + 99}/").status_code == 404
