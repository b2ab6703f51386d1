from django.apps import AppConfig


class BasedataConfig(AppConfig):
    name = "anze.basedata"
    verbose_name = "基础数据"
