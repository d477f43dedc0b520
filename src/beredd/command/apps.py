from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "beredd.command"
    label = "command"
    verbose_name = _("Crisis command")
