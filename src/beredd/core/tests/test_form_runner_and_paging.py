"""The one form runner and the list helpers every app's views use (core.forms, core.paging)."""

from typing import Any

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from beredd.core.exceptions import ConflictError, FieldError, ValidationFailed
from beredd.core.forms import form_run, form_run_edit
from beredd.core.paging import MAX_FILTER_CHARS, filters_of, page_of


class NameForm(forms.Form):
    name = forms.CharField(max_length=20)


def _post(data: dict[str, str]) -> Any:
    request = RequestFactory().post("/", data)
    request.session = {}  # type: ignore[attr-defined]  # the message storage needs a session attribute
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]  # as MessageMiddleware sets it
    return request


def test_success_returns_the_result_and_a_message() -> None:
    request = _post({"name": "Gävle"})
    result, status = form_run_edit(request, NameForm(request.POST), lambda data: data["name"].upper())
    assert (result, status) == ("GÄVLE", 200)
    assert [str(m) for m in request._messages] == ["Ändringarna har sparats."]  # Swedish by default


def test_invalid_input_never_calls_the_service() -> None:
    request = _post({"name": ""})
    called: list[Any] = []
    form = NameForm(request.POST)
    assert form_run(request, form, called.append) is None
    assert called == [] and "name" in form.errors


def test_a_get_does_nothing() -> None:
    request = RequestFactory().get("/")
    assert form_run_edit(request, NameForm(), lambda data: 1) == (None, 200)


def test_service_refusal_lands_on_the_named_field() -> None:
    def refuse(data: dict[str, Any]) -> None:
        raise ValidationFailed(details=[FieldError(row=None, field="name", message="Taken.")])

    request = _post({"name": "x"})
    form = NameForm(request.POST)
    assert form_run_edit(request, form, refuse) == (None, 200)
    assert form.errors["name"] == ["Taken."]


def test_a_conflict_is_409_with_the_message_on_the_form() -> None:
    def conflict(data: dict[str, Any]) -> None:
        raise ConflictError("Someone else saved first.")

    request = _post({"name": "x"})
    form = NameForm(request.POST)
    assert form_run_edit(request, form, conflict) == (None, 409)
    assert form.non_field_errors() == ["Someone else saved first."]
    assert list(request._messages) == []


@pytest.mark.parametrize(("raw", "number"), [("2", 2), ("nonsense", 1), ("99", 3), ("-1", 3)])
def test_page_of_never_fails_on_a_page_parameter(raw: str, number: int) -> None:
    request = RequestFactory().get("/", {"page": raw})
    assert page_of(request, list(range(60))).number == number


def test_filters_keep_only_given_values_and_are_bounded() -> None:
    request = RequestFactory().get("/", {"q": "x" * 500, "status": "", "other": "y"})
    assert filters_of(request, "q", "status") == {"q": "x" * MAX_FILTER_CHARS}
