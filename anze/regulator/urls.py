from django.urls import path

from . import views, views_fees, views_register

app_name = "supervision"

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/<str:application_no>/", views.order_detail, name="order_detail"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/export/", views.policy_export, name="policy_export"),
    path("cover/", views.cover_list, name="cover_list"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export/", views.statistics_export, name="statistics_export"),
    # 高危行业企业名录 and its import
    path("register/", views_register.register_list, name="register_list"),
    path("register/<int:pk>/remove/", views_register.register_remove, name="register_remove"),
    path("register/import/", views_register.register_import, name="register_import"),
    path("register/import/template/", views_register.register_template, name="register_template"),
    path(
        "register/import/<uuid:uuid>/", views_register.register_import_detail, name="register_import_detail"
    ),
    path(
        "register/import/<uuid:uuid>/errors/",
        views_register.register_import_errors,
        name="register_import_errors",
    ),
    path("fees/lagging/", views_fees.lagging_list, name="fee_lagging"),
    path("fees/lagging/export/", views_fees.lagging_export, name="fee_lagging_export"),
]
