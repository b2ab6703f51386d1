"""Synthetic orders for measuring the insurer's list at scale (``manage.py bench_orders``, query-count tests).

These rows bypass the workflow, on purpose and only here: a million orders through the workflow would be a
million sets of PDF files, events and SMS rows — hours of work and gigabytes — while the list reads nothing
but the order row. Each row is what the workflow would have left in that state (quoted amounts from 待确认报价
on, a policy number once 已出函), but without files, timeline or policy record: never load them into a
database people work in. Demo data and every behavioural test go through ``scenarios`` instead.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice
from zoneinfo import ZoneInfo

from django.db import connections, transaction
from django.utils import timezone
from stdnum.cn import uscc

from anze.accounts.models import Organisation
from anze.basedata.models import Industry, Region, RegionLevel

from . import counts
from .models import Order, OrderStatus, OrderType

S = OrderStatus
MARK = "性能测试数据"  # Order.remark of every synthetic order: how the bench finds (and counts) its own rows
# The newest synthetic order was submitted at this moment; each older one 30 seconds before the next, so that
# every application number (yyyyMMddHHmmss + 4 digits) is unique without asking the database.
ANCHOR = datetime(2025, 12, 31, 23, 59, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
STEP = timedelta(seconds=30)

# Share of each state among the insurer's orders (a mature book: most orders issued).
STATUS_WEIGHTS: tuple[tuple[str, int], ...] = (
    (S.AWAITING_QUOTE, 10),
    (S.AWAITING_CONFIRMATION, 5),
    (S.AWAITING_PAYMENT_NOTICE, 5),
    (S.AWAITING_PAYMENT, 5),
    (S.AWAITING_PAYMENT_REVIEW, 5),
    (S.AWAITING_ISSUE, 10),
    (S.ISSUED, 55),
    (S.CANCELLED, 5),
)
QUOTED = {
    S.AWAITING_CONFIRMATION,
    S.AWAITING_PAYMENT_NOTICE,
    S.AWAITING_PAYMENT,
    S.AWAITING_PAYMENT_REVIEW,
    S.AWAITING_ISSUE,
    S.ISSUED,
}
OFFLINE_STATES = (S.AWAITING_ISSUE, S.ISSUED, S.CANCELLED)

# Words of Quanzhou company and project names: ~40 × 60 × 16 distinct enterprises.
TOWNS = (
    "丰泽", "鲤城", "洛江", "泉港", "惠安", "安溪", "永春", "德化", "石狮", "晋江", "南安", "陈埭", "安海",
    "磁灶", "内坑", "东石", "金井", "深沪", "龙湖", "英林", "水头", "官桥", "诗山", "码头", "崇武", "净峰",
    "张坂", "东岭", "涂寨", "辋川", "蓬壶", "湖头", "龙门", "蓬华", "宝盖", "蚶江", "祥芝", "永宁", "灵秀",
    "万安",
)  # fmt: skip
WORDS = (
    "鸿盛", "华泰", "联合", "金磊", "海丰", "恒安", "闽南", "泉兴", "福联", "宏达", "嘉华", "新兴", "盛达",
    "永和", "安达", "利源", "正大", "天成", "顺发", "锦绣", "瑞丰", "裕丰", "荣盛", "兴业", "协和", "宏图",
    "信诚", "华侨", "海峡", "东南", "建兴", "鑫源", "富兴", "隆盛", "祥和", "永兴", "昌盛", "振兴", "万利",
    "中联", "泰和", "恒通", "鼎盛", "汇丰", "德润", "光大", "中南", "创新", "广源", "长城", "明辉", "海天",
    "星光", "同心", "宏远", "和平", "金峰", "银河", "翔鹭", "佳美",
)  # fmt: skip
KINDS = (
    ("建筑工程", "construction"), ("石材", "stone"), ("鞋业", "footwear"), ("纺织", "textile"),
    ("化工", "hazardous_chemicals"), ("物流运输", "transport"), ("陶瓷", "ceramics"), ("机械", "machinery"),
    ("食品", "food"), ("渔业", "fishery"), ("矿业", "mining"), ("服装", "textile"), ("冶金", "metallurgy"),
    ("烟花", "fireworks"), ("商贸", "trade"), ("建材", "ceramics"),
)  # fmt: skip
PROJECTS = (
    "生产基地",
    "厂区",
    "一期工程",
    "二期工程",
    "仓储中心",
    "车队",
    "加工车间",
    "项目部",
    "矿区",
    "码头",
)
PEOPLE = ("陈", "林", "黄", "张", "吴", "王", "李", "蔡", "许", "郑", "洪", "庄", "苏", "杨", "刘")
GIVEN = ("建华", "志强", "雅琴", "丽娟", "明辉", "婷婷", "振华", "志伟", "海生", "文斌", "雪梅", "国栋")


def _credit_code(n: int, county: str) -> str:
    body = f"91{county}MA{n % 10**7:07d}"
    return body + uscc.calc_check_digit(body)


def existing(insurers: Sequence[Organisation] | None = None) -> int:
    qs = Order.objects.filter(remark=MARK)
    if insurers is not None:
        qs = qs.filter(insurer__in=insurers)
    return qs.count()


def generate(insurers: Sequence[Organisation], first: int, count: int, rng: random.Random) -> Iterator[Order]:
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).values_list("pk", "code"))
    industries = dict(Industry.objects.values_list("code", "pk"))
    statuses = [status for status, _ in STATUS_WEIGHTS]
    weights = [weight for _, weight in STATUS_WEIGHTS]
    for index in range(first, first + count):
        submitted = ANCHOR - STEP * index
        status = rng.choices(statuses, weights)[0]
        offline = status in OFFLINE_STATES and rng.random() < 0.3
        town, word = rng.choice(TOWNS), rng.choice(WORDS)
        kind, industry_code = rng.choice(KINDS)
        county_pk, county_code = rng.choice(counties)
        company = f"泉州{town}{word}{kind}有限公司"
        project = f"{town}{word}{rng.choice(PROJECTS)}" if rng.random() < 0.6 else company
        fields: dict[str, object] = {}
        if status in QUOTED:
            headcount = rng.randint(20, 800)
            premium = Decimal(headcount * rng.choice((80, 100, 120)))
            fields.update(
                aggregate_limit=Decimal(rng.choice((3_000_000, 5_000_000, 10_000_000))),
                per_accident_limit=Decimal(1_000_000),
                per_person_injury_limit=Decimal(rng.choice((400_000, 500_000, 800_000))),
                per_person_medical_limit=Decimal(50_000),
                premium=premium,
                prevention_fee=(premium * Decimal("0.2")).quantize(Decimal("0.01")),
                period_start=submitted.date() + timedelta(days=7),
                period_end=submitted.date() + timedelta(days=371),
                quoted_at=submitted + timedelta(hours=2),
            )
        if status == S.ISSUED:
            fields.update(policy_no=f"BENCH{index:010d}", issued_at=submitted + timedelta(days=3))
        yield Order(
            application_no=f"{submitted:%Y%m%d%H%M%S}{index % 10000:04d}",
            order_type=OrderType.OFFLINE if offline else OrderType.ONLINE,
            status=status,
            insurer=insurers[index % len(insurers)],
            applicant_name=company,
            applicant_credit_code=_credit_code(index, county_code),
            contact_name=rng.choice(PEOPLE) + rng.choice(GIVEN),
            contact_phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            project_name=project,
            project_address=f"泉州市{town}镇{word}路{rng.randint(1, 300)}号",
            region_id=county_pk,
            industry_id=industries.get(industry_code),
            headcount=rng.randint(20, 800),
            remark=MARK,
            last_reason="客户要求取消" if status == S.CANCELLED else "",
            created_at=submitted,
            submitted_at=submitted,
            updated_at=submitted,
            **fields,
        )


def top_up(
    insurers: Sequence[Organisation],
    total: int,
    *,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
    recount: bool = False,
) -> int:
    """Make ``total`` synthetic orders exist (spread over ``insurers``); returns how many were created.

    ``recount``: the counts are counted afresh at the end instead of by the triggers on every row
    (``counts.paused``): for the bench's database, which nobody else writes."""
    first = existing()
    missing = max(0, total - first)
    rng = random.Random(first)  # reproducible: the same sizes give the same data
    rows = generate(insurers, first, missing, rng)
    created = 0
    with counts.paused(connections[Order.objects.db]) if recount and missing else nullcontext():
        while created < missing:
            batch = list(islice(rows, batch_size))
            with transaction.atomic():
                Order.objects.bulk_create(batch, batch_size=1000)
            created += len(batch)
            if progress is not None:
                progress(created, missing)
    return created


def move(pk: int, status: str) -> int:
    """Put an order in ``status`` with a bare UPDATE, as a write outside the workflow would (``bench_writes``,
    the tests of the counts): with a policy number when 已出函, which the constraints ask."""
    fields = {"status": status, "updated_at": timezone.now()}
    if status == S.ISSUED:
        fields["policy_no"] = f"MOVED{pk:010d}"
    return Order.objects.filter(pk=pk).update(**fields)
