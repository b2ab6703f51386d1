from django.urls import path

from . import views, views_fees

app_name = "supervision"

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/<str:application_no>/", views.order_detail, name="order_detail"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/export/", views.policy_export, name="policy_export"),
    path("cover/", views.cover_list, name="cover_list"),
    path("statistics/", views.statistics, name="statistics"),
    path("fees/lagging/", views_fees.lagging_list, name="fee_lagging"),
    path("fees/lagging/export/", views_fees.lagging_export, name="fee_lagging_export"),
]
