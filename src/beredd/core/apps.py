from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "beredd.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from beredd.core import append_only, checks  # noqa: F401  # registers the system checks

        connection_created.connect(append_only.install_sqlite_function, dispatch_uid="beredd_append_only")

        from django.urls import register_converter

        from beredd.core import textlimits
        from beredd.core.converters import IdConverter

        textlimits.install()
        register_converter(IdConverter, "id")
