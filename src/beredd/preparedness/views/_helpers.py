"""Small helpers shared by the preparedness views (the form runner lives in core.forms)."""

from beredd.core.forms import form_run as run

__all__ = ["run"]
