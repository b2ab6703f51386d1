"""理赔查询 (/regulator/claims/) and 理赔统计 (/regulator/claim-statistics/: apart, so that the menu marks one
entry as the current page), mounted on the regulator side by ``config.urls``."""

from django.urls import path

from . import views_regulator as views
from .urls_insurer import ReportNoConverter  # noqa: F401 - registers the report_no converter

app_name = "claims"

urlpatterns = [
    path("claims/", views.claim_list, name="list"),
    path("claims/export/", views.claim_export, name="export"),
    path("claims/<report_no:report_no>/", views.claim_detail, name="detail"),
    path("claims/<report_no:report_no>/files/<uuid:document_uuid>/", views.claim_file, name="file"),
    path("claim-statistics/", views.claim_statistics, name="statistics"),
    path("claim-statistics/export/", views.claim_statistics_export, name="statistics_export"),
]
