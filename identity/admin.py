"""Admin for author identity: duplicate and disowned-paper curation, merge, split, undo.

``CurationIdentityMixin`` is mixed into the curation-item admin (ingest/admin.py) and
``AuthorIdentityMixin`` into the author admin (profiles/admin.py); the audit log, the stored
decisions and the "different people" pairs get their own pages here.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from curation import services as curation_services
from curation.models import CurationItem
from identity.models import AuthorIdentityLog, DistinctAuthorPair, IdentityDecision
from identity.services import (
    IdentityError,
    author_merge,
    author_split,
    authors_mark_different,
    identity_change_undo,
    merge_survivor,
)
from identity.services_resolve import authors_side_by_side
from papers.models import Authorship
from profiles.models import Author

Kind = CurationItem.Kind


# --- shared pieces ---------------------------------------------------------------------------


def _author_link(author: Author | None):
    if author is None:
        return "—"
    return format_html(
        '<a href="{}">{}</a> (#{}, <a href="{}">profile</a>)',
        reverse("admin:profiles_author_change", args=[author.pk]),
        author.display_name,
        author.pk,
        author.get_absolute_url(),
    )


def _evidence_table(evidence: dict | None):
    if not evidence:
        return "—"
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td></tr>",
        ((key, f"{value:+.2f}") for key, value in sorted((evidence.get("components") or {}).items())),
    )
    reasons = format_html_join("", "<li>{}</li>", ((reason,) for reason in evidence.get("reasons") or []))
    score = evidence.get("score")
    score_text = "vetoed" if score is None or score == float("-inf") else f"{score:.2f}"
    return format_html(
        '<table class="identity-evidence"><tr><th>evidence</th><th>points</th></tr>{}'
        "<tr><th>total</th><th>{}</th></tr></table><ul>{}</ul>",
        rows,
        score_text,
        reasons,
    )


def _merge_pair(first: Author, second: Author, *, actor, reason: str) -> AuthorIdentityLog:
    survivor, merged = merge_survivor(first, second)
    return author_merge(survivor=survivor, merged=merged, actor=actor, reason=reason)


# --- curation items: possible duplicates and disowned papers -------------------------------------


class CurationIdentityMixin:
    """Possible duplicates side by side with their evidence; merge, different people, disown."""

    change_form_template = "admin/curation/curationitem/change_form.html"

    def get_list_display(self, request):
        return [*super().get_list_display(request), "other_author_link", "evidence_score"]

    def get_list_select_related(self, request):
        return [*super().get_list_select_related(request), "other_author"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.kind == Kind.POSSIBLE_DUPLICATE:
            fields.append("side_by_side")
        if obj is not None and obj.kind == Kind.DISOWNED_PAPER:
            fields.append("disowned")
        return fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name in ("merge_same_person", "mark_different_people", "accept_disown", "dismiss_items"):
            if self.has_change_permission(request):
                function = getattr(type(self), name)
                actions[name] = (function, name, function.short_description)
        return actions

    @admin.display(description="other author")
    def other_author_link(self, item: CurationItem):
        return item.other_author or "—"

    @admin.display(description="score")
    def evidence_score(self, item: CurationItem):
        score = (item.details or {}).get("score")
        return f"{score:.2f}" if isinstance(score, (int, float)) else "—"

    @admin.display(description="side by side")
    def side_by_side(self, item: CurationItem):
        if not (item.author_id and item.other_author_id):
            return "—"
        comparison = authors_side_by_side(item.author_id, item.other_author_id)
        sides = comparison["sides"]
        if len(sides) != 2:
            return "one of the two authors no longer exists"
        rows = [
            ("author", _author_link(sides[0]["author"]), _author_link(sides[1]["author"])),
            ("merged into", *(_author_link(side["author"].merged_into) for side in sides)),
            ("names", *(", ".join(side["aliases"]) for side in sides)),
            ("papers", *(side["paper_count"] for side in sides)),
            ("recent papers", *(" · ".join(side["recent_titles"]) for side in sides)),
            ("co-authors", *(", ".join(side["coauthors"]) for side in sides)),
            ("institutions", *(", ".join(side["institutions"]) or "—" for side in sides)),
            ("topics", *(", ".join(side["topics"]) or "—" for side in sides)),
        ]
        table = format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows)
        evidence = comparison["evidence"]
        now = _evidence_table(evidence.as_dict() if evidence else None)
        then = _evidence_table((item.details or {}).get("evidence"))
        return format_html(
            '<table class="identity-side-by-side">{}</table>'
            "<h4>Evidence now (the two authors' whole records)</h4>{}"
            "<h4>Evidence when the item was opened</h4>{}",
            table,
            now,
            then,
        )

    @admin.display(description="disowned paper")
    def disowned(self, item: CurationItem):
        details = item.details or {}
        return format_html(
            "<p>{} says this paper, written “{}”, is not theirs.</p><p>Reason: {}</p>"
            "<p>Accepting moves the paper to a new author (a split, which can be undone).</p>",
            _author_link(item.author),
            details.get("name_as_written", ""),
            details.get("reason") or "(none given)",
        )

    # --- actions (changelist) and buttons (change page) share these

    def _apply(self, request, item: CurationItem, action: str) -> str:
        actor = request.user
        if item.status != CurationItem.Status.OPEN:
            raise IdentityError("This item is already closed.")
        if action in ("merge", "different"):
            if item.kind != Kind.POSSIBLE_DUPLICATE or not (item.author and item.other_author):
                raise IdentityError(
                    "Only a possible-duplicate item with two authors can be merged or kept apart."
                )
            if action == "merge":
                log = _merge_pair(
                    item.author, item.other_author, actor=actor, reason=f"curation item #{item.pk}"
                )
                return f"Merged {log.other_author} into {log.author} (change #{log.pk}, reversible)."
            authors_mark_different(
                author=item.author, other=item.other_author, actor=actor, reason=f"curation item #{item.pk}"
            )
            return f"{item.author} and {item.other_author} are remembered as different people."
        if action == "accept_disown":
            if item.kind != Kind.DISOWNED_PAPER or item.author is None or item.paper is None:
                raise IdentityError("Only a disowned-paper item can be accepted.")
            authorship = Authorship.objects.filter(author=item.author, paper=item.paper).first()
            if authorship is None:
                raise IdentityError("The paper is no longer on this profile.")
            log = author_split(
                author=item.author,
                authorship_ids=[authorship.pk],
                actor=actor,
                reason=f"disowned (curation item #{item.pk})",
                item=item,
            )
            return f"Moved the paper to a new author, {log.other_author} (change #{log.pk}, reversible)."
        if action == "dismiss":
            curation_services.item_dismiss(item=item, actor=actor, reason="dismissed by an admin")
            return "Dismissed."
        raise IdentityError(f"Unknown action {action!r}.")

    def _apply_many(self, request, queryset, action: str) -> None:
        for item in queryset.select_related("author", "other_author", "paper"):
            try:
                self.message_user(
                    request, f"#{item.pk}: {self._apply(request, item, action)}", messages.SUCCESS
                )
            except IdentityError as error:
                self.message_user(request, f"#{item.pk}: {error}", messages.ERROR)

    @admin.action(description="Merge: the same person", permissions=["change"])
    def merge_same_person(self, request, queryset):
        self._apply_many(request, queryset, "merge")

    @admin.action(description="Different people (never propose again)", permissions=["change"])
    def mark_different_people(self, request, queryset):
        self._apply_many(request, queryset, "different")

    @admin.action(description="Accept disowned paper: move it to a new author", permissions=["change"])
    def accept_disown(self, request, queryset):
        self._apply_many(request, queryset, "accept_disown")

    @admin.action(description="Dismiss", permissions=["change"])
    def dismiss_items(self, request, queryset):
        self._apply_many(request, queryset, "dismiss")

    def get_urls(self):
        own = [
            path(
                "<int:pk>/identity/<str:action>/",
                self.admin_site.admin_view(self.identity_action_view),
                name="curation_curationitem_identity",
            )
        ]
        return own + super().get_urls()

    def identity_action_view(self, request, pk: int, action: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        item = get_object_or_404(
            CurationItem.objects.select_related("author", "other_author", "paper"), pk=pk
        )
        if not self.has_change_permission(request, item):
            raise PermissionDenied
        try:
            self.message_user(request, self._apply(request, item, action), messages.SUCCESS)
        except IdentityError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:curation_curationitem_change", item.pk)
        return redirect("admin:curation_curationitem_changelist")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["identity_buttons"] = []
        if (
            obj is not None
            and obj.status == CurationItem.Status.OPEN
            and self.has_change_permission(request, obj)
        ):
            if obj.kind == Kind.POSSIBLE_DUPLICATE:
                context["identity_buttons"] = [
                    ("merge", "Merge: same person"),
                    ("different", "Different people"),
                ]
            elif obj.kind == Kind.DISOWNED_PAPER:
                context["identity_buttons"] = [("accept_disown", "Accept: move the paper to a new author")]
            context["identity_buttons"].append(("dismiss", "Dismiss"))
        return super().render_change_form(request, context, add, change, form_url, obj)


# --- authors: merge selected, split --------------------------------------------------------------


class SplitForm(forms.Form):
    authorships = forms.ModelMultipleChoiceField(
        queryset=Authorship.objects.none(), widget=forms.CheckboxSelectMultiple, label="Papers to move"
    )
    target = forms.ModelChoiceField(
        queryset=Author.objects.filter(merged_into=None),
        required=False,
        widget=forms.NumberInput,
        label="Move to author (id)",
        help_text="Leave empty to create a new author.",
    )
    new_name = forms.CharField(
        required=False, max_length=300, help_text="Name of the new author, if one is created."
    )
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, author: Author, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authorships"].queryset = (
            Authorship.objects.filter(author=author)
            .select_related("paper")
            .order_by("-paper__year", "paper__title")
        )
        self.fields["authorships"].label_from_instance = lambda authorship: (
            f"{authorship.paper} — written “{authorship.name_as_written}”"
            f"{' (from a listing)' if authorship.from_subject else ''}"
        )


class AuthorIdentityMixin:
    """Merge selected authors in one action; split chosen papers off to another or a new author."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_change_permission(request):
            function = type(self).merge_selected_authors
            actions["merge_selected_authors"] = (
                function,
                "merge_selected_authors",
                function.short_description,
            )
        return actions

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "identity_tools"] if obj is not None else fields

    @admin.display(description="identity")
    def identity_tools(self, author: Author):
        if author.merged_into_id:
            return format_html("Merged into {}.", _author_link(author.merged_into))
        return format_html(
            '<a class="button" href="{}">Split: move chosen papers to another or a new author</a> '
            '<a href="{}">identity changes</a> · <a href="{}">automatic decisions</a>',
            reverse("admin:profiles_author_split", args=[author.pk]),
            reverse("admin:identity_authoridentitylog_changelist")
            + "?"
            + urlencode({"q": author.display_name}),
            reverse("admin:identity_identitydecision_changelist") + f"?author__id__exact={author.pk}",
        )

    @admin.action(
        description="Merge selected authors into one (the claimed or oldest survives)", permissions=["change"]
    )
    def merge_selected_authors(self, request, queryset):
        authors = list(queryset.filter(merged_into=None).order_by("pk"))
        if len(authors) < 2:
            self.message_user(request, "Select at least two current authors to merge.", messages.WARNING)
            return
        survivor = authors[0]
        for other in authors[1:]:
            survivor = merge_survivor(survivor, other)[0]
        for other in authors:
            if other.pk == survivor.pk:
                continue
            try:
                log = author_merge(
                    survivor=survivor, merged=other, actor=request.user, reason="merged in the admin"
                )
                self.message_user(
                    request, f"Merged {other} into {survivor} (change #{log.pk}).", messages.SUCCESS
                )
            except IdentityError as error:
                self.message_user(request, f"{other}: {error}", messages.ERROR)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/split/",
                self.admin_site.admin_view(self.split_view),
                name="profiles_author_split",
            )
        ]
        return own + super().get_urls()

    def split_view(self, request, pk: int):
        author = get_object_or_404(Author, pk=pk)
        if not self.has_change_permission(request, author):
            raise PermissionDenied
        form = SplitForm(request.POST or None, author=author)
        if request.method == "POST" and form.is_valid():
            try:
                log = author_split(
                    author=author,
                    authorship_ids=[authorship.pk for authorship in form.cleaned_data["authorships"]],
                    target=form.cleaned_data["target"],
                    new_name=form.cleaned_data["new_name"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except IdentityError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(
                    request,
                    f"Moved {len(log.data['authorships'])} paper(s) to {log.other_author} "
                    f"(change #{log.pk}).",
                    messages.SUCCESS,
                )
                return redirect("admin:profiles_author_change", author.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "author": author,
            "form": form,
            "title": f"Split {author}",
        }
        return TemplateResponse(request, "admin/profiles/author/split.html", context)


# --- audit log, decisions, "different people" --------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuthorIdentityLog)
class AuthorIdentityLogAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "action",
        "author",
        "other_author",
        "actor",
        "automatic",
        "reason",
        "undone_at",
    ]
    list_filter = ["action", "automatic", ("undone_at", admin.EmptyFieldListFilter)]
    search_fields = ["author__display_name", "other_author__display_name", "reason"]
    list_select_related = ["author", "other_author", "actor"]
    fields = [
        "action",
        "author",
        "other_author",
        "actor",
        "automatic",
        "reason",
        "created_at",
        "undone_at",
        "undone_by",
        "undo_of",
        "data_pretty",
    ]
    readonly_fields = fields
    actions = ["undo_changes"]

    @admin.display(description="data")
    def data_pretty(self, log: AuthorIdentityLog):
        return format_html("<pre>{}</pre>", json.dumps(log.data, indent=2, ensure_ascii=False))

    def has_undo_permission(self, request) -> bool:
        """Undoing a merge or split changes authors, so it needs the right to change them."""
        return request.user.has_perm("profiles.change_author")

    @admin.action(
        description="Undo selected changes (a merge undone keeps the two apart)", permissions=["undo"]
    )
    def undo_changes(self, request, queryset):
        if not request.user.has_perm("profiles.change_author"):
            raise PermissionDenied
        for log in queryset.order_by("-created_at"):
            try:
                undo = identity_change_undo(log=log, actor=request.user)
                self.message_user(
                    request, f"Undid #{log.pk} ({undo.get_action_display()}).", messages.SUCCESS
                )
            except IdentityError as error:
                self.message_user(request, f"#{log.pk}: {error}", messages.ERROR)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(IdentityDecision)
class IdentityDecisionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "name", "action", "author", "other_author", "score", "batch"]
    list_filter = ["action"]
    search_fields = ["name", "block_key", "author__display_name"]
    list_select_related = ["author", "other_author", "batch"]
    fields = [
        "action",
        "name",
        "block_key",
        "author",
        "other_author",
        "score",
        "batch",
        "paper",
        "created_at",
        "reasons_list",
        "evidence_table",
    ]
    readonly_fields = fields

    @admin.display(description="reasons")
    def reasons_list(self, decision: IdentityDecision):
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((r,) for r in decision.reasons))
        )

    @admin.display(description="every candidate")
    def evidence_table(self, decision: IdentityDecision):
        blocks = format_html_join(
            "",
            "<h4>author #{}</h4>{}",
            ((item.get("author_id"), _evidence_table(item)) for item in decision.evidence or []),
        )
        return blocks or "no candidate"


@admin.register(DistinctAuthorPair)
class DistinctAuthorPairAdmin(admin.ModelAdmin):
    """Pairs remembered as different people; undo a decision from the identity changes list."""

    list_display = ["author_low", "author_high", "decided_by", "reason", "created_at"]
    search_fields = ["author_low__display_name", "author_high__display_name"]
    list_select_related = ["author_low", "author_high", "decided_by"]
    raw_id_fields = ["author_low", "author_high", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
