"""线下订单批量导入: the template, a file with bad rows handed back annotated with nothing imported, the fixed
file imported in full (orders, and the rows with a 保单编号 issued), the files around it, and who may see what."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from anze.basedata.models import Region, RegionalRule, ServiceItem
from anze.core.testing import factories
from anze.documents import testing as files
from anze.documents.models import Document
from anze.imports import archives, sheets
from anze.imports.models import ImportBatch, ImportKind, ImportStatus
from anze.imports.services import Checked, RowsRefused, batch_create, batch_run
from anze.imports.testing import by_header, filled, values, zipped
from anze.notifications.models import SmsMessage
from anze.orders import counts
from anze.orders.models import Order, OrderEvent, OrderStatus, OrderType
from anze.orders.tests.support import status_counts
from anze.policies import offline_import
from anze.policies.models import Policy

pytestmark = pytest.mark.django_db
PAGE = "/insurer/orders/import/"
TEMPLATE = "/insurer/orders/import/template/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- building files ---------------------------------------------------------------------------------------------
def order_row(n: int, **overrides):
    """An order-only row (导入为待出函), valid."""
    row = {
        "投保人名称": f"泉州导入测试{n}号建筑有限公司",
        "统一社会信用代码": "91350504MA2YL8H37T",
        "投保联系人": "郭建新",
        "联系电话": f"1386071{n:04d}",
        "项目名称": f"导入测试项目{n}",
        "项目地址": "泉州市洛江区万安街道",
        "所在区县": "洛江区",
        "行业": "建筑施工",
        "参保人数": 40,
    }
    row.update(overrides)
    return row


def issued_row(n: int, **overrides):
    """A row issued at once: 保单编号, the scheme, a service count and three PDFs of the zip."""
    start = timezone.localdate() + timedelta(days=1)
    row = order_row(n)
    row.update(
        {
            "保单编号": f"IMP{n:06d}",
            "累积赔偿限额（元）": 5_000_000,
            "每次事故赔偿限额（元）": 1_000_000,
            "每人伤亡责任限额（元）": 500_000,
            "每人医疗责任限额（元）": 50_000,
            "保费（元）": 12_000,
            "事故预防服务费（元）": 2_400,
            "保险起期": start,
            "保险止期": start.replace(year=start.year + 1) - timedelta(days=1),
            "服务次数：安全生产宣传教育培训": 2,
            "保单文件": f"保单/IMP{n:06d}.pdf",
            "发票文件": f"IMP{n:06d}-发票.pdf",
            "合同文件": "框架合同.pdf",
        }
    )
    row.update(overrides)
    return row


def pdfs(*numbers: int) -> dict[str, bytes]:
    found = {"框架合同.pdf": files.pdf_bytes("保险合同")}
    for n in numbers:
        found[f"保单/IMP{n:06d}.pdf"] = files.pdf_bytes("保单", [f"IMP{n:06d}"])
        found[f"IMP{n:06d}-发票.pdf"] = files.pdf_bytes("发票", [f"IMP{n:06d}"])
    return found


def workbook(rows) -> bytes:
    return filled(offline_import.template(), rows)


def upload(client, data: bytes, archive: bytes | None = None, name: str = "线下订单.xlsx"):
    payload = {"workbook": files.upload(name, data, XLSX)}
    if archive is not None:
        payload["archive"] = files.upload("附件.zip", archive, "application/zip")
    return client.post(PAGE, payload)


def last_batch() -> ImportBatch:
    return ImportBatch.objects.latest("id")


def report_rows(client, batch: ImportBatch) -> dict[int, dict]:
    response = client.get(f"{PAGE}{batch.uuid}/errors/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return by_header(b"".join(response.streaming_content))


def snapshot() -> tuple[int, ...]:
    return (
        Order.objects.count(),
        Policy.objects.count(),
        OrderEvent.objects.count(),
        Document.objects.count(),
        SmsMessage.objects.count(),
    )


# --- the template -----------------------------------------------------------------------------------------------
def test_it_offers_a_template_with_the_base_data_as_drop_downs(cast):
    response = cast.client(cast.clerk).get(TEMPLATE)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["投保人名称*", "统一社会信用代码*", "投保联系人*", "联系电话*"]
    assert "服务次数：安全生产宣传教育培训" in headers and headers[-3:] == [
        "保单文件",
        "发票文件",
        "合同文件",
    ]
    assert sheet.cell(row=1, column=2).comment.text.startswith("18位统一社会信用代码")
    assert sheet.cell(row=2, column=1).value == "泉州示例建筑工程有限公司"  # the example row
    letter = {header.rstrip("*"): cell.column_letter for header, cell in zip(headers, sheet[1], strict=True)}
    drop_downs = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert drop_downs == {
        f"{letter['所在区县']}2:{letter['所在区县']}20002": "'下拉选项'!$A$2:$A$12",
        f"{letter['行业']}2:{letter['行业']}20002": "'下拉选项'!$B$2:$B$17",
        f"{letter['订单类型']}2:{letter['订单类型']}20002": "'下拉选项'!$C$2:$C$2",
    }
    options = {
        column[0].value: [cell.value for cell in column[1:] if cell.value]
        for column in workbook["下拉选项"].columns
    }
    assert options["区县"] == [
        "鲤城区",
        "丰泽区",
        "洛江区",
        "泉港区",
        "惠安县",
        "安溪县",
        "永春县",
        "德化县",
        "石狮市",
        "晋江市",
        "南安市",
    ]
    assert "建筑施工" in options["行业"] and options["订单类型"] == ["线下订单"]
    assert workbook["填写说明"].cell(row=1, column=1).value == "线下订单批量导入 填写说明"


def test_the_example_row_of_the_template_is_valid_and_ignored(cast):
    """Left in, the example row is not imported; alone it is an empty file."""
    upload(cast.client(cast.clerk), offline_import.template())
    batch = last_batch()
    assert batch.status == ImportStatus.REFUSED and batch.message == sheets.NO_ROWS
    assert not Order.objects.exists()


# --- bad rows: annotated, nothing imported ------------------------------------------------------------------------
def test_a_file_with_bad_rows_comes_back_annotated_and_imports_nothing(cast, online):
    taken = cast.offline(issued=True, policy_no="IMP000099")  # a number of this insurer already
    RegionalRule.objects.create(
        region=Region.objects.get(code="350505"), min_per_person_injury_limit=Decimal("600000")
    )
    before = snapshot()
    rows = [
        order_row(1),
        order_row(2, 统一社会信用代码="91350504MA2YL8H370"),  # check digit
        order_row(3, 联系电话="1386071"),
        issued_row(4, **{"每次事故赔偿限额（元）": 6_000_000}),  # above the aggregate
        issued_row(5, 所在区县="泉港区"),  # 泉港区's floor is 60万: 50万 is refused
        issued_row(6, 保险止期=timezone.localdate()),  # before the start
        issued_row(7, 保单编号="IMP000004"),  # row 6's number (row 4 in the file is Excel row 6)
        issued_row(8, 保单编号=taken.policy_no),
        issued_row(9, 保单文件="不存在.pdf"),
        issued_row(10, 发票文件="假的.pdf"),
        issued_row(11, 保单编号="", 保单文件="x.pdf"),
        order_row(12, 所在区县="海淀区", 行业=""),
        order_row(13, 订单类型="线上订单", 参保人数="很多"),
        issued_row(14, **{"保费（元）": "一万"}),
    ]
    archive = zipped({**pdfs(4, 5, 6, 7, 8, 9, 10, 14), "假的.pdf": b"not a pdf at all"})
    client = cast.client(cast.clerk)
    response = upload(client, workbook(rows), archive)
    batch = last_batch()
    assert response.status_code == 302 and response.url == f"{PAGE}{batch.uuid}/"
    assert batch.status == ImportStatus.REFUSED and batch.error_rows == 13 and batch.total_rows == 14
    assert snapshot() == before  # nothing imported, nothing stored, no SMS

    errors = {number: row["错误说明"] for number, row in report_rows(client, batch).items()}
    assert errors[2] is None and errors[3] is None  # the header is row 1, the example row 2, row 3 is fine
    assert errors[4] == "统一社会信用代码：统一社会信用代码校验位不正确，请核对"
    assert errors[5] == "联系电话：请输入正确的11位手机号码"
    assert errors[6] == "每次事故赔偿限额（元）：每次事故赔偿限额不能大于累积赔偿限额"
    assert errors[7] == "每人伤亡责任限额（元）：每人伤亡责任限额不得低于600,000.00元（泉港区）"
    assert errors[8] == "保险止期：保险期间止期必须晚于起期"
    assert errors[9] == "保单编号：与第6行的保单编号重复"
    assert errors[10] == "保单编号：保单编号已存在，请核对"
    assert errors[11] == "保单文件：附件压缩包中没有文件“不存在.pdf”"
    assert errors[12] == "发票文件：假的.pdf：文件内容不是有效的PDF文件"
    assert errors[13].startswith("保单编号：填写了保险方案或文件，请填写保单编号")
    assert errors[14] == "所在区县：所在区县“海淀区”不在平台基础数据中，请从下拉列表选择；行业：请选择行业"
    assert (
        errors[15]
        == "参保人数：参保人数须为大于0的整数；订单类型：只能导入线下订单（线上订单由投保企业在平台提交）"
    )
    assert errors[16] == "保费（元）：保费须为数字（单位：元）"


def test_the_annotated_workbook_marks_the_wrong_cells(cast):
    client = cast.client(cast.clerk)
    upload(client, workbook([order_row(1), order_row(2, 联系电话="12345")]))
    response = client.get(f"{PAGE}{last_batch().uuid}/errors/")
    assert (
        response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('线下订单_错误说明.xlsx')}"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    phone = headers.index("联系电话*") + 1
    assert sheet.cell(row=4, column=phone).fill.fgColor.rgb == sheets.ERROR_COLOR
    assert sheet.cell(row=3, column=phone).fill.fgColor.rgb != sheets.ERROR_COLOR
    assert headers[-1] == "错误说明"


def test_the_fixed_file_imports_every_row_and_issues_those_with_a_policy(cast):
    client = cast.client(cast.clerk)
    rows = [order_row(1), order_row(2, 联系电话="1386071"), issued_row(3), issued_row(4)]
    upload(client, workbook(rows), zipped(pdfs(3, 4)))
    refused = last_batch()
    assert refused.status == ImportStatus.REFUSED and not Order.objects.exists()

    # The clerk fixes the annotated workbook itself (its 错误说明 column stays) and uploads it again.
    report = b"".join(client.get(f"{PAGE}{refused.uuid}/errors/").streaming_content)
    fixed = load_workbook(io.BytesIO(report))
    sheet = fixed.worksheets[0]
    phone = [cell.value for cell in sheet[1]].index("联系电话*") + 1
    sheet.cell(row=4, column=phone, value="13860720002")
    buffer = io.BytesIO()
    fixed.save(buffer)
    upload(client, buffer.getvalue(), zipped(pdfs(3, 4)))

    batch = last_batch()
    assert batch.status == ImportStatus.DONE, batch.message
    assert batch.summary == {"lines": [["新增线下订单", 4], ["其中已出函", 2]]}
    orders = {order.project_name: order for order in Order.objects.all()}
    assert len(orders) == 4
    assert {order.order_type for order in orders.values()} == {OrderType.OFFLINE}
    assert orders["导入测试项目1"].status == OrderStatus.AWAITING_ISSUE
    assert orders["导入测试项目2"].contact_phone == "13860720002"
    issued = orders["导入测试项目3"]
    assert issued.status == OrderStatus.ISSUED and issued.policy_no == "IMP000003"
    assert issued.created_by == cast.clerk and issued.region.code == "350504" and issued.headcount == 40
    assert issued.premium == Decimal("12000.00") and issued.service_counts.get().count == 2
    policy = Policy.objects.get(order=issued)
    assert (
        policy.policy_file.original_name == "IMP000003.pdf"
        and policy.contract_file.original_name == "框架合同.pdf"
    )
    assert [event.action for event in issued.events.all()] == ["create_offline", "issue_offline"]
    assert SmsMessage.objects.filter(phone=issued.contact_phone).exists()  # 保单已出函, as on the screen
    page = client.get(f"{PAGE}{batch.uuid}/").content.decode()
    assert "导入成功：新增线下订单 4，其中已出函 2" in page and "?order_type=offline" in page


def test_it_links_imported_orders_to_the_verified_enterprise_of_their_code(cast):
    upload(cast.client(cast.clerk), workbook([order_row(1, 统一社会信用代码=cast.enterprise.credit_code)]))
    assert Order.objects.get().enterprise == cast.enterprise


# --- the files ----------------------------------------------------------------------------------------------------
def test_it_refuses_a_file_that_is_not_an_xlsx_beside_the_field(cast):
    client = cast.client(cast.clerk)
    for name, data, message in (
        ("订单.xls", b"\xd0\xcf\x11\xe0 an old Excel file", "只能上传.xlsx格式的Excel文件"),
        ("订单.xlsx", files.pdf_bytes(), "只能上传.xlsx格式的Excel文件"),
        ("订单.csv", "投保人名称\n".encode(), "只能上传.xlsx格式的Excel文件"),
        ("订单.xlsx", b"", "文件为空"),
    ):
        response = upload(client, data, name=name)
        assert response.status_code == 422 and message in response.content.decode()
    assert not ImportBatch.objects.exists()
    response = upload(client, workbook([order_row(1)]), archive=b"PK\x03\x04 but not a zip")
    assert last_batch().status == ImportStatus.REFUSED and last_batch().message == archives.NOT_ZIP


def test_a_zip_that_is_not_a_workbook_is_refused_as_a_whole(cast):
    upload(cast.client(cast.clerk), zipped({"a.txt": b"hello"}))
    assert last_batch().status == ImportStatus.REFUSED and last_batch().message == sheets.NOT_XLSX


def test_a_workbook_without_the_template_headers_is_refused(cast):
    other = filled(offline_import.template(), [])
    sheet = load_workbook(io.BytesIO(other))
    sheet.worksheets[0].delete_cols(2)  # no 统一社会信用代码 column
    buffer = io.BytesIO()
    sheet.save(buffer)
    upload(cast.client(cast.clerk), buffer.getvalue())
    assert last_batch().message == "未找到表头（缺少列：统一社会信用代码），请使用下载的模板填写"


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"../../etc/passwd.pdf": b"%PDF-"}, "附件压缩包中有不安全的文件路径：../../etc/passwd.pdf"),
        ({"/abs.pdf": b"%PDF-"}, "附件压缩包中有不安全的文件路径：/abs.pdf"),
        ({"bomb.pdf": bytes(2 * 1024 * 1024)}, "附件压缩包中的文件“bomb.pdf”压缩比异常，不能导入"),
        ({"huge.pdf": bytes(11 * 1024 * 1024)}, "附件压缩包中的文件“huge.pdf”超过10MB"),
    ],
)
def test_it_refuses_zip_bombs_and_paths_out_of_the_archive(cast, entries, message):
    before = snapshot()
    upload(cast.client(cast.clerk), workbook([issued_row(1)]), zipped(entries))
    batch = last_batch()
    assert batch.status == ImportStatus.REFUSED and batch.message == message
    assert snapshot() == before and not batch.archive  # the zip is not kept


def test_it_reads_the_gbk_names_of_a_windows_zip(cast, monkeypatch):
    """Windows' 发送到 › 压缩文件夹 writes Chinese names in GBK without the UTF-8 flag."""
    monkeypatch.setattr(
        zipfile.ZipInfo, "_encodeFilenameFlags", lambda self: (self.filename.encode("gbk"), self.flag_bits)
    )
    data = zipped(pdfs(1))
    monkeypatch.undo()
    assert "框架合同.pdf".encode("gbk") in data
    upload(cast.client(cast.clerk), workbook([issued_row(1)]), data)
    assert last_batch().status == ImportStatus.DONE and Policy.objects.get().policy_no == "IMP000001"


def test_it_refuses_the_rows_to_issue_without_a_zip(cast):
    upload(cast.client(cast.clerk), workbook([issued_row(1)]))
    errors = report_rows(cast.client(cast.clerk), last_batch())[3]["错误说明"]
    assert errors.startswith("保单文件：未上传附件压缩包")


# --- the write refuses after all: everything rolls back -------------------------------------------------------------
def test_a_number_taken_between_the_check_and_the_write_rolls_everything_back(cast):
    """Another clerk issues the same 保单编号 while the file is checked: the workflow refuses it at the write,
    and the orders written before it in the file are rolled back too."""
    client = cast.client(cast.clerk)
    upload(client, workbook([order_row(1)]))  # a batch to run the importer on
    batch = last_batch()
    importer = offline_import.OfflineOrderImporter()
    data = workbook([issued_row(1), issued_row(2)])
    sheet = sheets.read_sheet(io.BytesIO(data), importer.columns(), max_rows=10)
    archive = archives.Archive(io.BytesIO(zipped(pdfs(1, 2))))
    checked: Checked = importer.check(sheet, batch=batch, archive=archive, progress=lambda done: None)
    assert not checked.errors
    cast.offline(issued=True, policy_no="IMP000002")
    before = snapshot()
    with pytest.raises(RowsRefused) as refused:
        from django.db import transaction

        with transaction.atomic():
            importer.write(checked.plan, batch=batch, archive=archive)
    assert refused.value.errors == {4: [("policy_no", "保单编号已存在，请核对")]}
    assert snapshot() == before


# --- cost: the check reads base data and the numbers once -------------------------------------------------------------
def test_checking_a_file_reads_the_database_a_constant_number_of_times(cast):
    client = cast.client(cast.clerk)
    upload(client, workbook([order_row(1)]))
    batch = last_batch()

    def queries(count: int) -> int:
        fresh = ImportBatch.objects.select_related("created_by__organisation").get(pk=batch.pk)
        importer = offline_import.OfflineOrderImporter()
        data = workbook([issued_row(n) for n in range(1, count + 1)])
        sheet = sheets.read_sheet(io.BytesIO(data), importer.columns(), max_rows=100)
        archive = archives.Archive(io.BytesIO(zipped(pdfs(*range(1, count + 1)))))
        with CaptureQueriesContext(connection) as captured:
            checked = importer.check(sheet, batch=fresh, archive=archive, progress=lambda done: None)
        assert not checked.errors
        return len(captured.captured_queries)

    assert queries(3) == queries(30)


def test_contents_checked_once(cast, monkeypatch):
    """Each PDF of the zip is parsed once: by the check (every error at once), not again when stored."""
    from anze.documents import validation

    parsed: list[str] = []
    check = validation._CHECKS["pdf"]
    monkeypatch.setitem(
        validation._CHECKS, "pdf", lambda upload, size: parsed.append(upload.name) or check(upload, size)
    )
    upload(cast.client(cast.clerk), workbook([issued_row(1), issued_row(2)]), zipped(pdfs(1, 2)))
    assert last_batch().status == ImportStatus.DONE, last_batch().message
    assert Document.objects.count() == 6  # the shared 合同 stored once per row, as on the screen
    assert sorted(parsed) == sorted(
        ["框架合同.pdf", "IMP000001.pdf", "IMP000001-发票.pdf", "IMP000002.pdf", "IMP000002-发票.pdf"]
    )


def test_the_messages_links_are_resolved_once_per_chunk(cast, monkeypatch):
    """Every 出函 message links to the same page: its permission is resolved once, and each message has it."""
    from django.urls import resolve

    from anze.notifications import services as notifications
    from anze.notifications.models import Notification

    paths: list[str] = []
    monkeypatch.setattr(notifications, "resolve", lambda path: paths.append(path) or resolve(path))
    code = cast.enterprise.credit_code
    rows = [issued_row(n, 统一社会信用代码=code) for n in (1, 2, 3)]
    upload(cast.client(cast.clerk), workbook(rows), zipped(pdfs(1, 2, 3)))
    assert last_batch().status == ImportStatus.DONE, last_batch().message
    assert len(paths) == 1
    messages = Notification.objects.filter(dedupe_key__startswith="order-event:")
    assert sorted(message.link for message in messages) == sorted(
        f"/enterprise/orders/{no}/" for no in Order.objects.values_list("application_no", flat=True)
    )
    assert {message.permission for message in messages} == {notifications.permission_of_link(paths[0])}


# --- who may see what -----------------------------------------------------------------------------------------------
def test_another_insurer_can_neither_see_nor_download_an_import(cast):
    client = cast.client(cast.clerk)
    upload(client, workbook([order_row(1, 联系电话="1")]))
    batch = last_batch()
    other = cast.client(cast.other_clerk)
    assert other.get(f"{PAGE}{batch.uuid}/").status_code == 404
    assert other.get(f"{PAGE}{batch.uuid}/errors/").status_code == 404
    assert str(batch.uuid) not in other.get(PAGE).content.decode()
    assert str(batch.uuid) in client.get(PAGE).content.decode()


def test_it_is_forbidden_without_the_import_permission(cast):
    """新增线下订单 does not bring 批量导入 with it."""
    role = factories.role(cast.insurer, ["order.view", "order.offline_create", "order.issue"])
    client = cast.client(factories.user(cast.insurer, roles=[role]))
    upload(cast.client(cast.clerk), workbook([order_row(1)]))
    batch = last_batch()
    for url in (PAGE, TEMPLATE, f"{PAGE}{batch.uuid}/", f"{PAGE}{batch.uuid}/errors/"):
        assert client.get(url).status_code == 403
    assert upload(client, workbook([order_row(1)])).status_code == 403
    assert "批量导入" not in client.get("/insurer/orders/").content.decode()
    assert "批量导入" in cast.client(cast.clerk).get("/insurer/orders/").content.decode()


def test_an_importer_without_the_right_to_issue_imports_orders_only(cast):
    role = factories.role(cast.insurer, ["order.view", "order.offline_create", "order.offline_import"])
    client = cast.client(factories.user(cast.insurer, roles=[role]))
    upload(client, workbook([order_row(1), issued_row(2)]), zipped(pdfs(2)))
    errors = report_rows(client, last_batch())
    assert errors[4]["错误说明"].startswith("保单编号：您没有出函（保单信息补录）的权限")
    upload(client, workbook([order_row(1)]))
    assert (
        last_batch().status == ImportStatus.DONE
        and Order.objects.get().created_by.organisation == cast.insurer
    )


def test_an_importer_without_the_right_to_create_orders_imports_nothing(cast):
    role = factories.role(cast.insurer, ["order.view", "order.offline_import"])
    client = cast.client(factories.user(cast.insurer, roles=[role]))
    upload(client, workbook([order_row(1)]))
    assert last_batch().message == "您没有新增线下订单的权限，未导入任何数据"
    assert not Order.objects.exists()


def test_the_page_polls_a_running_import_and_stops_when_it_is_done(cast):
    client = cast.client(cast.clerk)
    upload(client, workbook([order_row(1)]))
    batch = last_batch()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING, total_rows=1)
    polled = client.get(f"{PAGE}{batch.uuid}/", HTTP_HX_REQUEST="true").content.decode()
    assert polled.strip().startswith('<div id="import-status"') and 'hx-trigger="every 1s"' in polled
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.DONE)
    assert "every 1s" not in client.get(f"{PAGE}{batch.uuid}/", HTTP_HX_REQUEST="true").content.decode()


def test_a_batch_left_running_by_a_dead_worker_says_so(cast):
    client = cast.client(cast.clerk)
    upload(client, workbook([order_row(1)]))
    batch = last_batch()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.WRITING, started_at=timezone.now() - timedelta(minutes=59)
    )
    assert "every 1s" in client.get(f"{PAGE}{batch.uuid}/").content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now() - timedelta(minutes=61))
    page = client.get(f"{PAGE}{batch.uuid}/").content.decode()
    assert "已中断" in page and "every 1s" not in page
    # Waiting for a worker is not stalled: the batch runs when one starts.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.QUEUED, started_at=None, created_at=timezone.now() - timedelta(days=1)
    )
    assert "等待后台任务进程处理" in client.get(f"{PAGE}{batch.uuid}/").content.decode()


def test_the_values_of_cells_are_read_as_excel_stores_them():
    assert sheets.text(13860710021.0) == "13860710021" and sheets.text(None) == ""
    assert sheets.amount(0.1) == Decimal("0.1") and sheets.amount("1,200,000.50元") == Decimal("1200000.50")
    assert sheets.day("2026/3/1") == date(2026, 3, 1) and sheets.day(20260301) == date(2026, 3, 1)
    assert sheets.day(46082) == date(2026, 3, 1)  # an Excel serial number
    for bad in ("明天", 3.5, True):
        with pytest.raises(ValueError):
            sheets.day(bad)
    assert values(filled(offline_import.template(), [{"投保人名称": "甲"}]))[2][0] == "甲"


def test_the_benchmark_imports_a_file_with_bad_rows_then_fixed(cast):
    """``manage.py bench_import`` (5,000 rows in docs/BENCH.md), here on 30: the file with 3 bad rows imports
    nothing, the fixed one every row, and each phase is timed."""
    out = io.StringIO()
    call_command("bench_import", rows=30, issued=3, bad=3, force=True, stdout=out)
    printed = out.getvalue()
    assert "30 行（其中出函 3 行" in printed
    assert "有错误行：校验未通过（错误行 3），共" in printed and "+ 写错误说明" in printed
    assert "修正后：导入成功（错误行 0），共" in printed and "读取表格" in printed and "+ 导入" in printed
    assert printed.rstrip().endswith("新增订单 30 个，出函 3 个")


def test_a_service_column_of_an_item_retired_since_the_template_is_refused(cast):
    """Its counts would be lost without a word: the clerk downloads the template again."""
    data = workbook([order_row(1)])
    ServiceItem.objects.filter(code="training").update(is_active=False)
    upload(cast.client(cast.clerk), data)
    batch = last_batch()
    assert batch.message == "“服务次数：安全生产宣传教育培训”不是启用中的服务项目，请重新下载模板填写"
    assert not Order.objects.exists()


def test_an_import_whose_permission_was_withdrawn_before_it_ran_imports_nothing(cast):
    role = factories.role(cast.insurer, ["order.view", "order.offline_create", "order.offline_import"])
    clerk = factories.user(cast.insurer, roles=[role])
    batch = batch_create(
        actor=clerk, kind=ImportKind.OFFLINE_ORDERS, workbook=files.upload("a.xlsx", workbook([order_row(1)]))
    )
    role.permissions = ["order.view", "order.offline_create"]
    role.save()
    batch_run(batch.pk, offline_import.OfflineOrderImporter())
    batch.refresh_from_db()
    assert (
        batch.status == ImportStatus.REFUSED and batch.message == "导入人已没有批量导入的权限，未导入任何数据"
    )
    assert not Order.objects.exists()


def test_the_imported_orders_are_counted_in_the_tabs_and_the_name_grams(cast):
    """The import's orders, all in one transaction, are counted in the tabs and the 1–2 character searches,
    issued ones too (their delta rows, ``orders/counts.py``)."""
    cast.offline()  # an order counted by the trigger before the import
    upload(cast.client(cast.clerk), workbook([order_row(1), order_row(2), issued_row(3)]), zipped(pdfs(3)))
    assert last_batch().status == ImportStatus.DONE
    offline_orders = Order.objects.filter(insurer=cast.insurer, order_type=OrderType.OFFLINE)
    assert counts.counts_of(cast.insurer.pk, OrderType.OFFLINE) == status_counts(offline_orders)
    with_gram, everything = counts.counts_with_gram(cast.insurer.pk, "导", OrderType.OFFLINE)
    assert with_gram == status_counts(offline_orders.filter(project_name__contains="导"))
    assert with_gram[OrderStatus.AWAITING_ISSUE] == 2 and with_gram[OrderStatus.ISSUED] == 1
    assert everything == status_counts(offline_orders)


# --- the same result as the screens ------------------------------------------------------------------------------
def _outcome(order: Order) -> dict:
    """What 新增线下订单 + 保单信息补录 leave of an order, its own numbers and times written as placeholders."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from anze.notifications.models import Notification

    order.refresh_from_db()
    policy = Policy.objects.get(order=order)
    names = {order.application_no: "<申请编号>", order.policy_no: "<保单编号>", order.project_name: "<项目>"}

    def plain(value):
        text = str(value)
        for real, placeholder in names.items():
            text = text.replace(real, placeholder)
        return text

    def document(doc):
        return (doc.kind, plain(doc.original_name), doc.content_type, doc.organisation_id, doc.uploaded_by_id)

    kept = ("status", "order_type", "insurer_id", "enterprise_id", "region_id", "industry_id", "headcount")
    kept += ("created_by_id", "aggregate_limit", "per_accident_limit", "per_person_injury_limit")
    kept += (
        "per_person_medical_limit",
        "premium",
        "prevention_fee",
        "period_start",
        "period_end",
        "last_reason",
    )
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Order), object_pk=str(order.pk)
    ).order_by("id")
    return {
        "order": {name: getattr(order, name) for name in kept},
        "services": sorted((row.item_id, row.count) for row in order.service_counts.all()),
        "files": [
            document(getattr(order, name)) for name in ("policy_file", "invoice_file", "contract_file")
        ],
        "documents same as the policy's": [
            policy.policy_file_id,
            policy.invoice_file_id,
            policy.contract_file_id,
        ]
        == [order.policy_file_id, order.invoice_file_id, order.contract_file_id],
        "policy": (
            policy.insurer_id,
            policy.enterprise_id,
            policy.period_start,
            policy.period_end,
            policy.issued_headcount,
            policy.issued_premium,
            policy.issued_prevention_fee,
            len(policy.verification_code),
        ),
        "events": [
            (
                e.action,
                e.action_label,
                e.from_status,
                e.to_status,
                e.actor_id,
                e.actor_name,
                e.actor_organisation,
                e.reason,
                plain(e.changes),
            )
            for e in order.events.order_by("id")
        ],
        "操作日志": [
            (e.action, e.actor_id, plain(e.object_repr), plain(e.changes), plain(e.additional_data))
            for e in entries
        ],
        "sms": [
            (s.organisation_id, s.phone, plain(s.text), s.status, s.template_code)
            for s in SmsMessage.objects.filter(phone=order.contact_phone).order_by("id")
        ],
        "消息": [
            (n.organisation_id, n.user_id, plain(n.title), plain(n.body), plain(n.link), n.permission)
            for n in Notification.objects.filter(dedupe_key__startswith="order-event:").order_by("id")
            if n.dedupe_key.split(":")[1] in {str(pk) for pk in order.events.values_list("pk", flat=True)}
        ],
    }


def test_an_issued_row_imported_is_the_same_as_one_issued_on_the_screens(cast):
    from anze.basedata.models import Industry
    from anze.orders.tests.support import HX, scheme_data, url

    client = cast.client(cast.clerk)
    # The enterprise is registered: the 出函 also leaves a message in its 消息中心.
    code = cast.enterprise.credit_code
    row = issued_row(1, 联系电话="13860710001", 合同文件="IMP000001-合同.pdf", 统一社会信用代码=code)
    archive = {"保单/IMP000001.pdf": files.pdf_bytes("保单"), "IMP000001-发票.pdf": files.pdf_bytes("发票")}
    archive["IMP000001-合同.pdf"] = files.pdf_bytes("合同")
    upload(client, workbook([row]), zipped(archive))
    assert last_batch().status == ImportStatus.DONE, last_batch().message
    imported = Order.objects.get()

    created = client.post(
        "/insurer/orders/offline/add/",
        {
            "applicant_name": row["投保人名称"],
            "applicant_credit_code": row["统一社会信用代码"],
            "contact_name": row["投保联系人"],
            "contact_phone": "13860710002",
            "project_name": "导入测试项目2",
            "project_address": row["项目地址"],
            "region": Region.objects.get(code="350504").pk,
            "industry": Industry.objects.get(name="建筑施工").pk,
            "headcount": "40",
            "remark": "",
        },
        **HX,
    )
    assert created.status_code in (200, 204), created.content.decode()[:500]
    screened = Order.objects.exclude(pk=imported.pk).get()
    item = ServiceItem.objects.get(name="安全生产宣传教育培训")
    data = {key: ("" if key.startswith("service_") else value) for key, value in scheme_data().items()}
    data[f"service_{item.pk}"] = "2"
    data["policy_no"] = "IMP000002"
    data["policy_file"] = files.upload("IMP000002.pdf", files.pdf_bytes("保单"))
    data["invoice_file"] = files.upload("IMP000002-发票.pdf", files.pdf_bytes("发票"))
    data["contract_file"] = files.upload("IMP000002-合同.pdf", files.pdf_bytes("合同"))
    issued = client.post(url(screened, "issue"), data, **HX)
    assert issued.status_code == 204, issued.content.decode()[:800]

    mine, theirs = _outcome(imported), _outcome(screened)
    # The contact's number differs (each order its own SMS): compare it as a placeholder too.
    for outcome, phone in ((mine, "13860710001"), (theirs, "13860710002")):
        outcome["sms"] = [tuple(str(v).replace(phone, "<电话>") for v in sms) for sms in outcome["sms"]]
    assert mine == theirs
    assert mine["sms"] and mine["消息"] and mine["操作日志"] and mine["documents same as the policy's"]
    assert [event[0] for event in mine["events"]] == ["create_offline", "issue_offline"]


def test_issuing_many_refuses_a_number_twice_in_the_batch_and_writes_nothing(cast):
    from django.db import transaction

    from anze.orders.rules import Scheme
    from anze.orders.tests.support import scheme_data
    from anze.policies.services import OfflineIssue, policies_issue_offline

    first, second = cast.offline(), cast.offline()
    start = timezone.localdate() + timedelta(days=1)
    data = scheme_data()

    plan = Scheme(
        aggregate_limit=Decimal(data["aggregate_limit"]),
        per_accident_limit=Decimal(data["per_accident_limit"]),
        per_person_injury_limit=Decimal(data["per_person_injury_limit"]),
        per_person_medical_limit=Decimal(data["per_person_medical_limit"]),
        premium=Decimal(data["premium"]),
        prevention_fee=Decimal(data["prevention_fee"]),
        period_start=start,
        period_end=start.replace(year=start.year + 1) - timedelta(days=1),
        service_counts={ServiceItem.objects.active().first().pk: 2},
    )

    def issue(order, number):
        return OfflineIssue(
            order=order,
            scheme=plan,
            policy_no=number,
            policy_file=files.upload("保单.pdf", files.pdf_bytes("保单")),
            invoice_file=files.upload("发票.pdf", files.pdf_bytes("发票")),
            contract_file=files.upload("合同.pdf", files.pdf_bytes("合同")),
        )

    before = snapshot()
    with transaction.atomic():
        results = policies_issue_offline(
            actor=cast.clerk, issues=[issue(first, "DUP1"), issue(second, "DUP1")]
        )
    assert results[0] == first and results[1].errors == {"policy_no": ["保单编号已存在，请核对"]}
    assert snapshot() == before

    with transaction.atomic():
        results = policies_issue_offline(
            actor=cast.clerk, issues=[issue(first, "ONE1"), issue(second, "TWO2")]
        )
    assert results == [first, second]
    assert sorted(Policy.objects.values_list("policy_no", flat=True)) == ["ONE1", "TWO2"]
    assert SmsMessage.objects.filter(text__contains="已出函").count() == 2

    # An order cancelled by another request after this one read it: that order refused, nothing written.
    third, fourth = cast.offline(), cast.offline()
    Order.objects.filter(pk=fourth.pk).update(status=OrderStatus.CANCELLED)
    before = snapshot()
    with transaction.atomic():
        results = policies_issue_offline(
            actor=cast.clerk, issues=[issue(third, "THREE3"), issue(fourth, "FOUR4")]
        )
    assert results[0] == third and results[1].errors == {None: ["该订单状态已变化，请刷新后重试"]}
    assert snapshot() == before
    assert Order.objects.get(pk=third.pk).status == OrderStatus.AWAITING_ISSUE
