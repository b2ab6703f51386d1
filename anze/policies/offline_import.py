"""线下订单批量导入 (issue 15 §2): an insurer's offline orders from an Excel file, each created by the same
workflow function as the 新增线下订单 screen (``anze.orders.offline.order_create_offline``) and, when the row
carries a 保单编号, the scheme and the three PDFs, issued by the same function as the 保单信息补录 screen
(``services.policy_issue_offline``) — in one transaction, after every row was checked.

The check reads only, and reads base data, the regional rules and the 保单编号 already used **once per file**,
not per row: each cell through the screens' own form fields (``OfflineOrderForm``, ``SchemeForm``: the same
messages), each scheme through ``rules.scheme_errors`` with the region's rule resolved once, each PDF named by
a row through the documents' content check once per file in the zip, all of them before the rows
(``Archive.validate_all``: in worker processes, one per core; the write's uploads of an entry carry its result,
so ``document_create`` does not parse it again). The write calls the workflow's
many-row forms of the same functions — ``offline.orders_create_offline`` for every row, then
``services.policies_issue_offline`` for the rows to issue, ``ISSUE_CHUNK`` at a time — which check each row
again (a 保单编号 taken meanwhile is refused there, the whole import rolled back and annotated like any other
error) and write each kind of row (orders, events, 操作日志, documents, policies, SMS) in one insert; base data
is read once for the write too (``basedata.selectors.read_once``).

Measured (``manage.py bench_import``, docs/BENCH.md): the PDF check (qpdf, ~0.4 ms a file, on every core) is
most of the check; the write is the workflow's inserts, the files stored, and the chunk's 出函 update
(``ORDER.claim_many``). Hence the worker: the page polls the batch while it runs.

Files: the PDFs come as a .zip beside the workbook (``anze.imports.archives``: no extraction to disk, zip bombs and
paths out of the archive refused), matched by the names in the 保单文件 / 发票文件 / 合同文件 columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django_tasks import task
from stdnum.cn import uscc

from anze.basedata.models import Industry, Region, RegionalRule, RegionLevel, ServiceItem
from anze.basedata.selectors import EffectiveRule, lineage, read_once, resolve
from anze.core.errors import Refused
from anze.documents.models import KIND_ACCEPT, DocumentKind
from anze.imports.archives import Archive, Entry
from anze.imports.models import ImportBatch, ImportKind
from anze.imports.services import Checked, RowErrors, RowsRefused, add_error, batch_run, refused_errors
from anze.imports.sheets import (
    AMOUNT,
    DATE,
    INTEGER,
    Column,
    Sheet,
    SheetRow,
    day,
    is_blank,
    template_workbook,
    text,
)
from anze.imports.sheets import amount as read_amount
from anze.imports.sheets import integer as read_integer
from anze.orders import offline
from anze.orders.forms import OfflineOrderForm, SchemeForm, service_count_field
from anze.orders.models import Order, OrderType
from anze.orders.rules import AMOUNT_LABELS, Scheme, scheme_errors
from anze.orders.transitions import ORDER

from . import services

TITLE = "线下订单"
MAX_ROWS = 10_000
ISSUE_CHUNK = 200  # rows issued together (their PDFs in memory at once)
PERMISSION = "order.offline_import"
SERVICE_PREFIX = "服务次数："
REGIONS, INDUSTRIES, ORDER_TYPES = "区县", "行业", "订单类型"

APPLICATION_FIELDS = (
    "applicant_name",
    "applicant_credit_code",
    "contact_name",
    "contact_phone",
    "project_name",
    "project_address",
    "headcount",
    "remark",
)
FILES: tuple[tuple[str, str, str], ...] = (
    ("policy_file", "保单文件", DocumentKind.POLICY),
    ("invoice_file", "发票文件", DocumentKind.INVOICE),
    ("contract_file", "合同文件", DocumentKind.CONTRACT),
)
DATES = ("period_start", "period_end")

NO_POLICY_NO = "填写了保险方案或文件，请填写保单编号（或清空这些列，只导入订单，之后在订单管理中补录）"
NO_ARCHIVE = "未上传附件压缩包，请把保单、发票、合同PDF打包为.zip与表格一同上传"
NO_ISSUE_PERMISSION = "您没有出函（保单信息补录）的权限：请清空保单编号、保险方案与文件列，只导入订单"
REPEATED = "与第{row}行的保单编号重复"
ONLY_OFFLINE = "只能导入线下订单（线上订单由投保企业在平台提交）"


def _example_code() -> str:
    body = "91350503MA8R0X1K3"
    return body + uscc.calc_check_digit(body)


# --- base data, read once per file -------------------------------------------------------------------------------
@dataclass
class BaseData:
    """What the rows are checked against, read once: the counties (by name, by "name（code）" when two share
    a name, by code), the active industries, the active service items and every regional rule."""

    regions: dict[str, Region]
    region_labels: list[str]
    industries: dict[str, Industry]
    industry_labels: list[str]
    items: list[ServiceItem]
    rules: dict[int | None, RegionalRule]
    _effective: dict[int | None, EffectiveRule] = field(default_factory=dict)

    @classmethod
    def load(cls) -> BaseData:
        counties = list(
            Region.objects.filter(level=RegionLevel.COUNTY).select_related("parent__parent").order_by("code")
        )
        names = [region.name for region in counties]
        regions: dict[str, Region] = {}
        labels = []
        for region in counties:
            label = region.name if names.count(region.name) == 1 else f"{region.name}（{region.code}）"
            labels.append(label)
            regions[label] = regions[region.code] = region
        industries = list(Industry.objects.filter(is_active=True).order_by("sort", "id"))
        by_industry = {industry.name: industry for industry in industries}
        by_industry.update({industry.code: industry for industry in industries})
        return cls(
            regions=regions,
            region_labels=labels,
            industries=by_industry,
            industry_labels=[industry.name for industry in industries],
            items=list(ServiceItem.objects.active().order_by("sort", "id")),
            rules={rule.region_id: rule for rule in RegionalRule.objects.all()},
        )

    def rule(self, region: Region) -> EffectiveRule:
        """``basedata.selectors.rule_for_region`` from the rules read once (the same resolution)."""
        if region.pk not in self._effective:
            self._effective[region.pk] = resolve(lineage(region), self.rules)
        return self._effective[region.pk]


def columns(data: BaseData) -> list[Column]:
    """The template's columns: the order, then the optional policy (保单编号, scheme, one 服务次数 column per
    active service item, the three file names)."""
    year = date.today().year + 1
    first_item = data.items[0].pk if data.items else None
    region = next((label for label in data.region_labels if "丰泽" in label), data.region_labels[:1] or [""])
    industry = "建筑施工" if "建筑施工" in data.industries else (data.industry_labels[:1] or [""])[0]
    return [
        Column("applicant_name", "投保人名称", required=True, width=30, note="投保企业全称，最多100字",
               example="泉州示例建筑工程有限公司"),
        Column("applicant_credit_code", "统一社会信用代码", required=True, width=22,
               note="18位统一社会信用代码，平台校验最后一位校验位", example=_example_code()),
        Column("contact_name", "投保联系人", required=True, note="最多30字", example="张三"),
        Column("contact_phone", "联系电话", required=True, width=14,
               note="11位手机号码；出函短信发送到此号码", example="13800000000"),
        Column("project_name", "项目名称", required=True, width=30, note="最多100字", example="示例项目一期"),
        Column("project_address", "项目地址", width=30, note="选填，最多200字", example="泉州市丰泽区东海街道"),
        Column("region", "所在区县", required=True, choices=REGIONS,
               note="从下拉列表选择（取自平台基础数据）；决定适用的地区投保规则", example=region),
        Column("industry", "行业", required=True, choices=INDUSTRIES, note="从下拉列表选择（取自平台基础数据）",
               example=industry),
        Column("headcount", "参保人数", kind=INTEGER, required=True, note="大于0的整数", example=50),
        Column("order_type", "订单类型", choices=ORDER_TYPES, note="只能导入线下订单，可不填",
               example=OrderType.OFFLINE.label),
        Column("remark", "备注", width=20, note="选填，最多500字"),
        Column("policy_no", "保单编号", width=20,
               note="选填。填写则导入后直接出函（保单信息补录）：须同时填写保险方案、保险期间和三个PDF文件名；"
               "不填则只新增订单（待出函），之后在订单管理中补录。不能与本公司已有保单编号或本文件其他行重复",
               example="PICC2026000001"),
        *(
            Column(name, f"{label}（元）", kind=AMOUNT, width=16,
                   note=f"出函时必填，单位：元，最多两位小数；须符合所在区县的地区投保规则（{label}）",
                   example=example)
            for (name, label), example in zip(
                AMOUNT_LABELS.items(), (5_000_000, 1_000_000, 800_000, 100_000, 12_000, 1_200), strict=True
            )
        ),
        Column("period_start", "保险起期", kind=DATE, width=12, note="出函时必填，格式 2026-01-01",
               example=date(year, 1, 1)),
        Column("period_end", "保险止期", kind=DATE, width=12, note="出函时必填，须晚于起期，不超过5年",
               example=date(year, 12, 31)),
        *(
            Column(f"service_{item.pk}", f"{SERVICE_PREFIX}{item.name}", kind=INTEGER, width=14,
                   note="选填，不小于0的整数；收取事故预防服务费时至少填写一项",
                   example=2 if item.pk == first_item else "")
            for item in data.items
        ),
        *(
            Column(name, label, width=26,
                   note=f"出函时必填：附件压缩包（.zip）中的{label}名（PDF，不超过10MB），可含文件夹，如 保单/{label}.pdf",
                   example=f"PICC2026000001-{label[:2]}.pdf")
            for name, label, _kind in FILES
        ),
    ]  # fmt: skip


GUIDE = (
    "线下订单批量导入 填写说明",
    "1. 第2行为示例，导入时忽略（可删除）；从第3行起每行一个订单。带 * 的列必填；所在区县、行业请从下拉列表选择。",
    "2. 只填订单信息：导入后订单为“待出函”，之后在订单管理中进行保单信息补录。",
    "3. 同时填写保单编号、保险方案、保险期间和三个PDF文件名：导入后直接出函，并短信通知投保联系人。"
    "PDF打包为一个.zip（可含文件夹）与表格一同上传，表格中写压缩包内的文件名。",
    "4. 平台先校验整个文件：全部正确才导入（一次全部导入）；有错误时不导入任何数据，并返回标注了“错误说明”的原文件，"
    "按说明修改后重新上传即可（“错误说明”列可保留）。",
)


def template() -> bytes:
    data = BaseData.load()
    return template_workbook(
        title=TITLE,
        columns=columns(data),
        lists={
            REGIONS: data.region_labels,
            INDUSTRIES: data.industry_labels,
            ORDER_TYPES: [OrderType.OFFLINE.label],
        },
        guide=GUIDE,
    )


# --- the check ----------------------------------------------------------------------------------------------------
@dataclass
class Issue:
    scheme: Scheme
    policy_no: str
    files: dict[str, Entry]


@dataclass
class Planned:
    number: int
    application: offline.OfflineApplication
    issue: Issue | None


_APPLICATION_FIELDS = {name: OfflineOrderForm.base_fields[name] for name in APPLICATION_FIELDS}
_SCHEME_FIELDS = {name: SchemeForm.base_fields[name] for name in (*AMOUNT_LABELS, *DATES)}


def _cell(form_field: forms.Field, value: Any, parse: Callable[[Any], Any] | None = None) -> Any:
    """A cell through the screen's form field: its conversions and its messages (``ValidationError``)."""
    if is_blank(value):
        return form_field.clean("")
    if parse is not None:
        try:
            value = parse(value)
        except ValueError:
            raise ValidationError(form_field.error_messages["invalid"]) from None
    else:
        value = text(value)
    return form_field.clean(value)


class OfflineOrderImporter:
    kind: str = ImportKind.OFFLINE_ORDERS
    max_rows = MAX_ROWS

    def __init__(self) -> None:
        self.data = BaseData.load()
        # The scheme forms' 服务次数 field of each item, made once (a form field per row and item cost ~1 ms).
        self._service_fields = {item.pk: service_count_field(item) for item in self.data.items}
        self._files: dict[str, str | None] = {}  # zip entry → the documents' refusal, checked once per file

    def columns(self) -> Sequence[Column]:
        return columns(self.data)

    # --- check ---------------------------------------------------------------------------------------------------
    def check(
        self, sheet: Sheet, *, batch: ImportBatch, archive: Archive | None, progress: Callable[[int], None]
    ) -> Checked:
        actor = batch.created_by
        if not actor.can_sign_in or not actor.has_perm_code(PERMISSION):
            raise Refused("导入人已没有批量导入的权限，未导入任何数据")
        # A 服务次数 column of an item renamed or retired since the template was downloaded: its counts would be
        # lost without a word.
        if stale := [header for header in sheet.unknown if header.startswith(SERVICE_PREFIX)]:
            raise Refused(f"“{'、'.join(stale)}”不是启用中的服务项目，请重新下载模板填写")
        try:
            ORDER.begin("create_offline", actor)
        except Refused:
            raise Refused("您没有新增线下订单的权限，未导入任何数据") from None
        try:
            ORDER.begin("issue_offline", actor)
            may_issue = True
        except Refused:
            may_issue = False
        if archive is not None and may_issue:
            self._check_files(sheet, archive)
        errors: RowErrors = {}
        planned: list[Planned] = []
        first_row: dict[str, int] = {}
        for done, row in enumerate(sheet.rows, start=1):
            item = self._check_row(row, errors, archive, may_issue)
            if item is not None:
                planned.append(item)
            # Every row's number counts, a row with other errors too: the clerk fixes both at once.
            number = text(row.values.get("policy_no"))
            if number:
                if number in first_row:
                    add_error(errors, row.number, "policy_no", REPEATED.format(row=first_row[number]))
                else:
                    first_row[number] = row.number
            progress(done)
        taken = services.policy_nos_taken(insurer_id=actor.organisation_id, numbers=first_row)
        for number in sorted(taken):
            add_error(errors, first_row[number], "policy_no", services.POLICY_NO_TAKEN)
        if errors:
            return Checked(errors=dict(sorted(errors.items())))
        return Checked(plan=planned)

    def _check_files(self, sheet: Sheet, archive: Archive) -> None:
        """The documents' checks of every file the rows to issue name, all at once before the rows (each
        once; in worker processes when there are many: they are most of the check's time). A name the zip
        does not hold is the row's error, said by ``_file``."""
        wanted: dict[str, tuple[Entry, frozenset[str]]] = {}
        for row in sheet.rows:
            if is_blank(row.values.get("policy_no")):
                continue
            for name, _label, kind in FILES:
                try:
                    entry = archive.find(text(row.values.get(name)))
                except LookupError:
                    continue
                wanted.setdefault(f"{kind}:{entry.name}", (entry, KIND_ACCEPT[kind]))
        refusals = archive.validate_all(list(wanted.values()))
        for key, refusal in zip(wanted, refusals, strict=True):
            self._files[key] = None if refusal is None else refusal.messages[0]

    def _check_row(
        self, row: SheetRow, errors: RowErrors, archive: Archive | None, may_issue: bool
    ) -> Planned | None:
        values = row.values
        problems: list[tuple[str | None, str]] = []
        cleaned: dict[str, Any] = {}
        for name, form_field in _APPLICATION_FIELDS.items():
            parse = read_integer if name == "headcount" else None
            try:
                cleaned[name] = _cell(form_field, values.get(name), parse)
            except ValidationError as exc:
                problems.append((name, exc.messages[0]))
        region = self._choice(values, "region", self.data.regions, "所在区县", problems)
        industry = self._choice(values, "industry", self.data.industries, "行业", problems)
        kind = text(values.get("order_type"))
        if kind and kind != OrderType.OFFLINE.label:
            problems.append(("order_type", ONLY_OFFLINE))
        issue = self._check_issue(values, region, archive, may_issue, problems)
        for column, message in problems:
            add_error(errors, row.number, column, message)
        if problems:
            return None
        application = offline.OfflineApplication(
            applicant_name=cleaned["applicant_name"],
            applicant_credit_code=cleaned["applicant_credit_code"].strip().upper(),
            contact_name=cleaned["contact_name"],
            contact_phone=cleaned["contact_phone"],
            project_name=cleaned["project_name"],
            project_address=cleaned["project_address"],
            region=region,
            industry=industry,
            headcount=cleaned["headcount"],
            remark=cleaned["remark"],
        )
        return Planned(number=row.number, application=application, issue=issue)

    def _choice(
        self,
        values: dict[str, Any],
        name: str,
        known: dict[str, Any],
        label: str,
        problems: list[tuple[str | None, str]],
    ) -> Any:
        value = text(values.get(name))
        if not value:
            problems.append((name, f"请选择{label}"))
            return None
        found = known.get(value)
        if found is None:
            problems.append((name, f"{label}“{value}”不在平台基础数据中，请从下拉列表选择"))
        return found

    def _check_issue(
        self,
        values: dict[str, Any],
        region: Region | None,
        archive: Archive | None,
        may_issue: bool,
        problems: list[tuple[str | None, str]],
    ) -> Issue | None:
        service_names = [f"service_{item.pk}" for item in self.data.items]
        others = (*AMOUNT_LABELS, *DATES, *service_names, *(name for name, _, _ in FILES))
        if is_blank(values.get("policy_no")):
            if any(not is_blank(values.get(name)) for name in others):
                problems.append(("policy_no", NO_POLICY_NO))
            return None
        if not may_issue:
            problems.append(("policy_no", NO_ISSUE_PERMISSION))
            return None
        try:
            policy_no = services.clean_policy_no(text(values.get("policy_no")))
        except Refused as exc:
            problems.append(("policy_no", exc.message))
            policy_no = ""
        scheme_values: dict[str, Any] = {}
        for name, form_field in _SCHEME_FIELDS.items():
            try:
                scheme_values[name] = _cell(form_field, values.get(name), day if name in DATES else _amount)
            except ValidationError as exc:
                problems.append((name, exc.messages[0]))
                scheme_values[name] = None
        counts: dict[int, int | None] = {}
        for item in self.data.items:
            name = f"service_{item.pk}"
            try:
                count = _cell(self._service_fields[item.pk], values.get(name), read_integer)
            except ValidationError as exc:
                problems.append((name, exc.messages[0]))
                counts[item.pk] = None
            else:
                if count:
                    counts[item.pk] = count
        # None where a cell could not be read (its error is kept): the rules skip it, as the form's do.
        scheme = Scheme(service_counts=counts, **scheme_values)  # type: ignore[arg-type]
        if region is not None:
            rule = self.data.rule(region)
            active = {item.pk for item in self.data.items}
            for name, message in scheme_errors(scheme, region=region, rule=rule, active_items=active).items():
                if not any(column == name for column, _ in problems):
                    problems.append((name if name != "service_counts" else service_names[0], message))
        files: dict[str, Entry] = {}
        for name, label, kind in FILES:
            entry = self._file(values.get(name), label, kind, archive, name, problems)
            if entry is not None:
                files[name] = entry
        return Issue(scheme=scheme, policy_no=policy_no, files=files)

    def _file(
        self,
        value: Any,
        label: str,
        kind: str,
        archive: Archive | None,
        column: str,
        problems: list[tuple[str | None, str]],
    ) -> Entry | None:
        name = text(value)
        if not name:
            problems.append((column, f"请填写{label}（附件压缩包中的文件名）"))
            return None
        if archive is None:
            problems.append((column, NO_ARCHIVE))
            return None
        try:
            entry = archive.find(name)
        except LookupError as exc:
            problems.append((column, str(exc.args[0])))
            return None
        key = f"{kind}:{entry.name}"
        if key not in self._files:  # checked with the others by ``_check_files`` unless the check missed it
            try:
                # The documents' checks (type, size, content), once per file: the write's uploads of the
                # entry carry the result to ``document_create``.
                archive.validate(entry, accept=KIND_ACCEPT[kind])
                self._files[key] = None
            except ValidationError as exc:
                self._files[key] = exc.messages[0]
        if (refusal := self._files[key]) is not None:
            problems.append((column, f"{entry.name}：{refusal}"))
            return None
        return entry

    # --- write ---------------------------------------------------------------------------------------------------
    def write(
        self, plan: list[Planned], *, batch: ImportBatch, archive: Archive | None
    ) -> list[tuple[str, int]]:
        actor = batch.created_by
        errors: RowErrors = {}
        created = issued = 0
        # Read in the write's transaction: an enterprise verified meanwhile is linked like on the screen.
        enterprises = offline.verified_enterprises(row.application.applicant_credit_code for row in plan)
        # The regional rules and service items each workflow call checks against: read once for the file.
        with read_once():
            # The orders, their events and 操作日志 entries: one insert each for the whole file.
            results = offline.orders_create_offline(
                actor=actor, applications=[row.application for row in plan], enterprises=enterprises
            )
            for row, result in zip(plan, results, strict=True):
                if isinstance(result, Refused):
                    errors[row.number] = refused_errors(result)
            if errors:
                raise RowsRefused(errors)
            issuing: list[tuple[Planned, Order]] = []
            for row, order in zip(plan, results, strict=True):
                assert isinstance(order, Order)
                if row.issue is not None and archive is not None:
                    issuing.append((row, order))
            # 出函 in chunks: the PDFs of a chunk are in memory together.
            for start in range(0, len(issuing), ISSUE_CHUNK):
                chunk = issuing[start : start + ISSUE_CHUNK]
                issues = []
                for row, order in chunk:
                    assert row.issue is not None and archive is not None
                    uploads = {name: archive.upload(entry) for name, entry in row.issue.files.items()}
                    issues.append(
                        services.OfflineIssue(
                            order=order,
                            scheme=row.issue.scheme,
                            policy_no=row.issue.policy_no,
                            policy_file=uploads.get("policy_file"),
                            invoice_file=uploads.get("invoice_file"),
                            contract_file=uploads.get("contract_file"),
                        )
                    )
                try:
                    outcome = services.policies_issue_offline(actor=actor, issues=issues)
                except Refused as exc:  # the whole chunk's (a 保单编号 taken by a concurrent 出函)
                    outcome = [exc] * len(chunk)
                for (row, _order), result in zip(chunk, outcome, strict=True):
                    if isinstance(result, Refused):
                        errors[row.number] = refused_errors(result)
                    else:
                        issued += 1
        created = len(results)
        if errors:
            raise RowsRefused(errors)
        return [("新增线下订单", created), ("其中已出函", issued)]


def _amount(value: Any) -> str:
    """An amount cell as the form field reads it (a float Excel stored, thousands separators, 元)."""
    return str(read_amount(value))


@task()
def run_offline_import(batch_id: int) -> None:
    """The worker's half of an upload: check, then import or annotate (``anze.imports.services.batch_run``)."""
    batch_run(batch_id, OfflineOrderImporter())


def enqueue(batch: ImportBatch) -> None:
    run_offline_import.enqueue(batch.pk)
