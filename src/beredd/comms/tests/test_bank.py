"""The message bank: versions per language, two-person approval, only approved versions sent, placeholders."""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from beredd.comms.models import BankVersion, Message
from beredd.comms.services import Recipient, bank
from beredd.core.exceptions import PermissionDeniedError, ValidationFailed
from beredd.core.models import AuditEvent

FILL = {"tid": "kl. 18.00", "plats": "Söder", "telefon": "026-17 80 00"}


def test_a_version_goes_draft_reviewed_approved_by_two_people_and_an_edit_makes_a_new_version(world: Any) -> None:
    item = bank.bank_create(actor=world.mas, organisation=world.gavle, title="Värme", scenario="heat_wave", audience="home_care")
    v1 = bank.version_create(actor=world.mas, bank_message=item, language="sv", subject="Värmebölja", body="Drick vatten.")
    with pytest.raises(ValidationFailed):
        bank.version_approve(actor=world.mas, version=v1)  # not reviewed yet
    with pytest.raises(PermissionDeniedError):
        bank.version_review(actor=world.mas, version=v1)  # the MAS is not communications
    bank.version_review(actor=world.coord, version=v1)
    with pytest.raises(PermissionDeniedError):
        bank.version_approve(actor=world.coord, version=v1)  # communications is not the MAS
    bank.version_approve(actor=world.mas, version=v1)
    v2 = bank.version_create(actor=world.mas, bank_message=item, language="sv", subject="Värmebölja", body="Drick vatten ofta.")
    assert v2.number == 2 and v2.status == "draft"
    bank.version_review(actor=world.coord, version=v2)
    bank.version_approve(actor=world.mas, version=v2)
    v1.refresh_from_db()
    assert v1.status == BankVersion.Status.SUPERSEDED and item.versions.count() == 2
    assert AuditEvent.objects.filter(action__startswith="comms.version_").count() == 6


def test_the_author_cannot_review_and_the_reviewer_cannot_approve(world: Any, make_user: Any) -> None:
    item = bank.bank_create(actor=world.coord, organisation=world.gavle, title="IT", scenario="it_outage", audience="staff")
    v = bank.version_create(
        actor=world.coord, bank_message=item, language="sv", subject="It-störning", body="Använd reservrutinen."
    )
    with pytest.raises(ValidationFailed) as err:
        bank.version_review(actor=world.coord, version=v)
    assert "author" in str(err.value.message) or "författaren" in str(err.value.message)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("<b>Fet</b> text", ("HTML",)),
        ("Ring {nummer}", ("{nummer}",)),
        ("Ring {telefon", ("curly", "klammer")),
        ("", ("required", "obligatoriskt")),
    ],
)
def test_bad_text_is_refused_with_a_clear_message_and_nothing_saved(world: Any, body: str, words: tuple[str, ...]) -> None:
    item = bank.bank_create(actor=world.mas, organisation=world.gavle, title="X", scenario="pandemic", audience="staff")
    with pytest.raises(ValidationFailed) as err:
        bank.version_create(actor=world.mas, bank_message=item, language="sv", subject="Rubrik", body=body)
    assert err.value.details[0]["field"] == "body" and any(w in str(err.value.message) for w in words)
    assert not item.versions.exists()


def test_only_approved_versions_are_sent_each_recipient_in_their_language(world: Any, prepared: Any) -> None:
    world.provider.preferred_language = "en"
    world.provider.save()
    draft = bank.version_create(actor=world.mas, bank_message=prepared, language="fi", subject="Sähkökatko", body="Teksti.")
    message = bank.bank_send(
        actor=world.coord,
        bank_message=prepared,
        recipients=[Recipient(address=world.provider.email), Recipient(address=world.reporter.email)],
        fill=FILL,
    )
    by = {m.to[0]: m for m in mail.outbox}
    assert by[world.provider.email].subject == "Power cut in Söder" and "026-17 80 00" in by[world.provider.email].body
    assert by[world.reporter.email].subject == "Strömavbrott i Söder"
    assert message.version.language == "sv" and message.kind == Message.Kind.CRISIS and "fi" not in message.texts
    assert draft.status == "draft"


def test_a_send_without_an_approved_version_or_with_an_empty_placeholder_is_refused_and_nothing_sent(
    world: Any, prepared: Any
) -> None:
    with pytest.raises(ValidationFailed) as err:
        bank.bank_send(
            actor=world.coord,
            bank_message=prepared,
            recipients=[Recipient(address=world.mas.email)],
            fill={**FILL, "telefon": " "},
        )
    assert err.value.details[0]["field"] == "fill_telefon"
    empty = bank.bank_create(actor=world.mas, organisation=world.gavle, title="Tom", scenario="evacuation", audience="public")
    bank.version_create(actor=world.mas, bank_message=empty, language="sv", subject="Utrymning", body="Text")
    with pytest.raises(ValidationFailed) as err:
        bank.bank_send(actor=world.coord, bank_message=empty, recipients=[Recipient(address=world.mas.email)], fill=FILL)
    assert err.value.details[0]["field"] == "version"
    assert not Message.objects.exists() and not mail.outbox


def test_who_may_draft_send_and_read_the_bank(world: Any, prepared: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        bank.bank_create(actor=world.reporter, organisation=world.gavle, title="Y", scenario="pandemic", audience="staff")
    with pytest.raises(PermissionDeniedError):
        bank.bank_send(actor=world.outsider, bank_message=prepared, recipients=[Recipient(address=world.mas.email)], fill=FILL)


def test_the_bank_pages_show_versions_and_refuse_outsiders(world: Any, prepared: Any, client: Client) -> None:
    client.force_login(world.coord)
    listing = client.get(reverse("comms:bank"), {"q": "Ström"})
    assert listing.status_code == 200 and listing.context["page"].paginator.count == 1
    detail = client.get(reverse("comms:bank-detail", args=[prepared.pk]))
    assert detail.status_code == 200 and 'lang="ar" dir="rtl"' in detail.content.decode()
    sv = prepared.versions.get(language="sv")
    pdf = client.get(reverse("comms:version-pdf", args=[sv.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    audio = client.get(reverse("comms:version-audio", args=[sv.pk]))
    assert audio.content.decode().startswith("Strömavbrott i {plats}.")
    bad = client.post(reverse("comms:version-create", args=[prepared.pk]), {"language": "fi", "subject": "S", "body": "<script>"})
    assert bad.status_code == 400 and not prepared.versions.filter(language="fi").exists()
    outsider = Client()
    outsider.force_login(world.outsider)
    for url in (
        reverse("comms:bank-detail", args=[prepared.pk]),
        reverse("comms:version-pdf", args=[sv.pk]),
        reverse("comms:send", args=[prepared.pk]),
    ):
        assert outsider.get(url).status_code == 404
    assert (
        outsider.post(
            reverse("comms:version-create", args=[prepared.pk]), {"language": "fi", "subject": "S", "body": "T"}
        ).status_code
        == 404
    )
    assert outsider.get(reverse("comms:bank")).context["page"].paginator.count == 0
    reporter = Client()
    reporter.force_login(world.reporter)
    assert reporter.post(reverse("comms:version-review", args=[sv.pk])).status_code == 404
