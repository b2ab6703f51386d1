"""我的理赔 on the enterprise portal, mounted under /enterprise/claims/ by ``config.urls``."""

from django.urls import path

from . import views_enterprise as views
from .urls_insurer import ReportNoConverter  # noqa: F401 - registers the report_no converter

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("export/", views.claim_export, name="export"),
    path("report/", views.claim_report, name="report"),
    path("<report_no:report_no>/", views.claim_detail, name="detail"),
    path("<report_no:report_no>/files/<uuid:document_uuid>/", views.claim_file, name="file"),
]
