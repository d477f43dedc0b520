"""``User.access_stamp`` and the database triggers that change it (see ``accounts/access_stamp.py``)."""

from django.db import migrations, models

import beredd.accounts.models
from beredd.accounts.access_stamp import install, uninstall


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_auth_login_throttle"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("orgs", "0002_collab_region_kind"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="access_stamp",
            field=models.CharField(default=beredd.accounts.models.new_access_stamp, editable=False, max_length=32),
        ),
        migrations.RunPython(install, uninstall),
    ]
