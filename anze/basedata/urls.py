"""基础数据, mounted under the platform side: /platform/basedata/…"""

from django.urls import path

from . import views

app_name = "basedata"

urlpatterns = [
    path("service-items/", views.service_item_list, name="service_item_list"),
    path("service-items/add/", views.service_item_create, name="service_item_create"),
    path("service-items/<int:pk>/edit/", views.service_item_edit, name="service_item_edit"),
    path("service-items/<int:pk>/move/", views.service_item_move, name="service_item_move"),
    path("service-items/<int:pk>/active/", views.service_item_set_active, name="service_item_set_active"),
    path("industries/", views.industry_list, name="industry_list"),
    path("industries/add/", views.industry_create, name="industry_create"),
    path("industries/<int:pk>/edit/", views.industry_edit, name="industry_edit"),
    path("industries/<int:pk>/active/", views.industry_set_active, name="industry_set_active"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/add/", views.region_create, name="region_create"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/add/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
]
