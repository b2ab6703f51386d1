"""What the accounts app announces to the apps above it (which it must not import).

``sign_in_attempted`` is sent once per sign-in attempt on any side — a password sign-in, a failed one, a
lock-out, the enterprise's sign-in at registration — with ``request`` and the keyword arguments
``username``, ``side``, ``success``, ``user`` (the account, when known), ``message`` (the 登录日志's 说明)
and ``page_organisation`` (the insurer whose own login page was used). The 登录日志 and the 操作日志 record it
(``anze.audit``, connected in its ``AppConfig.ready``).
"""

from __future__ import annotations

from django.dispatch import Signal

sign_in_attempted = Signal()
