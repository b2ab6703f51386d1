import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from anze.core.checks import log_start_warnings  # noqa: E402 - needs the apps loaded above
from anze.core.runtime import freeze_startup_objects  # noqa: E402

log_start_warnings()  # gunicorn runs no system checks: the proxy warning goes to the log

freeze_startup_objects()
