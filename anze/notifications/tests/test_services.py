"""notify(): the outbox row and the 站内消息 are written in the caller's transaction, once per key, and the
SMS goes out only after the commit."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django_tasks_db.models import DBTaskResult

from anze.accounts.models import Organisation
from anze.core.errors import Refused
from anze.core.testing import factories
from anze.notifications import services
from anze.notifications.models import Notification, SmsMessage, SmsStatus

from .conftest import ISSUED, PHONE

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def test_it_rolls_the_outbox_back_with_the_callers_transaction(
    sms, notify_issued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom), transaction.atomic():
        notify_issued()
        assert SmsMessage.objects.count() == 1  # written inside the transaction…
        raise Boom  # …which then fails after the notify
    assert not SmsMessage.objects.exists()
    assert not Notification.objects.exists()
    assert sms.sent == []


def test_it_sends_nothing_before_the_commit_and_once_after_it(
    sms, notify_issued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_issued()
        assert sms.sent == []
        assert SmsMessage.objects.get().status == SmsStatus.PENDING
    assert [(s.phone, s.text) for s in sms.sent] == [(PHONE, ISSUED)]
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.provider == "recording" and message.provider_message_id == "rec-1"
    assert sms.sent[0].reference == str(message.uuid)


def test_it_writes_one_message_and_one_notification_per_key(
    sms, notify_issued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_issued()
        notify_issued(text="重复调用")  # the same transition notified twice
        notify_issued(key="order-event:2:enterprise")  # another transition
    assert SmsMessage.objects.count() == 2
    assert Notification.objects.count() == 2
    assert len(sms.sent) == 2
    assert "重复调用" not in {s.text for s in sms.sent}


def test_it_keeps_the_callers_transaction_usable_after_a_duplicate_key(
    sms, notify_issued, insurer_org, django_capture_on_commit_callbacks
):
    # The duplicate insert fails inside a savepoint: the caller can go on writing (PostgreSQL would refuse
    # every further statement of a transaction whose statement failed outside one).
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_issued()
        notify_issued()
        Organisation.objects.filter(pk=insurer_org.pk).update(short_name="出函后")
    insurer_org.refresh_from_db()
    assert insurer_org.short_name == "出函后"
    assert len(sms.sent) == 1


def test_it_writes_the_notification_with_title_body_and_link(notify_issued, enterprise_org, sms):
    notify_issued(title="保单已出函" + "很长的项目名称" * 30)
    notification = Notification.objects.get()
    assert notification.organisation == enterprise_org and notification.user is None
    assert notification.title.startswith("保单已出函") and len(notification.title) == 100
    assert notification.body == ISSUED
    assert notification.link == "/enterprise/"
    assert notification.permission == ""  # the home page: every account of the enterprise


@pytest.mark.parametrize(
    ("link", "permission"),
    [
        ("/insurer/policies/202612020001234567/", "policy.view"),
        ("/insurer/orders/202612020001234567/", "order.view"),
        ("/service/orders/202612020001234567/", "service.order.view"),
        ("/enterprise/orders/202612020001234567/", "portal.order.view"),
        ("/enterprise/", ""),
        ("/enterprise/no-such-page/", ""),
        ("", ""),
    ],
)
def test_it_gives_the_message_the_permission_of_its_links_page(notify_issued, sms, link, permission):
    """A message reaches the users who may open its subject: a 保单 message needs 保单管理."""
    notify_issued(link=link)
    assert Notification.objects.get().permission == permission


def test_it_takes_an_explicit_permission_and_refuses_an_unknown_one(notify_issued, sms):
    notify_issued(key="a", link="/enterprise/", permission="portal.policy.view")
    assert Notification.objects.get().permission == "portal.policy.view"
    with pytest.raises(ValueError):
        notify_issued(key="b", permission="policy.veiw")


def test_it_writes_only_the_sms_without_a_recipient_and_only_the_notification_without_a_phone(
    notify_issued, sms
):
    notify_issued(key="a", recipient=None)
    notify_issued(key="b", phone=None)
    assert SmsMessage.objects.get().dedupe_key == "a"
    assert Notification.objects.get().dedupe_key == "b"


def test_it_logs_a_bad_number_as_failed_instead_of_failing_the_transition(
    notify_issued, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify_issued(phone="0595-2288")
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.FAILED
    assert message.last_error == services.INVALID_PHONE
    assert sms.sent == []
    assert Notification.objects.count() == 1


def test_it_drops_a_copied_signature_from_the_text(notify_issued, sms):
    notify_issued(text="【安责险平台】" + ISSUED)
    assert SmsMessage.objects.get().text == ISSUED


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/", "orders/1/", "/\\evil.example"])
def test_it_refuses_a_link_off_the_site(notify_issued, link):
    with pytest.raises(ValueError):
        notify_issued(link=link)


def test_it_refuses_an_empty_key(notify_issued):
    with pytest.raises(ValueError):
        notify_issued(key="")


def test_it_enqueues_the_task_inside_the_transaction_with_the_database_backend(settings, notify_issued):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with pytest.raises(Boom), transaction.atomic():
        notify_issued()
        assert DBTaskResult.objects.count() == 1
        raise Boom
    assert not DBTaskResult.objects.exists()  # the task rolled back with the message
    notify_issued()
    task = DBTaskResult.objects.get()
    assert task.task_path == "anze.notifications.tasks.send_sms"
    assert task.args_kwargs["args"] == [SmsMessage.objects.get().pk]


def test_many_notices_enqueue_their_tasks_in_one_insert_as_one_notice_does(
    settings, notify_issued, insurer_org, enterprise_org, django_assert_num_queries
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    notify_issued()  # one, through notify: the task row the backend's own enqueue writes
    single = DBTaskResult.objects.get()
    notices = [
        services.Notice(
            key=f"order-event:{n}:enterprise",
            owner=insurer_org,
            recipient=enterprise_org,
            phone=PHONE if n != 4 else None,  # no phone: no SMS, no task
            title="保单已出函",
            text=ISSUED,
            link="/enterprise/",
        )
        for n in range(2, 7)
    ]
    # Savepoint, the SMS rows, the 站内消息, the task rows, release: the same count for 5 as for 500.
    with django_assert_num_queries(5), transaction.atomic(savepoint=False):
        services.notify_many(notices)
    tasks = DBTaskResult.objects.exclude(pk=single.pk).order_by("enqueued_at", "args_kwargs")
    messages = SmsMessage.objects.filter(dedupe_key__in=[notice.key for notice in notices if notice.phone])
    assert sorted(task.args_kwargs["args"][0] for task in tasks) == sorted(message.pk for message in messages)
    fields = ("task_path", "queue_name", "priority", "backend_name", "status", "run_after")
    for task in tasks:
        assert [getattr(task, name) for name in fields] == [getattr(single, name) for name in fields]
        assert task.args_kwargs["kwargs"] == {} and task.pk != single.pk
    with pytest.raises(Boom), transaction.atomic():
        services.notify_many([services.Notice(**{**vars(notices[0]), "key": "order-event:9:enterprise"})])
        raise Boom
    assert DBTaskResult.objects.count() == 1 + 4  # rolled back with the caller's transaction


def test_it_enqueues_a_verification_code_with_its_template(sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.sms_enqueue(
            PHONE,
            "您的验证码为{code}，5分钟内有效。",
            template_code="SMS_CODE",
            params={"code": "{code}"},
            secret="246810",
        )
    assert message.organisation is None
    assert sms.sent[0].template_code == "SMS_CODE" and sms.sent[0].params == {"code": "246810"}
    message.refresh_from_db()
    assert message.params == {"code": "******"} and "246810" not in message.text


@pytest.mark.django_db(transaction=True)
def test_it_sends_after_a_real_commit_and_never_for_a_rollback(sms, notify_issued):
    with pytest.raises(Boom), transaction.atomic():
        notify_issued(key="rolled-back")
        raise Boom
    with transaction.atomic():
        notify_issued()
        assert sms.sent == []
    assert len(sms.sent) == 1
    assert SmsMessage.objects.get().status == SmsStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_it_must_be_called_inside_the_transitions_transaction(insurer_org):
    with pytest.raises(TransactionManagementError):
        services.notify(key="k", owner=insurer_org, recipient=None, phone=PHONE, title="t", text="t", link="")
    assert not SmsMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_writes_one_message_when_two_transactions_notify_the_same_key_at_once(sms, notify_issued):
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def transition() -> None:
        try:
            start.wait()
            notify_issued()
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=transition) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert SmsMessage.objects.count() == 1 and Notification.objects.count() == 1
    assert len(sms.sent) == 1


@pytest.mark.parametrize(
    ("status", "phone", "refusal"),
    [
        (SmsStatus.SENT, PHONE, "该短信已发送成功，不能重发"),
        (SmsStatus.SENDING, PHONE, "该短信正在发送中，请稍后刷新查看结果"),
        (SmsStatus.FAILED, "0595-2288", "手机号码格式不正确，无法重发"),
    ],
)
def test_it_refuses_to_resend_what_cannot_be_resent(insurer_org, status, phone, refusal):
    actor = factories.user(insurer_org, admin=True)
    message = SmsMessage.objects.create(phone=phone, text="x", status=status, attempts=1)
    with pytest.raises(Refused, match=refusal):
        services.sms_resend(message=message, actor=actor)
    message.refresh_from_db()
    assert message.status == status and message.attempts == 1
