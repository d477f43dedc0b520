"""Collaboration story (issue 13) in a real browser, as far as built.

The county analyst schedules a forum meeting, records a decision and an action and sends the invitations; the
owner kommun sees the action on its dashboard and closes it. The county publishes a planning direction; two
kommuner answer and the county sees 2 of 10. Hudiksvall raises a shortcoming; the county lifts it to national;
national answers and Hudiksvall sees the answer. axe-core runs on every new page: zero violations.
(Agreements, measures and the library: test_collab_knowledge_story.py.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core import mail

from beredd.collab.models import Action, Direction, Shortcoming
from beredd.collab.services import meetings as meeting_services
from beredd.collab.services import shortcomings as shortcoming_services
from beredd.orgs.models import Organisation
from beredd.orgs.services import load_reference
from beredd.reporting.models import Submission
from beredd.reporting.services.submissions import submission_submit

PASSWORD = "Ett-riktigt-langt-losen-2026"
TOTP = "JBSWY3DPEHPK3PXP"  # make_user's authenticator secret
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def _logout(page: Any, live_url: str) -> None:
    page.context.clear_cookies()


def test_meeting_direction_and_shortcoming_story(
    browser_page: Any, live_url: str, assert_accessible: Any, login: Any, make_user: Any
) -> None:
    load_reference()
    page = browser_page
    lan = Organisation.objects.get(kind="lan", code="21")
    nation = Organisation.objects.get(kind="nation")
    gavle = Organisation.objects.get(kind="kommun", code="2180")
    sandviken = Organisation.objects.get(kind="kommun", code="2181")
    hudiksvall = Organisation.objects.get(kind="kommun", code="2184")
    region = Organisation.objects.get(kind="region", code="21")
    analyst = make_user(lan, "coordinator", email="analytiker@test.se", password=PASSWORD)
    gavle_user = make_user(gavle, "coordinator", email="gavle@test.se", password=PASSWORD)
    sandviken_user = make_user(sandviken, "coordinator", email="sandviken@test.se", password=PASSWORD)
    hudik_user = make_user(hudiksvall, "coordinator", email="hudik@test.se", password=PASSWORD)
    national = make_user(nation, "national_admin", email="nationell@test.se", password=PASSWORD)
    forum = meeting_services.forum_create(actor=analyst, owner=lan, values={"name": "Länsforum kommunal vård och omsorg"})
    for org in Organisation.objects.filter(parent=lan, kind="kommun"):
        meeting_services.member_add(actor=analyst, forum=forum, values={"kind": "organisation", "organisation": org})
    meeting_services.member_add(actor=analyst, forum=forum, values={"kind": "organisation", "organisation": region})

    # The county schedules the meeting, records a decision and an action, and invites.
    login(page, analyst.email, PASSWORD, TOTP)
    page.goto(f"{live_url}/samverkan/forum/{forum.pk}/")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("text=Planera ett möte")
    page.fill("#id_title", "Kvartalsmöte februari")
    page.fill("#id_starts_at", "2026-02-10T09:00")
    page.fill("#id_ends_at", "2026-02-10T08:00")
    with page.expect_navigation():
        page.click("button:has-text('Spara möte')")
    assert page.locator("[role=alert]").is_visible()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"  # the error summary has focus
    assert "Mötet måste sluta efter att det börjar." in page.content()
    assert_accessible(page)
    page.fill("#id_ends_at", "2026-02-10T12:00")
    with page.expect_navigation():
        page.click("button:has-text('Spara möte')")
    page.wait_for_url("**/samverkan/mote/*/")
    page.fill("#id_dec-text", "Länet tar fram en gemensam syrgasrutin")
    with page.expect_navigation():
        page.click("button:has-text('Lägg till beslut')")
    page.fill("#id_act-title", "Inventera syrgaskoncentratorer")
    page.select_option("#id_act-owner_org", label="Gävle")
    page.fill("#id_act-owner_name", "Maria MAS")
    page.fill("#id_act-due_date", "2026-03-15")
    with page.expect_navigation():
        page.click("button:has-text('Lägg till åtgärd')")
    with page.expect_navigation():
        page.click("button:has-text('Skicka inbjudningar')")
    assert "Inbjudningarna skickas" in page.content()
    assert "gemensam syrgasrutin" in page.content() and "Inventera syrgaskoncentratorer" in page.content()
    assert_accessible(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "collab-meeting-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(SHOTS / "collab-meeting-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    assert any(m.attachments for m in mail.outbox)

    # The owner kommun sees the action on its dashboard and closes it.
    _logout(page, live_url)
    login(page, gavle_user.email, PASSWORD, TOTP)
    page.goto(f"{live_url}/")
    with page.expect_navigation():
        page.click("text=Inventera syrgaskoncentratorer")
    assert_accessible(page)
    page.select_option("#id_status", "done")
    with page.expect_navigation():
        page.click("button:has-text('Spara status')")
    assert Action.objects.get().status == "done"
    page.goto(f"{live_url}/")
    assert "Inventera syrgaskoncentratorer" not in page.content()

    # The county publishes a planning direction; two kommuner answer; completeness shows 2 of 10.
    _logout(page, live_url)
    login(page, analyst.email, PASSWORD, TOTP)
    page.goto(f"{live_url}/samverkan/org/{lan.pk}/inriktning/ny/")
    assert_accessible(page)
    page.fill("#id_title", "Planera för 30 dagar utan leveranser")
    page.fill("#id_text", "Socialstyrelsens inriktning: planera för 30 dagar utan leveranser.")
    page.fill("#id_due_date", "2099-03-01")
    with page.expect_navigation():
        page.click("button:has-text('Publicera inriktning')")
    page.wait_for_url("**/samverkan/inriktning/*/")
    direction = Direction.objects.get()
    for kommun, user in ((gavle, gavle_user), (sandviken, sandviken_user)):
        submission = Submission.objects.get(instance__round=direction.round, organisation=kommun)
        submission_submit(actor=user, submission=submission, data={"acknowledged": "yes", "application": "Vi inventerar lager."})
    page.reload()
    assert "2 av 10 har svarat" in page.content()
    assert_accessible(page)

    # Hudiksvall raises a shortcoming; the county lifts it to national; national answers; Hudiksvall sees it.
    item = shortcoming_services.shortcoming_raise(
        actor=hudik_user,
        raised_by=hudiksvall,
        values={
            "title": "Vem förskriver syrgas vid långvarigt elavbrott",
            "category": "agreements",
            "priority_area": "planering",
            "description": "Ingen överenskommelse med regionen.",
        },
    )
    page.goto(f"{live_url}/samverkan/brist/{item.pk}/")
    assert_accessible(page)
    page.select_option("#id_lift-to", label="Sverige")
    with page.expect_navigation():
        page.click("button:has-text('Lyft')")
    assert Shortcoming.objects.get().level == nation
    _logout(page, live_url)
    login(page, national.email, PASSWORD, TOTP)
    page.goto(f"{live_url}/samverkan/brist/{item.pk}/")
    page.fill("#id_ans-answer", "Regionen ansvarar för förskrivning; nationell vägledning kommer i april.")
    with page.expect_navigation():
        page.click("button:has-text('Skicka svar')")
    _logout(page, live_url)
    login(page, hudik_user.email, PASSWORD, TOTP)
    page.goto(f"{live_url}/samverkan/brister/")
    assert_accessible(page)
    with page.expect_navigation():
        page.click("text=Vem förskriver syrgas")
    assert "nationell vägledning kommer i april" in page.content()
    assert_accessible(page)
