"""The initial device catalogue (DOMAIN.md and QUESTION-SETS.md section 4.1). A national admin extends it."""

from typing import Any

from django.db import migrations

DEVICES = [
    ("home_ventilator", "Hemrespirator", True),
    ("oxygen_concentrator", "Syrgaskoncentrator", True),
    ("suction", "Sug/hostmaskin", True),
    ("feeding_pump", "Närings-/infusionspump", True),
    ("home_dialysis", "Hemdialys", True),
    ("pressure_mattress", "Tryckavlastande madrass", False),
    ("electric_bed", "Elektrisk säng", False),
    ("safety_alarm", "Trygghetslarm", False),
]


def up(apps: Any, schema_editor: Any) -> None:
    Device = apps.get_model("register", "Device")
    for code, name, life in DEVICES:
        Device.objects.get_or_create(code=code, defaults={"name": name, "life_sustaining": life})


def down(apps: Any, schema_editor: Any) -> None:
    # Reversible: removes only the seeded codes (fails, correctly, if persons still reference them).
    apps.get_model("register", "Device").objects.filter(code__in=[c for c, _n, _l in DEVICES]).delete()


class Migration(migrations.Migration):
    dependencies = [("register", "0002_accesslog_append_only_trigger")]
    operations = [migrations.RunPython(up, down)]
