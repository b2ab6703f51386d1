"""投诉管理 and 批准服务费超支 on the insurer side, mounted under /insurer/ by ``config.urls``."""

from django.urls import include, path

from . import views_fees
from .urls_service import complaint_patterns

fee_patterns = [
    path("<str:application_no>/overrun/", views_fees.overrun_grant, name="overrun"),
]

urlpatterns = [
    path("complaints/", include((complaint_patterns, "complaints"))),
    path("fees/", include((fee_patterns, "fees"))),
]
