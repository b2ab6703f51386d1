"""高危行业企业名录: the bureau's import (template, the whole file checked, annotated when refused, updated by
统一社会信用代码 when imported again) and 应保尽保 listing every registered enterprise with its cover — those that
never signed up on the platform too."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from openpyxl import load_workbook

from anze.accounts.demo import credit_code
from anze.basedata.models import Industry, Region
from anze.basedata.seed import ensure_base_data
from anze.core.sides import Side
from anze.core.testing import factories
from anze.documents import testing as files
from anze.imports.models import ImportBatch, ImportStatus
from anze.imports.testing import by_header, filled
from anze.orders.models import OrderStatus
from anze.policies import scenarios as policy_scenarios
from anze.policies.models import Policy, PolicyStatus
from anze.regulator import register
from anze.regulator.models import RegisteredEnterprise

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT = "/regulator/register/import/"

# 统一社会信用代码 of the enterprises the bureau knows of.
MINE = credit_code("91350583MA2Y7K4R1")  # 南安 quarry: insured offline, never signed up
NEVER = credit_code("91350583MA2Y7K4R2")  # 南安 fireworks: never insured, never signed up
LAPSED = credit_code("91350582MA2Y7K4R3")  # 晋江 transport: its policy ended
FENGZE_ORG = credit_code("91350503MA2Y7K4R4")  # 丰泽 builder: on the platform, insured


@pytest.fixture
def world(db):
    ensure_base_data()
    city = factories.organisation(
        Side.REGULATOR, name="泉州市应急管理局", region=Region.objects.get(code="350500")
    )
    county = factories.organisation(
        Side.REGULATOR, name="晋江市应急管理局", region=Region.objects.get(code="350582")
    )
    insurer = factories.organisation(Side.INSURER, name="人保测试")
    clerk = factories.user(insurer, admin=True)
    builder = factories.organisation(
        Side.ENTERPRISE,
        name="丰泽平台建筑公司",
        credit_code=FENGZE_ORG,
        region=Region.objects.get(code="350503"),
        industry=Industry.objects.get(code="construction"),
    )
    builder_user = factories.user(builder, admin=True)
    policy_scenarios.online_order(insurer_user=clerk, enterprise_user=builder_user, until=OrderStatus.ISSUED)
    policy_scenarios.offline_order(
        insurer_user=clerk, issued=True, applicant_name="南安石材矿业公司", applicant_credit_code=MINE
    )
    lapsed = policy_scenarios.offline_order(
        insurer_user=clerk, issued=True, applicant_name="晋江运输公司", applicant_credit_code=LAPSED
    )
    today = timezone.localdate()
    Policy.objects.filter(order=lapsed).update(
        period_start=today - timedelta(days=400), period_end=today - timedelta(days=35)
    )
    return {
        "city": factories.user(city, admin=True),
        "county": factories.user(county, admin=True),
        "viewer": factories.user(city, roles=[factories.role(city, ["regulator.view"])]),
        "clerk": clerk,
        "builder": builder,
    }


def row(name, code, industry="矿山", region="南安市", **more):
    return {"企业名称": name, "统一社会信用代码": code, "行业": industry, "所在区县": region, **more}


REGISTER = [
    row("南安石材矿业公司", MINE, 地址="南安市水头镇", 联系人="王石", 联系电话="0595-86881234"),
    row("南安烟花爆竹厂", NEVER, industry="烟花爆竹", 联系电话="13905951234"),
    row("晋江运输公司", LAPSED, industry="交通运输", region="晋江市"),
    row("丰泽平台建筑公司", FENGZE_ORG, industry="建筑施工", region="丰泽区"),
]


def upload(client, user, rows):
    data = filled(register.template(user), rows)
    client.post(IMPORT, {"workbook": files.upload("名录.xlsx", data, XLSX)})
    return ImportBatch.objects.latest("id")


def test_the_template_offers_the_compulsory_sectors_and_the_regulators_counties(world, client_for):
    response = client_for(world["county"]).get(f"{IMPORT}template/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [cell.value for cell in workbook.worksheets[0][1]] == [
        "企业名称*", "统一社会信用代码*", "行业*", "所在区县*", "地址", "联系人", "联系电话",
    ]  # fmt: skip
    options = {c[0].value: [x.value for x in c[1:] if x.value] for c in workbook["下拉选项"].columns}
    assert options["行业"] == [
        "矿山",
        "危险化学品",
        "烟花爆竹",
        "交通运输",
        "建筑施工",
        "民用爆炸物品",
        "金属冶炼",
        "渔业生产",
    ]
    assert options["区县"] == ["晋江市"]  # a county's bureau registers its county


def test_it_imports_the_register_and_updates_it_by_code_when_imported_again(world, client_for):
    client = client_for(world["city"])
    batch = upload(client, world["city"], REGISTER)
    assert batch.status == ImportStatus.DONE, batch.message
    assert batch.summary == {"lines": [["新增企业", 4], ["更新企业", 0], ["未变化", 0]]}
    mine = RegisteredEnterprise.objects.get(credit_code=MINE)
    assert (mine.name, mine.industry.code, mine.region.code, mine.contact_phone) == (
        "南安石材矿业公司", "mining", "350583", "0595-86881234",
    )  # fmt: skip

    again = [
        row("南安石材矿业有限公司", MINE, 地址="南安市水头镇", 联系人="王石", 联系电话="0595-86881234"),
        REGISTER[1],
        REGISTER[2],
        row("石狮金属冶炼厂", credit_code("91350581MA2Y7K4R5"), industry="金属冶炼", region="石狮市"),
    ]
    batch = upload(client, world["city"], again)
    assert batch.summary == {"lines": [["新增企业", 1], ["更新企业", 1], ["未变化", 2]]}
    assert RegisteredEnterprise.objects.count() == 5  # the 丰泽 builder stays: entries are removed by hand
    assert RegisteredEnterprise.objects.get(credit_code=MINE).name == "南安石材矿业有限公司"
    with pytest.raises(IntegrityError), transaction.atomic():
        RegisteredEnterprise.objects.create(
            regulator=mine.regulator,
            credit_code=MINE,
            name="重复",
            industry=mine.industry,
            region=mine.region,
        )


def test_a_file_with_bad_rows_is_annotated_and_nothing_is_registered(world, client_for):
    client = client_for(world["county"])
    rows = [
        row("晋江运输公司", LAPSED, industry="交通运输", region="晋江市"),
        row("丰泽的企业", NEVER, region="丰泽区"),  # outside 晋江市
        row("晋江鞋厂", credit_code("91350582MA2Y7K4R6"), industry="制鞋", region="晋江市"),
        row("校验位错误", "91350582MA2Y7K4R30", region="晋江市"),
        row("再一次晋江运输", LAPSED, industry="交通运输", region="晋江市"),
        row("", credit_code("91350582MA2Y7K4R7"), region="海淀区", 联系电话="12345"),
    ]
    batch = upload(client, world["county"], rows)
    assert batch.status == ImportStatus.REFUSED and batch.error_rows == 5
    assert not RegisteredEnterprise.objects.exists()
    report = client.get(f"{IMPORT}{batch.uuid}/errors/")
    errors = {n: r["错误说明"] for n, r in by_header(b"".join(report.streaming_content)).items()}
    assert errors[3] is None
    assert errors[4] == "所在区县：“丰泽区”不在本部门的管辖范围内，请导入本辖区的企业"
    assert errors[5] == "行业：“制鞋”不是应保尽保的高危行业，请从下拉列表选择"
    assert errors[6] == "统一社会信用代码：统一社会信用代码校验位不正确，请核对"
    assert errors[7] == "统一社会信用代码：与第3行的统一社会信用代码重复"
    assert errors[8] == (
        "企业名称：请输入企业名称；联系电话：请输入正确的手机号码或固定电话（如 0595-22345678）；"
        "所在区县：所在区县“海淀区”不在平台基础数据中，请从下拉列表选择"
    )


def _cover(client, query=""):
    html = client.get(f"/regulator/cover/?size=50{query}").content.decode()
    rows = {}
    for part in html.split('<tr data-credit-code="')[1:]:
        code, rest = part.split('"', 1)
        status = rest.split('<span class="tag tag-', 3)
        rows[code] = (rest[: rest.index("</tr>")], status)
    return rows


def test_cover_lists_every_registered_enterprise_with_its_cover(world, client_for):
    """Hand-checked: the quarry is insured (an offline policy of its code), the fireworks plant never was, the
    晋江 carrier's policy ended 35 days ago, the builder signed up and is insured — listed once, as registered."""
    client = client_for(world["city"])
    before = _cover(client)
    assert set(before) == {FENGZE_ORG}  # the platform's compulsory enterprises only
    upload(client, world["city"], REGISTER)
    after = _cover(client)
    assert set(after) == {MINE, NEVER, LAPSED, FENGZE_ORG}
    expected = {MINE: "已投保", NEVER: "未投保", LAPSED: "已脱保", FENGZE_ORG: "已投保"}
    for code, label in expected.items():
        assert f">{label}</span>" in after[code][0], code
    assert "未注册" in after[MINE][0] and "未注册" in after[NEVER][0] and "未注册" not in after[FENGZE_ORG][0]
    assert all("名录" in after[code][0] for code in expected)
    assert list(after) == [NEVER, LAPSED, FENGZE_ORG, MINE]  # the least covered first, then by code
    assert set(_cover(client, "&cover=never")) == {NEVER}
    assert set(_cover(client, "&cover=lapsed")) == {LAPSED}
    assert set(_cover(client, f"&region={Region.objects.get(code='350583').pk}")) == {MINE, NEVER}
    assert set(_cover(client, "&q=运输")) == {LAPSED}
    # A reversed (冲正) policy never covered anyone.
    Policy.objects.filter(order__applicant_credit_code=MINE).update(status=PolicyStatus.REVERSED)
    assert ">未投保</span>" in _cover(client)[MINE][0]


def test_a_register_is_its_regulators_own(world, client_for):
    city = client_for(world["city"])
    batch = upload(city, world["city"], REGISTER)
    county = client_for(world["county"])
    assert LAPSED not in _cover(county)  # the city's register is not the county's
    assert "晋江运输公司" not in county.get("/regulator/register/").content.decode()
    assert county.get(f"{IMPORT}{batch.uuid}/").status_code == 404
    assert county.get(f"{IMPORT}{batch.uuid}/errors/").status_code == 404
    entry = RegisteredEnterprise.objects.get(credit_code=LAPSED)
    assert county.post(f"/regulator/register/{entry.pk}/remove/").status_code == 404
    assert "晋江运输公司" in city.get("/regulator/register/").content.decode()


def test_an_entry_is_removed_from_the_register_by_hand(world, client_for):
    client = client_for(world["city"])
    upload(client, world["city"], REGISTER)
    entry = RegisteredEnterprise.objects.get(credit_code=NEVER)
    assert (
        "是否确认将“南安烟花爆竹厂”" in client.get(f"/regulator/register/{entry.pk}/remove/").content.decode()
    )
    response = client.post(f"/regulator/register/{entry.pk}/remove/", follow=True)
    assert "已将南安烟花爆竹厂移出名录" in response.content.decode()
    assert not RegisteredEnterprise.objects.filter(pk=entry.pk).exists()
    assert NEVER not in _cover(client)


@pytest.mark.parametrize(
    "url", [IMPORT, f"{IMPORT}template/", "/regulator/register/1/remove/"]
)  # fmt: skip
def test_importing_needs_its_own_permission(world, client_for, url):
    assert client_for(world["viewer"]).get(url).status_code == 403
    assert client_for(world["clerk"]).get(url).status_code == 403
    assert client_for(world["viewer"]).get("/regulator/register/").status_code == 200
    assert "导入名录" not in client_for(world["viewer"]).get("/regulator/register/").content.decode()


def test_cover_reads_a_constant_number_of_queries_with_the_register(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world["city"])
    upload(client, world["city"], REGISTER)
    with django_assert_max_num_queries(14) as few:
        client.get("/regulator/cover/?size=50")
    mining, nanan = Industry.objects.get(code="mining"), Region.objects.get(code="350583")
    regulator = world["city"].organisation
    RegisteredEnterprise.objects.bulk_create(
        RegisteredEnterprise(
            regulator=regulator, credit_code=credit_code(f"91350583MA3Y{n:05d}"), name=f"矿{n}",
            industry=mining, region=nanan,
        )
        for n in range(30)
    )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/regulator/cover/?size=50")
