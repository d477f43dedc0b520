from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "beredd.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.urls import register_converter

        from beredd.core import textlimits
        from beredd.core.converters import IdConverter

        textlimits.install()
        register_converter(IdConverter, "id")
