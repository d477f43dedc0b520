import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beredd.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402  # after setup

if settings.PRODUCTION:
    # gunicorn runs no system checks: refuse here to serve with unsafe keys, hosts or database role.
    from beredd.core.checks import refuse_to_start

    refuse_to_start()
