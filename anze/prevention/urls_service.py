"""The service organisation's screens, mounted under /service/ by ``config.urls``."""

from django.urls import include, path

from . import views_complaints, views_inspections, views_orders, views_staff

order_patterns = [
    path("", views_orders.order_list, name="list"),
    path("records/<uuid:record_uuid>/", views_orders.record_detail, name="record"),
    path("records/<uuid:record_uuid>/edit/", views_orders.record_edit, name="record_edit"),
    path("records/<uuid:record_uuid>/correct/", views_orders.record_correct, name="record_correct"),
    path("records/<uuid:record_uuid>/attach/", views_orders.record_attach, name="record_attach"),
    path("<str:application_no>/", views_orders.order_detail, name="detail"),
    path("<str:application_no>/accept/", views_orders.order_accept, name="accept"),
    path("<str:application_no>/decline/", views_orders.order_decline, name="decline"),
    path("<str:application_no>/files/<uuid:document_uuid>/", views_orders.order_file, name="file"),
    path("<str:application_no>/plan/add/", views_orders.plan_add, name="plan_add"),
    path("<str:application_no>/plan/<int:pk>/edit/", views_orders.plan_edit, name="plan_edit"),
    path("<str:application_no>/plan/<int:pk>/remove/", views_orders.plan_remove, name="plan_remove"),
    path("<str:application_no>/records/add/", views_orders.record_add, name="record_add"),
]

inspection_patterns = [
    path("", views_inspections.inspection_list, name="list"),
    path("add/", views_inspections.inspection_add, name="add"),
    path("<uuid:inspection_uuid>/", views_inspections.inspection_detail, name="detail"),
    path("<uuid:inspection_uuid>/attach/", views_inspections.inspection_attach, name="attach"),
    path("<uuid:inspection_uuid>/hazards/add/", views_inspections.hazard_add, name="hazard_add"),
    path("hazards/<uuid:hazard_uuid>/rectify/", views_inspections.hazard_rectify, name="hazard_rectify"),
    path("hazards/<uuid:hazard_uuid>/verify/", views_inspections.hazard_verify, name="hazard_verify"),
]

video_patterns = [
    path("", views_inspections.video_list, name="list"),
    path("upload/", views_inspections.video_upload, name="upload"),
    path("<uuid:document_uuid>/", views_inspections.video_play, name="play"),
    path("<uuid:document_uuid>/stream/", views_inspections.video_stream, name="stream"),
]

staff_patterns = [
    path("", views_staff.staff_list, name="list"),
    path("add/", views_staff.staff_add, name="add"),
    path("<int:pk>/edit/", views_staff.staff_edit, name="edit"),
    path("<int:pk>/active/", views_staff.staff_set_active, name="set_active"),
]

complaint_patterns = [
    path("", views_complaints.complaint_list, name="list"),
    path("<uuid:complaint_uuid>/", views_complaints.complaint_detail, name="detail"),
    path("<uuid:complaint_uuid>/answer/", views_complaints.complaint_answer, name="answer"),
    path("<uuid:complaint_uuid>/extend/", views_complaints.complaint_extend, name="extend"),
]

urlpatterns = [
    path("orders/", include((order_patterns, "service_orders"))),
    # 服务记录 has its own menu entry: its list lives outside /orders/ so that only one entry lights up.
    path("records/", include(([path("", views_orders.record_list, name="list")], "service_records"))),
    path("inspections/", include((inspection_patterns, "inspections"))),
    path("videos/", include((video_patterns, "videos"))),
    path("staff/", include((staff_patterns, "staff"))),
    path("complaints/", include((complaint_patterns, "complaints"))),
]
