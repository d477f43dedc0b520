"""The demo's message bank: power cut and heat wave, seven languages each, approved, idempotent."""

from types import SimpleNamespace
from typing import Any

from beredd.comms import demo
from beredd.comms.models import BankMessage, BankVersion


def test_the_demo_seeds_approved_power_cut_and_heat_wave_messages_in_seven_languages(world: Any) -> None:
    ctx = SimpleNamespace(kommuner=[world.sandviken, world.gavle], users={"mas": world.mas, "coordinator": world.coord})
    demo.load(ctx)
    demo.load(ctx)
    items = BankMessage.objects.filter(organisation=world.gavle)
    assert {i.scenario for i in items} == {"power_cut", "heat_wave"} and items.count() == 2
    for item in items:
        approved = item.versions.filter(status=BankVersion.Status.APPROVED)
        assert {v.language for v in approved} == {"sv", "sv-easy", "en", "ar", "so", "fi", "ti"}
        assert all(v.is_demo_translation == (v.language not in {"sv", "sv-easy"}) for v in approved)
