from django.contrib import admin

from beredd.reporting.models import CompiledPicture, ReportTemplate, Round, RoundInstance, Submission, TemplateVersion


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin[ReportTemplate]):
    list_display = ["name", "key", "owner"]


@admin.register(TemplateVersion)
class TemplateVersionAdmin(admin.ModelAdmin[TemplateVersion]):
    list_display = ["template", "number", "status"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin[Round]):
    list_display = ["title", "issuer", "status", "is_exercise"]


@admin.register(RoundInstance)
class RoundInstanceAdmin(admin.ModelAdmin[RoundInstance]):
    list_display = ["round", "number", "as_of", "deadline"]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin[Submission]):
    list_display = ["organisation", "instance", "status"]
    readonly_fields = ["draft", "lock_version"]


@admin.register(CompiledPicture)
class CompiledPictureAdmin(admin.ModelAdmin[CompiledPicture]):
    list_display = ["organisation", "instance", "published_at", "forwarded_at"]
