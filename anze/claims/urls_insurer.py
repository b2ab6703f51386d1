"""理赔管理 on the insurer side, mounted under /insurer/claims/ by ``config.urls``."""

from django.urls import path, register_converter

from . import views_insurer as views
from .converters import ReportNoConverter

register_converter(ReportNoConverter, "report_no")

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("export/", views.claim_export, name="export"),
    path("report/", views.claim_report, name="report"),
    path("<report_no:report_no>/", views.claim_detail, name="detail"),
    path("<report_no:report_no>/files/<uuid:document_uuid>/", views.claim_file, name="file"),
    path("<report_no:report_no>/accept/", views.claim_accept, name="accept"),
    path("<report_no:report_no>/register/", views.claim_register, name="register"),
    path("<report_no:report_no>/survey/", views.claim_survey, name="survey"),
    path("<report_no:report_no>/adjust/", views.claim_adjust, name="adjust"),
    path("<report_no:report_no>/settle/", views.claim_settle, name="settle"),
    path("<report_no:report_no>/decline/", views.claim_decline, name="decline"),
    path("<report_no:report_no>/cancel/", views.claim_cancel, name="cancel"),
]
