"""Issue 15's "done when": an insurer's core system (核心业务系统) drives an order to 已出函 through the open API
only, while the enterprise uses the browser.

The insurer's 管理员 creates the key (系统管理 › 接口密钥) and the webhook (系统管理 › 接口推送) on the screens;
from then on this script is the core system: a local HTTP receiver hears the enterprise's 投保申请 by webhook
(signed), the script quotes it through the API, hears the 确认报价, uploads the 付款通知书, hears the 付款凭证,
downloads and approves it, and issues the policy with its PDFs. The webhooks and the SMS leave through the
outbox, sent by a real ``manage.py worker`` process on the test database. The order ends 已出函 with its SMS
sent, and the enterprise sees it. Screenshots under var/test-artifacts/<test>/.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from django.db import connection
from playwright.sync_api import Browser, Page, expect

from anze.basedata.seed import ensure_base_data
from anze.core.models import WorkerHeartbeat
from anze.core.testing import factories
from anze.core.testing.browser import sign_in
from anze.documents import testing as files
from anze.notifications.models import DeliveryStatus, SmsMessage, SmsStatus, WebhookDelivery
from anze.notifications.testing import WebhookReceiver
from anze.orders.models import Order, OrderStatus

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "var" / "test-artifacts"
POLICY_NO = "PICC2027350500088"


# --- the worker: `manage.py worker` on the test database ------------------------------------------------------
def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}?transaction_mode=IMMEDIATE&timeout=20"
    user, password = quote(db["USER"] or ""), quote(db["PASSWORD"] or "")
    return f"postgres://{user}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(live_server, settings, tmp_path: Path) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    """The site enqueues on the database queue; a worker process (as `make run` starts one) runs the tasks. Its
    SMS go to a file (the `file` backend), whose path this yields."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    sms_file = tmp_path / "sms-sent.jsonl"
    log = (tmp_path / "worker.log").open("wb")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "ANZE_TESTING": "0",
        "ANZE_DEBUG": "1",
        "ANZE_SECRET_KEY": settings.SECRET_KEY,  # the webhook secrets are sealed with it
        "ANZE_VAR_DIR": str(tmp_path / "worker-var"),
        "ANZE_SMS_BACKEND": "file",
        "ANZE_SMS_FILE_PATH": str(sms_file),
    }
    env.pop("ANZE_TASKS_BACKEND", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "worker",
            "--queue-name",
            "default",
            "--interval",
            "0.2",
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(
            lambda: WorkerHeartbeat.objects.exists() or process.poll() is not None, "the worker's first beat"
        )
        assert process.poll() is None, (tmp_path / "worker.log").read_text()
        yield sms_file
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        (ARTIFACTS / "api-core-system").mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "api-core-system" / "worker.log").write_bytes((tmp_path / "worker.log").read_bytes())


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)
    return value


# --- the people and their browsers ---------------------------------------------------------------------------------
@pytest.fixture
def world(db: None) -> dict[str, Any]:
    ensure_base_data()
    insurer = factories.picc("picc-api")
    factories.user(insurer, admin=True, username="picc_it", name="郑信息")
    enterprise = factories.hongsheng(address="泉州市丰泽区东海街道通港西街88号")
    factories.user(enterprise, admin=True, username="hongsheng_api", name="蔡明辉")
    return {"insurer": insurer, "enterprise": enterprise}


@pytest.fixture
def pages(browser: Browser, browser_context_args: dict) -> Iterator[list[Page]]:
    """The insurer's IT administrator and the enterprise, each at their own computer."""
    contexts = [browser.new_context(**browser_context_args) for _ in range(2)]
    yield [context.new_page() for context in contexts]
    for context in contexts:
        context.close()


@pytest.fixture
def shoot(request: pytest.FixtureRequest) -> Callable[[Page, str], None]:
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def uploads(tmp_path: Path) -> dict[str, Path]:
    made = {
        "营业执照.pdf": files.pdf_bytes("营业执照", ["泉州鸿盛建筑工程有限公司"]),
        "法人身份证.jpg": files.jpeg_bytes(320, 200),
        "转账回单.pdf": files.pdf_bytes("转账回单", ["金额：9,800.00元"]),
    }
    for name, data in made.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in made}


def toast(page: Page, text: str) -> None:
    expect(page.locator(".anze-toast", has_text=text)).to_be_visible()


# --- the core system ---------------------------------------------------------------------------------------------
class CoreSystem:
    """The insurer's system: API calls with its key, webhooks checked against its secret."""

    def __init__(self, base: str, token: str, secret: str, receiver: WebhookReceiver) -> None:
        self.base, self.secret, self.receiver = f"{base}/api/v1", secret, receiver
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def hears(self, event: str) -> dict[str, Any]:
        """The next webhook, its signature verified: it must be ``event``."""
        request = self.receiver.next(timeout=30)
        headers, body = request["headers"], request["body"]
        expected = hmac.new(
            self.secret.encode(), headers["X-Anze-Timestamp"].encode() + b"." + body, hashlib.sha256
        )
        assert hmac.compare_digest(headers["X-Anze-Signature"], f"sha256={expected.hexdigest()}")
        assert abs(time.time() - int(headers["X-Anze-Timestamp"])) < 300
        assert request["json"]["event"] == event, request["json"]
        return request["json"]["data"]

    def get(self, path: str) -> Any:
        answer = self.session.get(self.base + path, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer

    def post(self, path: str, *, expect_status: int = 200, **kwargs: Any) -> dict[str, Any]:
        answer = self.session.post(self.base + path, timeout=30, **kwargs)
        assert answer.status_code == expect_status, answer.text
        return answer.json()


def pdf(name: str) -> tuple[str, bytes, str]:
    return (name, files.pdf_bytes(name, [f"保单号：{POLICY_NO}"]), "application/pdf")


def test_the_core_system_takes_an_order_to_已出函_through_the_api_while_the_enterprise_uses_the_browser(
    pages, live_server, world, worker, uploads, shoot
):
    it, enterprise = pages
    receiver = WebhookReceiver().start()
    core: CoreSystem | None = None
    try:
        # --- the insurer's 管理员 connects the core system: 接口密钥 and 接口推送 -------------------------------
        sign_in(it, f"{live_server.url}/insurer/login/picc-api/", "picc_it")
        it.goto(f"{live_server.url}/insurer/system/api-keys/")
        it.get_by_role("link", name="新增密钥").click()
        expect(it.locator("#anze-modal.show .modal-title")).to_have_text("新增接口密钥")
        it.fill("#anze-modal-content input[name=name]", "核心业务系统")
        for code in (
            "order.view",
            "order.quote",
            "order.payment_notice",
            "order.payment_review",
            "order.issue",
            "policy.view",
        ):
            it.locator(f"#anze-modal-content input[name=scopes][value='{code}']").check()
        shoot(it, "01-new-key")
        it.locator("#anze-modal-content button[type=submit]").click()
        token = it.locator("#api-key-token").input_value()
        assert token.startswith("anze_")
        shoot(it, "02-key-shown-once")
        it.get_by_role("button", name="我已保存").click()
        expect(it.locator("#api-key-table")).to_contain_text("核心业务系统")

        it.goto(f"{live_server.url}/insurer/system/webhooks/")
        it.get_by_role("link", name="新增推送地址").click()
        it.fill("#anze-modal-content input[name=name]", "核心业务系统")
        it.fill("#anze-modal-content input[name=url]", receiver.url)
        for event in (
            "order.submitted",
            "order.quote_confirmed",
            "order.quote_rejected",
            "order.payment_voucher_uploaded",
        ):
            it.locator(f"#anze-modal-content input[name=events][value='{event}']").check()
        it.locator("#anze-modal-content button[type=submit]").click()
        secret = it.locator("#webhook-secret-value").input_value()
        assert secret.startswith("whsec_")
        shoot(it, "03-webhook-secret")
        it.get_by_role("button", name="我已保存").click()
        expect(it.locator("#webhook-table")).to_contain_text(receiver.url)
        core = CoreSystem(live_server.url, token, secret, receiver)

        # --- the enterprise applies in its browser ----------------------------------------------------------------
        sign_in(enterprise, f"{live_server.url}/enterprise/login/", "hongsheng_api")
        enterprise.locator("#menu a", has_text="投保申请").click()
        enterprise.select_option("select[name=insurer]", label=world["insurer"].name)
        enterprise.fill("input[name=project_name]", "丰泽区东海街道安置房四期工程")
        enterprise.fill("input[name=headcount]", "180")
        enterprise.get_by_label("安全生产宣传教育培训").check()
        enterprise.set_input_files("input[name=business_licence]", uploads["营业执照.pdf"])
        enterprise.set_input_files("input[name=legal_id]", uploads["法人身份证.jpg"])
        enterprise.get_by_role("button", name="提交申请").click()
        toast(enterprise, "投保申请已提交")
        expect(enterprise.locator("#order-status")).to_have_text("待报价")

        # --- the core system hears of it and quotes ----------------------------------------------------------------
        submitted = core.hears("order.submitted")
        number = submitted["application_no"]
        assert (
            submitted["project_name"] == "丰泽区东海街道安置房四期工程"
            and submitted["status"] == "awaiting_quote"
        )
        order = core.get(f"/orders/{number}").json()
        assert order["actions"] == ["quote"] and order["headcount"] == 180
        items = {row["code"] for row in core.get("/basedata").json()["service_items"]}
        assert "training" in items
        quoted = core.post(
            f"/orders/{number}/quote",
            json={
                "aggregate_limit": "5000000",
                "per_accident_limit": "1000000",
                "per_person_injury_limit": "500000",
                "per_person_medical_limit": "50000",
                "premium": "9800",
                "prevention_fee": "1960",
                "period_start": "2027-01-01",
                "period_end": "2027-12-31",
                "service_counts": {"training": 2, "hazard_inspection": 4},
            },
            headers={"Idempotency-Key": f"quote-{number}"},
        )
        assert quoted["status"] == "awaiting_confirmation"

        # --- the enterprise confirms the quote in its browser --------------------------------------------------------
        enterprise.reload()
        expect(enterprise.locator("#quote")).to_contain_text("9,800.00 元")
        enterprise.locator('.detail-head a[data-action="confirm_quote"]').click()
        expect(enterprise.locator("#anze-modal-content")).to_contain_text("安全生产宣传教育培训 2次")
        shoot(enterprise, "04-enterprise-confirms")
        enterprise.locator("#anze-modal-content button[type=submit].btn-primary").click()
        toast(enterprise, "已确认报价")

        # --- the core system hears the confirmation and uploads the payment notice ------------------------------------
        confirmed = core.hears("order.quote_confirmed")
        assert confirmed["application_no"] == number and confirmed["actor"] == "蔡明辉"
        noticed = core.post(f"/orders/{number}/payment-notice", files={"file": pdf("付款通知书.pdf")})
        assert noticed["status"] == "awaiting_payment"

        # --- the enterprise pays and uploads its voucher -------------------------------------------------------------
        enterprise.reload()
        expect(enterprise.locator("#order-status")).to_have_text("待支付")
        enterprise.locator('.detail-head a[data-action="payment_voucher"]').click()
        enterprise.set_input_files("#anze-modal-content input[name=file]", uploads["转账回单.pdf"])
        enterprise.locator("#anze-modal-content button[type=submit].btn-primary").click()
        toast(enterprise, "付款凭证已上传")

        # --- the core system hears of the voucher, reviews it and issues the policy ---------------------------------------
        assert core.hears("order.payment_voucher_uploaded")["status"] == "awaiting_payment_review"
        detail = core.get(f"/orders/{number}").json()
        voucher = next(f for f in detail["files"] if f["kind"] == "payment_voucher")
        assert core.session.get(live_server.url + voucher["download"], timeout=30).content == (
            uploads["转账回单.pdf"].read_bytes()
        )
        review = {"json": {"decision": "approve"}, "headers": {"Idempotency-Key": f"review-{number}"}}
        approved = core.post(f"/orders/{number}/payment-review", **review)
        assert core.post(f"/orders/{number}/payment-review", **review) == approved  # a retry: the same answer
        assert approved["status"] == "awaiting_issue"
        issued = core.post(
            f"/orders/{number}/issue",
            data={"policy_no": POLICY_NO},
            files={"policy_file": pdf("电子保单.pdf"), "invoice_file": pdf("电子发票.pdf")},
        )
        assert issued["status"] == "issued" and issued["policy_no"] == POLICY_NO
        policy = core.get(f"/policies/{number}").json()
        assert policy["policy_no"] == POLICY_NO and {f["kind"] for f in policy["files"]} >= {
            "policy",
            "invoice",
        }

        # --- 已出函, with the SMS sent by the worker -----------------------------------------------------------------------
        order_row = Order.objects.get(application_no=number)
        assert order_row.status == OrderStatus.ISSUED
        sms = wait_for(
            lambda: SmsMessage.objects.filter(
                phone=order_row.contact_phone, text__contains=POLICY_NO, status=SmsStatus.SENT
            ).first(),
            "the 出函 SMS",
        )
        sent = [json.loads(line) for line in worker.read_text(encoding="utf-8").splitlines()]
        assert str(sms.uuid) in {line["reference"] for line in sent}
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
        enterprise.reload()
        expect(enterprise.locator("#order-status")).to_have_text("已出函")
        expect(enterprise.locator("#section-policy")).to_contain_text(POLICY_NO)
        shoot(enterprise, "05-enterprise-issued")

        # --- what the 管理员 sees: the timeline names the key, the log of deliveries, the docs ----------------------------
        it.goto(f"{live_server.url}/insurer/orders/{number}/")
        expect(it.locator("body")).to_contain_text("郑信息（接口：核心业务系统）")
        shoot(it, "06-timeline-by-key")
        it.goto(f"{live_server.url}/insurer/system/webhooks/")
        expect(it.locator("#delivery-table")).to_contain_text("付款凭证上传")
        expect(it.locator("#delivery-table .tag-success").first).to_have_text("已送达")
        shoot(it, "07-deliveries")
        it.goto(f"{live_server.url}/api/v1/docs")
        expect(it.locator("#swagger-ui")).to_contain_text("报价")
        shoot(it, "08-api-docs")
    finally:
        receiver.stop()
        if core is not None:
            core.session.close()  # its kept-alive connections hold the live server's threads (and their database)
