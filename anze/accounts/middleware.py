from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Refresh the session's expiry at most this often: a write a minute, not one per request.
_TOUCH_EVERY = 60


class IdleTimeoutMiddleware:
    """Sessions expire after ``SESSION_IDLE_SECONDS`` without a request (30 minutes by default)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is None:
                request.session["last_seen"] = now
            elif now - last > settings.SESSION_IDLE_SECONDS:
                # Expired between two requests but the stored session outlived it (clock, cached session).
                from django.contrib.auth import logout

                logout(request)
            elif now - last >= _TOUCH_EVERY:
                request.session["last_seen"] = now  # modifies → saved → expiry pushed forward
        return self.get_response(request)
