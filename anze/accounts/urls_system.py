"""系统管理, mounted under every side: /insurer/system/users/, /service/system/roles/, …"""

from django.urls import path

from anze.audit import views as audit_views

from . import views_system as views

app_name = "system"

urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/export/", views.user_export, name="user_export"),
    path("users/add/", views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/delete/", views.user_delete, name="user_delete"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/add/", views.role_create, name="role_create"),
    path("roles/<int:pk>/edit/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("logs/operations/", audit_views.operation_log, name="operation_log"),
    path("logs/operations/export/", audit_views.operation_log_export, name="operation_log_export"),
    path("logs/logins/", audit_views.login_log, name="login_log"),
]
