"""Files survive a refused submission (issue 12.5): a 出函 refused for its 保单编号 keeps the three PDFs for the
clerk, and the corrected submission issues the policy with those exact files without picking them again."""

from __future__ import annotations

import re
from typing import Any

import pytest

from anze.documents import testing as files
from anze.documents.models import KeptUpload
from anze.orders.models import Order, OrderStatus
from anze.orders.tests.support import HX, field_row, html, url

S = OrderStatus
pytestmark = pytest.mark.django_db
NAMES = {"policy_file": "电子保单.pdf", "invoice_file": "电子发票.pdf", "contract_file": "保险合同.pdf"}


def kept_tokens(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="(\w+)__kept" value="([^"]+)"', page))


def refused_with_duplicate(online: Any, clerk: Any) -> tuple[Order, dict[str, bytes], str]:
    online(S.ISSUED, policy_no="PZAA2026DUP")
    order = online(S.AWAITING_ISSUE)
    contents = {field: files.pdf_bytes(name) for field, name in NAMES.items()}
    data: dict[str, Any] = {"policy_no": "PZAA2026DUP"}
    data.update({field: files.upload(NAMES[field], content) for field, content in contents.items()})
    response = clerk.post(url(order, "issue"), data, **HX)
    assert response.status_code == 422
    return order, contents, html(response)


def test_a_refused_issue_shows_the_three_pdfs_as_kept(online, clerk, cast):
    _, _, page = refused_with_duplicate(online, clerk)
    assert "保单编号已存在，请核对" in field_row(page, "policy_no")
    for field, name in NAMES.items():
        row = field_row(page, field)
        assert f"已上传：{name}" in row and "移除" in row and f'name="{field}__kept"' in row
        assert "required" not in row.split('type="file"')[1].split(">")[0]
    assert KeptUpload.objects.filter(owner=cast.clerk).count() == 3


def test_the_corrected_submission_issues_with_the_kept_files_byte_for_byte(online, clerk):
    order, contents, page = refused_with_duplicate(online, clerk)
    data = {f"{field}__kept": token for field, token in kept_tokens(page).items()}
    response = clerk.post(url(order, "issue"), {"policy_no": "PZAA2026NEW", **data}, **HX)
    assert response.status_code == 204
    order = Order.objects.get(pk=order.pk)
    assert order.status == S.ISSUED and order.policy_no == "PZAA2026NEW"
    for field, name in NAMES.items():
        document = getattr(order, field)
        assert document.original_name == name
        with document.file.open("rb") as stored:
            assert stored.read() == contents[field]
    assert not KeptUpload.objects.exists()  # the kept copies became the documents


def test_another_users_token_is_a_field_error_not_their_file(online, clerk, cast, client):
    from anze.core.testing import factories

    order, _, page = refused_with_duplicate(online, clerk)
    colleague = factories.user(cast.insurer, admin=True, name="林同事")
    client.force_login(colleague)
    data = {f"{field}__kept": token for field, token in kept_tokens(page).items()}
    response = client.post(url(order, "issue"), {"policy_no": "PZAA2026NEW", **data}, **HX)
    assert response.status_code == 422
    assert "已上传的文件无效，请重新上传" in field_row(html(response), "policy_file")
    assert Order.objects.get(pk=order.pk).status == S.AWAITING_ISSUE
