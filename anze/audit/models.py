"""登录日志, and the common shape of the domain timelines (操作日志 is django-auditlog's LogEntry: model changes
recorded by auditlog, and every timeline step written into it by ``TimelineEvent.record``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from django.conf import settings
from django.db import models, transaction
from django.db.models import Model
from django.utils import timezone


class LoginLog(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    side = models.CharField("登录入口", max_length=20, blank=True)
    username = models.CharField("登录账号", max_length=150)
    success = models.BooleanField("结果")
    message = models.CharField("说明", max_length=100, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "登录日志"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-created_at", "-id"], name="loginlog_org_time_idx")]

    def __str__(self) -> str:
        return f"{self.username} {'成功' if self.success else '失败'}"


class TimelineEvent(models.Model):
    """One step of an entity's timeline (时间线): who did what, when, from which state to which, and why.
    Concrete timelines (orders.OrderEvent, policies.ServiceEvent) add the entity they belong to."""

    action = models.CharField("操作", max_length=40)
    action_label = models.CharField("操作名称", max_length=40)
    from_status = models.CharField("原状态", max_length=30, blank=True)
    to_status = models.CharField("新状态", max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Snapshots: the timeline reads the same after the account is renamed or deleted.
    actor_name = models.CharField("操作人姓名", max_length=30, blank=True)
    actor_organisation = models.CharField("操作人机构", max_length=100, blank=True)
    reason = models.CharField("原因", max_length=500, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    # What the keys of ``changes`` mean, for the 操作日志 (a concrete timeline adds its own).
    CHANGE_LABELS: dict[str, str] = {}

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    # --- what the 操作日志 shows of the step (overridden by the concrete timelines) ------------------------------
    def log_object(self) -> tuple[Model, str]:
        """The object the step acted on, and how the log names it ("订单 2026…")."""
        raise NotImplementedError

    def status_label(self, status: str) -> str:
        field = self._meta.get_field("to_status")
        return str(dict(field.flatchoices).get(status, status)) if field.choices else status  # type: ignore[union-attr]

    def change_lines(self) -> list[tuple[str, str, str]]:
        """``changes`` as (label, before, after) — values as displayed; internal keys (file ids) left out."""
        lines: list[tuple[str, str, str]] = []
        for key, value in (self.changes or {}).items():
            if key not in self.CHANGE_LABELS and not _is_label(key):
                continue
            label = self.CHANGE_LABELS.get(key, key)
            if isinstance(value, list | tuple) and len(value) == 2:
                lines.append((label, str(value[0] or ""), str(value[1] or "")))
            else:
                lines.append((label, "", str(value)))
        return lines

    @classmethod
    def record(
        cls,
        actor: Any,
        *,
        action: str,
        label: str,
        from_status: str,
        to_status: str,
        reason: str = "",
        changes: dict[str, Any] | None = None,
        **entity: Any,
    ) -> Self:
        """Write one step, with the actor's name and organisation as they are now — and its 操作日志 entry, in
        the same transaction (every workflow action of every timeline passes here)."""
        from .oplog import actor_label, log_business_action

        with transaction.atomic():
            event = cls.objects.create(
                action=action,
                action_label=label,
                from_status=from_status,
                to_status=to_status,
                actor=actor,
                actor_name=actor_label(actor),
                actor_organisation=actor.organisation.name,
                reason=reason,
                changes=changes or {},
                **entity,
            )
            log_business_action(event)
        return event

    @classmethod
    def record_many(cls, actor: Any, steps: Sequence[dict[str, Any]]) -> list[Self]:
        """``record`` of many steps by one actor (the Excel import's rows): one insert of the events, one of
        their 操作日志 entries. Each step is the keyword arguments ``record`` takes after ``actor``."""
        from .oplog import actor_label, log_business_actions

        name, organisation = actor_label(actor), actor.organisation.name
        with transaction.atomic():
            events = cls.objects.bulk_create(
                cls(
                    action=step["action"],
                    action_label=step["label"],
                    from_status=step["from_status"],
                    to_status=step["to_status"],
                    actor=actor,
                    actor_name=name,
                    actor_organisation=organisation,
                    reason=step.get("reason", ""),
                    changes=step.get("changes") or {},
                    **{key: value for key, value in step.items() if key not in _STEP_KEYS},
                )
                for step in steps
            )
            log_business_actions(events)
        return events


_STEP_KEYS = frozenset({"action", "label", "from_status", "to_status", "reason", "changes"})


def _is_label(key: str) -> bool:
    """A key already written as its Chinese label (the service records' edits: {"服务人员": [before, after]})."""
    return any("\u4e00" <= char <= "\u9fff" for char in key)
