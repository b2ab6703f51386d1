"""The enterprise's 安全服务 pages, mounted under /enterprise/services/ by ``config.urls``."""

from django.urls import path

from . import views_enterprise

app_name = "services"

urlpatterns = [
    path("records/", views_enterprise.record_list, name="records"),
    path("records/<uuid:record_uuid>/", views_enterprise.record_detail, name="record"),
    path("records/<uuid:record_uuid>/confirm/", views_enterprise.record_confirm, name="record_confirm"),
    path("records/<uuid:record_uuid>/dispute/", views_enterprise.record_dispute, name="record_dispute"),
    path("hazards/", views_enterprise.hazard_list, name="hazards"),
    path("hazards/<uuid:hazard_uuid>/rectify/", views_enterprise.hazard_rectify, name="hazard_rectify"),
    path("complaints/", views_enterprise.complaint_list, name="complaints"),
    path("complaints/<uuid:complaint_uuid>/", views_enterprise.complaint_detail, name="complaint"),
    path("policies/<str:application_no>/", views_enterprise.policy_services, name="policy"),
    path(
        "policies/<str:application_no>/files/<uuid:document_uuid>/", views_enterprise.policy_file, name="file"
    ),
    path("policies/<str:application_no>/complain/", views_enterprise.complaint_add, name="complaint_add"),
]
