from django.urls import include, path

from beredd.api.api import api, server_error
from beredd.core import views as core_views

# The Django admin is deliberately not mounted: every change must go through services that audit it and
# through the MFA-protected login. Operators use the management commands and the UI.
urlpatterns = [
    path("", include("beredd.site.urls")),
    path("accounts/", include("allauth.urls")),
    path("konto/", include("beredd.accounts.urls")),
    path("org/", include("beredd.orgs.urls")),
    path("lagesbild/", include("beredd.reporting.urls")),
    path("register/", include("beredd.register.urls")),
    path("beredskap/", include("beredd.preparedness.urls")),
    path("samverkan/", include("beredd.collab.urls")),
    path("kris/", include("beredd.comms.urls")),
    path("ledning/", include("beredd.command.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]

handler404 = core_views.error_404
handler403 = core_views.error_403
handler500 = server_error
