"""System checks for a production start (``manage.py check``, ``check --deploy``, runserver, migrate)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def check_proxy_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG or settings.TESTING:
        return []
    messages: list[checks.CheckMessage] = []
    if not settings.PROXY_COUNT_SET:
        messages.append(
            checks.Warning(
                "ANZE_PROXY_COUNT is not set: behind a reverse proxy every visitor would share the proxy's "
                "address for lock-out and the SMS quota.",
                hint="设置 ANZE_PROXY_COUNT 为网站前反向代理的层数（如 nginx 一层为 1）；确无代理时设为 0。",
                id="anze.W010",
            )
        )
    if settings.BEHIND_PROXY_ALIAS:
        messages.append(
            checks.Warning(
                "ANZE_BEHIND_PROXY is deprecated: it means ANZE_PROXY_COUNT=1.",
                hint="改用 ANZE_PROXY_COUNT=1（它同时信任代理的 X-Forwarded-Proto 与 X-Forwarded-For）。",
                id="anze.W011",
            )
        )
    return messages


def log_start_warnings() -> None:
    """The checks above, in the log of a process that runs none (gunicorn: config/wsgi.py calls this)."""
    import logging

    logger = logging.getLogger("anze.core.checks")
    for message in check_proxy_settings():
        logger.warning("%s: %s %s", message.id, message.msg, message.hint)
