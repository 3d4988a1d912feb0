from django.apps import AppConfig


class PlaygroundConfig(AppConfig):
    name = "course.sandbox.playground"
    label = "playground"
    verbose_name = "Models defined in notebook cells"
    default_auto_field = "django.db.models.BigAutoField"
