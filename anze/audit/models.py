"""登录日志. (操作日志 is django-auditlog's LogEntry; domain timelines live with their entities.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class LoginLog(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="机构",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
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
