"""Files survive a refused submission (issue 12.5) in a real browser: the clerk's 出函 with three PDFs is refused
for a 保单编号 already used; the dialog shows the PDFs as 已上传 with 移除; the corrected number alone issues
the policy with those files. 移除 brings the drop zone back. Screenshots under var/test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from anze.basedata.models import Industry, Region
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents import testing as files
from anze.documents.models import KeptUpload
from anze.orders.models import Order, OrderStatus
from anze.policies import scenarios as policy_scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
S = OrderStatus
NAMES = {"policy_file": "电子保单", "invoice_file": "电子发票", "contract_file": "保险合同"}


@pytest.fixture
def world(db: None) -> dict:
    ensure_base_data()
    insurer = factories.picc("picc-kept")
    clerk = factories.user(insurer, admin=True, username="picc_kept", name="陈雅琴")
    enterprise = factories.organisation(
        Side.ENTERPRISE,
        name="泉州鸿盛建筑工程有限公司",
        contact_phone="13860710001",
        region=Region.objects.get(code="350503"),
        industry=Industry.objects.get(code="construction"),
    )
    applicant = factories.user(enterprise, admin=True, name="蔡明辉")
    policy_scenarios.online_order(
        insurer_user=clerk, enterprise_user=applicant, until=S.ISSUED, policy_no="PZAA2026DUP"
    )
    order = policy_scenarios.online_order(
        insurer_user=clerk,
        enterprise_user=applicant,
        until=S.AWAITING_ISSUE,
        project_name="丰泽区东海街道安置房二期工程",
    )
    return {"order": order}


@pytest.fixture
def pdfs(tmp_path: Path) -> dict[str, Path]:
    paths = {}
    for field, name in NAMES.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(files.pdf_bytes(name, [f"{name}（测试）"]))
        paths[field] = path
    return paths


def test_a_refused_issue_keeps_the_pdfs_and_the_corrected_number_issues(
    page: Page, live_server, world, pdfs, screenshot
):
    page.goto(live_server.url + "/")
    page.locator("a.entry-card", has_text="保险端").click()
    page.locator("a.insurer-tile", has_text="中国人民财产保险股份有限公司泉州市分公司").click()
    page.fill("input[name=username]", "picc_kept")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("button[type=submit]").click()
    page.locator("#menu a", has_text="订单管理").click()

    order: Order = world["order"]
    page.locator(f'tr[data-application-no="{order.application_no}"] a[data-action="issue"]').click()
    dialog = page.locator("#anze-modal-content")
    expect(page.locator("#anze-modal.show .modal-title")).to_be_visible()
    dialog.locator("input[name=policy_no]").fill("PZAA2026DUP")
    for field, path in pdfs.items():
        dialog.locator(f"input[name={field}]").set_input_files(path)
    dialog.locator("button[type=submit].btn-primary").click()

    # Refused beside the number; the three PDFs are shown as uploaded, no file input to fill again.
    expect(dialog.locator(".invalid-feedback", has_text="保单编号已存在，请核对")).to_be_visible()
    for field, name in NAMES.items():
        kept = dialog.locator(f"[data-kept]:has(input[name={field}__kept])")
        expect(kept).to_contain_text(f"已上传：{name}.pdf")
        expect(kept.locator("[data-kept-remove]")).to_have_text("移除")
        expect(dialog.locator(f"input[name={field}]")).to_be_hidden()
    screenshot("01-refused-with-files-kept")

    # 移除 on the contract brings its drop zone back; the contract is optional, so it is left out.
    dialog.locator("[data-kept]:has(input[name=contract_file__kept]) [data-kept-remove]").click()
    expect(dialog.locator("input[name=contract_file__kept]")).to_have_count(0)
    expect(dialog.locator("[data-dropzone]:has(input[name=contract_file])")).to_be_visible()
    screenshot("02-contract-removed")

    dialog.locator("input[name=policy_no]").fill("PZAA2026NEW")
    dialog.locator("button[type=submit].btn-primary").click()
    expect(page.locator(".anze-toast", has_text="出函成功")).to_be_visible()
    screenshot("03-issued")

    issued = Order.objects.get(pk=order.pk)
    assert issued.status == S.ISSUED and issued.policy_no == "PZAA2026NEW"
    for field in ("policy_file", "invoice_file"):
        with getattr(issued, field).file.open("rb") as stored:
            assert stored.read() == pdfs[field].read_bytes()
    assert issued.contract_file is None
    assert KeptUpload.objects.count() == 1  # the removed contract's copy, left for the sweep
