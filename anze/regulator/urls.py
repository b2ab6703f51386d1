from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/<str:application_no>/", views.order_detail, name="order_detail"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/export/", views.policy_export, name="policy_export"),
    path("cover/", views.cover_list, name="cover_list"),
    path("statistics/", views.statistics, name="statistics"),
]
