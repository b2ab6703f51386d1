"""理赔查询 and 理赔统计 on the regulator side, mounted under /regulator/claims/ by ``config.urls``."""

from django.urls import path

from . import views_regulator as views
from .urls_insurer import ReportNoConverter  # noqa: F401 - registers the report_no converter

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("export/", views.claim_export, name="export"),
    path("statistics/", views.claim_statistics, name="statistics"),
    path("<report_no:report_no>/", views.claim_detail, name="detail"),
]
