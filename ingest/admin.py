from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from ingest import fetchers, formats, services
from ingest.models import ImportBatch, ImportRecord

FORMAT_CHOICES = [("", "Detect from content")] + [(name, name) for name in formats.FORMATS]


class ImportBatchAddForm(forms.ModelForm):
    upload = forms.FileField(label="Dump file", help_text="Any supported format; up to the size limit.")
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False)

    class Meta:
        model = ImportBatch
        fields = ["upload", "format", "subject_name"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload is not None:
            try:
                cleaned["content"] = services.upload_read(upload=upload, format=cleaned.get("format") or "")
            except services.ImportRejected as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned


def _split_identifiers(text: str) -> list[str]:
    """Identifiers typed one per line (or separated by spaces or commas)."""
    return [part for part in text.replace(",", " ").split() if part]


class IdentifierImportForm(forms.Form):
    arxiv = forms.CharField(
        label="arXiv ids",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        help_text="One per line: 2305.14387, arXiv:hep-th/9901001v2 or an abs URL.",
    )
    doi = forms.CharField(
        label="DOIs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        help_text="One per line: 10.1145/3442188.3445922 or a doi.org URL.",
    )
    orcid = forms.CharField(
        label="ORCID iD", required=False, max_length=60, help_text="Import the works on this ORCID record."
    )

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["identifiers"] = fetchers.identifiers_validate(
                arxiv_ids=_split_identifiers(cleaned.get("arxiv") or ""),
                dois=_split_identifiers(cleaned.get("doi") or ""),
                orcid=cleaned.get("orcid") or "",
            )
        except fetchers.IdentifiersInvalid as error:
            if not error.fields:
                raise forms.ValidationError(error.message) from error
            for field, messages_ in error.fields.items():
                self.add_error(field, messages_)
        return cleaned


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "status",
        "progress",
        "detected_format",
        "subject_author",
        "created_count",
        "updated_count",
        "unchanged_count",
        "review_count",
        "failed_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["status", "detected_format"]
    search_fields = ["original_name", "checksum", "subject_name"]
    list_select_related = ["subject_author", "created_by"]
    actions = ["retry_failed", "undo"]
    readonly_fields = [
        "raw_file",
        "original_name",
        "size",
        "checksum",
        "format",
        "detected_format",
        "subject_name",
        "subject_orcid",
        "subject_author",
        "status",
        "progress",
        "total_records",
        "processed_records",
        "created_count",
        "updated_count",
        "unchanged_count",
        "review_count",
        "failed_count",
        "records_link",
        "error",
        "context",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "identity_settled_at",
        "heartbeat_at",
    ]
    exclude = ["file"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ImportBatchAddForm
            kwargs["fields"] = ["upload", "format", "subject_name"]
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return
        upload = form.cleaned_data["upload"]
        batch = services.batch_create(
            content=form.cleaned_data["content"],
            original_name=upload.name,
            format=form.cleaned_data.get("format") or "",
            subject_name=form.cleaned_data.get("subject_name") or "",
            created_by=request.user,
        )
        obj.pk = batch.pk

    def has_change_permission(self, request, obj=None):
        return False  # a batch is read-only once created; its page is the live report

    @admin.display(description="Progress")
    def progress(self, obj: ImportBatch):
        return format_html(
            '<progress class="import-progress" data-url="{}" max="100" value="{}">{}%</progress> '
            '<span class="import-progress-label">{}% · {}/{}</span>',
            reverse("admin:ingest_importbatch_progress", args=[obj.pk]),
            obj.progress_percent,
            obj.progress_percent,
            obj.progress_percent,
            obj.processed_records,
            obj.total_records,
        )

    @admin.display(description="Raw file")
    def raw_file(self, obj: ImportBatch):
        return format_html(
            '<a href="{}">{}</a> ({} bytes)',
            reverse("admin:ingest_importbatch_raw", args=[obj.pk]),
            obj.original_name,
            obj.size,
        )

    @admin.display(description="Records")
    def records_link(self, obj: ImportBatch):
        url = reverse("admin:ingest_importrecord_changelist") + f"?batch__id__exact={obj.pk}"
        return format_html('<a href="{}">Every record with its outcome</a>', url)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="ingest_importbatch_progress",
            ),
            path("<int:pk>/raw/", self.admin_site.admin_view(self.raw_view), name="ingest_importbatch_raw"),
            path(
                "by-identifier/",
                self.admin_site.admin_view(self.by_identifier_view),
                name="ingest_importbatch_by_identifier",
            ),
        ]
        return own + super().get_urls()

    def progress_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise Http404
        batch = get_object_or_404(ImportBatch, pk=pk)
        return JsonResponse(
            {
                "status": batch.status,
                "status_display": batch.get_status_display(),
                "percent": batch.progress_percent,
                "processed": batch.processed_records,
                "total": batch.total_records,
                "created": batch.created_count,
                "updated": batch.updated_count,
                "unchanged": batch.unchanged_count,
                "review": batch.review_count,
                "failed": batch.failed_count,
                "error": batch.error,
                # After DONE, re-clustering of the touched name blocks can still move papers.
                "identity_settled": batch.identity_settled_at is not None,
            }
        )

    def by_identifier_view(self, request):
        """Add papers by arXiv id or DOI, or an ORCID record's works: an ordinary import batch."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IdentifierImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = services.batch_create_from_identifiers(
                    identifiers=form.cleaned_data["identifiers"], created_by=request.user
                )
            except (fetchers.SourceUnreachable, services.ImportRejected) as error:
                form.add_error(None, getattr(error, "message", None) or str(error))
            else:
                self.message_user(request, "Metadata fetched; the import is running.", messages.SUCCESS)
                if result.not_found:
                    self.message_user(request, "Not found: " + ", ".join(result.not_found), messages.WARNING)
                return redirect("admin:ingest_importbatch_change", result.batch.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Add by identifier",
            "form": form,
            "max_identifiers": fetchers.MAX_IDENTIFIERS,
        }
        return TemplateResponse(request, "admin/ingest/importbatch/by_identifier.html", context)

    def raw_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise Http404
        batch = get_object_or_404(ImportBatch, pk=pk)
        response = FileResponse(batch.file.open("rb"), as_attachment=True, filename=batch.original_name)
        response["Content-Type"] = "application/octet-stream"
        return response

    @admin.action(description="Retry failed records", permissions=["add"])
    def retry_failed(self, request, queryset):
        total = 0
        for batch in queryset:
            try:
                total += services.batch_retry_failed(batch=batch)
            except services.BatchBusy as error:
                self.message_user(request, str(error), messages.WARNING)
        self.message_user(request, f"{total} record(s) queued again.", messages.SUCCESS)

    @admin.action(description="Undo these imports (remove what only they created)", permissions=["delete"])
    def undo(self, request, queryset):
        for batch in queryset.exclude(status=ImportBatch.Status.UNDONE):
            try:
                removed = services.batch_undo(batch=batch)
            except services.BatchBusy as error:
                self.message_user(request, str(error), messages.WARNING)
                continue
            self.message_user(
                request,
                f"{batch.original_name}: removed {removed['papers']} paper(s)"
                f" and {removed['authors']} author(s).",
                messages.SUCCESS,
            )

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, "Upload stored; the import is running.", messages.SUCCESS)
        return redirect("admin:ingest_importbatch_change", obj.pk)

    def has_delete_permission(self, request, obj=None):
        # Deleting a batch would orphan what it created; "undo" is the way back.
        return obj is None and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    class Media:
        js = ["js/import_progress.js"]


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ["batch", "index", "lines", "status", "title", "error", "warning", "paper"]
    list_filter = ["status", "batch"]
    search_fields = ["data__title", "error", "warning"]
    list_select_related = ["batch", "paper"]
    readonly_fields = [
        "batch",
        "index",
        "line_start",
        "line_end",
        "data",
        "status",
        "error",
        "warning",
        "paper",
        "created_objects",
        "placed_at",
    ]

    @admin.display(description="Lines")
    def lines(self, obj: ImportRecord):
        return f"{obj.line_start}–{obj.line_end}" if obj.line_start else "—"

    @admin.display(description="Title")
    def title(self, obj: ImportRecord):
        return (obj.data or {}).get("title") or "(no title)"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
