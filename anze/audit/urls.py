"""操作日志 and 登录日志 of 系统管理, in the ``system`` namespace beside 账号管理 and 角色管理 (config/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("logs/operations/", views.operation_log, name="operation_log"),
    path("logs/operations/export/", views.operation_log_export, name="operation_log_export"),
    path("logs/logins/", views.login_log, name="login_log"),
]
