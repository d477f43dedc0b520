"""Exercises with lessons learned, and training records."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from beredd.accounts.types import AuthenticatedHttpRequest
from beredd.preparedness import selectors, services
from beredd.preparedness.forms import ExerciseForm, LessonCloseForm, LessonForm, TrainingForm
from beredd.preparedness.views._helpers import run

EDIT = "preparedness.edit"


@login_required
def exercise_create(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id, permission=EDIT)
    form = ExerciseForm(request.POST or None, org=org)
    exercise = run(request, form, lambda d: services.exercise_create(organisation=org, actor=request.user, values=d))
    if exercise is not None:
        return redirect("preparedness:exercise-detail", exercise_id=exercise.pk)
    return render(request, "preparedness/exercise_form.html", {"form": form, "org": org})


@login_required
def exercise_detail(request: AuthenticatedHttpRequest, exercise_id: int) -> HttpResponse:
    exercise = selectors.exercise_get_for_user(user=request.user, exercise_id=exercise_id)
    form = LessonForm(request.POST or None)
    if request.method == "POST":
        exercise = selectors.exercise_get_for_user(user=request.user, exercise_id=exercise_id, permission=EDIT)
        if run(request, form, lambda d: services.lesson_add(exercise=exercise, actor=request.user, values=d)) is not None:
            return redirect("preparedness:exercise-detail", exercise_id=exercise.pk)
    return render(
        request, "preparedness/exercise_detail.html", {"exercise": exercise, "form": form, "close_form": LessonCloseForm()}
    )


@require_POST
@login_required
def lesson_close(request: AuthenticatedHttpRequest, lesson_id: int) -> HttpResponse:
    lesson = selectors.lesson_get_for_user(user=request.user, lesson_id=lesson_id, permission=EDIT)
    form = LessonCloseForm(request.POST)
    if run(request, form, lambda d: services.lesson_close(lesson=lesson, actor=request.user, note=d["closing_note"])) is None:
        return render(
            request,
            "preparedness/exercise_detail.html",
            {
                "exercise": lesson.exercise,
                "form": LessonForm(),
                "close_form": form,
                "close_error_for": lesson.pk,
            },
            status=422,
        )
    return redirect("preparedness:exercise-detail", exercise_id=lesson.exercise_id)


@login_required
def training(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    org = selectors.org_get_for_user(user=request.user, org_id=org_id)
    form = TrainingForm(request.POST or None)
    if request.method == "POST":
        org = selectors.org_get_for_user(user=request.user, org_id=org_id, permission=EDIT)
        if run(request, form, lambda d: services.training_add(organisation=org, actor=request.user, values=d)) is not None:
            return redirect("preparedness:training", org_id=org.pk)
    return render(
        request,
        "preparedness/training.html",
        {
            "org": org,
            "form": form,
            "records": selectors.training_list_for_user(user=request.user, org=org)[:200],
            "coverage": selectors.coverage(user=request.user, org=org),
        },
    )
