from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "anze.notifications"
    verbose_name = "消息"
