"""Admin permissions: staff who may only view claims and reports cannot decide them, and the
author admin cannot change ownership, verification or merges behind the services' back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import AbuseReport, Claim
from profiles.models import Author
from tests.accounts.conftest import make_author, make_user

pytestmark = pytest.mark.django_db

CLAIMS = "admin:accounts_claim_changelist"
REPORTS = "admin:accounts_abusereport_changelist"


def staff_with(django_user_model, name: str, *codenames: str):
    user = make_user(django_user_model, name)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: no cached permissions


@pytest.fixture
def pending(django_user_model):
    return Claim.objects.create(
        user=make_user(django_user_model, "claimant"), author=make_author("Grace Hopper"), evidence_text="me"
    )


@pytest.fixture
def report(django_user_model, pending):
    return AbuseReport.objects.create(reporter=pending.user, reason="Spam")


@pytest.mark.parametrize("action", ["approve_claims", "approve_claims_identity_verified", "reject_claims"])
def test_staff_who_may_only_view_claims_see_the_queue_but_cannot_decide(
    client, django_user_model, pending, action
):
    viewer = staff_with(django_user_model, "viewer", "view_claim")
    client.force_login(viewer)
    queue = client.get(reverse(CLAIMS))
    assert queue.status_code == 200 and "Grace Hopper" in queue.content.decode()
    assert action not in queue.content.decode()  # no such action offered
    data = {"action": action, "_selected_action": [pending.pk], "apply": "1", "reason": "No."}
    client.post(reverse(CLAIMS), data)
    pending.refresh_from_db()
    assert pending.status == "pending"
    assert Author.objects.get(pk=pending.author_id).claimed_by is None


def test_staff_who_may_change_claims_approve_them(client, django_user_model, pending):
    decider = staff_with(django_user_model, "decider", "view_claim", "change_claim")
    client.force_login(decider)
    queue = client.get(reverse(CLAIMS)).content.decode()
    assert "approve_claims_identity_verified" in queue
    client.post(reverse(CLAIMS), {"action": "approve_claims", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == "approved" and pending.reviewer == decider
    assert Author.objects.get(pk=pending.author_id).claimed_by == pending.user


def test_staff_who_may_only_view_reports_cannot_resolve_them(client, django_user_model, report):
    viewer = staff_with(django_user_model, "viewer", "view_abusereport")
    client.force_login(viewer)
    page = client.get(reverse(REPORTS)).content.decode()
    assert "mark_resolved" not in page
    client.post(reverse(REPORTS), {"action": "mark_resolved", "_selected_action": [report.pk]})
    assert AbuseReport.objects.get(pk=report.pk).status == "open"

    resolver = staff_with(django_user_model, "resolver", "view_abusereport", "change_abusereport")
    client.force_login(resolver)
    client.post(reverse(REPORTS), {"action": "mark_resolved", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.status == "resolved" and report.resolved_by == resolver


def test_a_claim_cannot_be_added_edited_or_deleted_in_the_admin(client, staff, pending, django_user_model):
    client.force_login(staff)
    assert client.get(reverse("admin:accounts_claim_add")).status_code == 403
    other = make_user(django_user_model, "other")
    client.post(
        reverse("admin:accounts_claim_change", args=[pending.pk]),
        {"user": other.pk, "author": pending.author_id, "evidence_text": "rewritten"},
    )
    pending.refresh_from_db()
    assert pending.user.username == "claimant" and pending.evidence_text == "me"
    assert (
        client.post(reverse("admin:accounts_claim_delete", args=[pending.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Claim.objects.filter(pk=pending.pk).exists()


def _change_form_data(response) -> dict:
    """What the browser would send back from an admin change form, unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None and value is not False:
                    data[form.add_prefix(name)] = value
    return data


def test_ownership_verification_and_merges_are_read_only_in_the_author_admin(
    client, staff, django_user_model
):
    author = make_author("Grace Hopper")
    survivor = make_author("G Hopper")
    mallory = make_user(django_user_model, "mallory")
    url = reverse("admin:profiles_author_change", args=[author.pk])
    client.force_login(staff)
    data = _change_form_data(client.get(url))
    data.update(
        claimed_by=mallory.pk,
        verification_level=3,
        merged_into=survivor.pk,
        orcid_source="import",
        bio="Edited",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    author.refresh_from_db()
    assert author.bio == "Edited"  # the form was accepted...
    assert author.claimed_by is None and author.verification_level == 1  # ...but not these
    assert author.merged_into is None and author.orcid_source == ""


def test_an_orcid_an_admin_enters_is_marked_as_set_by_an_admin(client, staff):
    author = make_author("Grace Hopper", orcid="0000-0002-1825-0097", orcid_source="owner")
    url = reverse("admin:profiles_author_change", args=[author.pk])
    client.force_login(staff)
    data = _change_form_data(client.get(url))
    data["orcid"] = "0000-0001-5109-3700"
    assert client.post(url, data).status_code == 302
    author.refresh_from_db()
    assert (author.orcid, author.orcid_source) == ("0000-0001-5109-3700", "admin")
    data["orcid"] = "0000-0001-5109-3701"
    invalid = client.post(url, data)
    assert invalid.status_code == 200 and b"checksum" in invalid.content


def test_view_only_staff_cannot_undo_identity_changes(client, django_user_model):
    from identity.services import author_merge

    survivor, merged = make_author("Grace Hopper"), make_author("G Hopper")
    log = author_merge(survivor=survivor, merged=merged)
    changes = reverse("admin:identity_authoridentitylog_changelist")
    viewer = staff_with(django_user_model, "viewer", "view_authoridentitylog")
    client.force_login(viewer)
    assert "undo_changes" not in client.get(changes).content.decode()
    client.post(changes, {"action": "undo_changes", "_selected_action": [log.pk]})
    log.refresh_from_db()
    assert log.undone_at is None

    curator = staff_with(django_user_model, "curator", "view_authoridentitylog", "change_author")
    client.force_login(curator)
    assert "undo_changes" in client.get(changes).content.decode()
    client.post(changes, {"action": "undo_changes", "_selected_action": [log.pk]})
    log.refresh_from_db()
    assert log.undone_at is not None


def test_claim_evidence_is_mailed_only_to_staff_who_may_view_claims(
    client, django_user_model, staff, django_capture_on_commit_callbacks
):
    from django.core import mail

    staff_with(django_user_model, "bare")  # staff, but not a claims reviewer
    staff_with(django_user_model, "reviewer", "view_claim")
    claimant = make_user(django_user_model, "claimant")
    client.force_login(claimant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:claim", args=[make_author("Grace Hopper").slug]),
            {"evidence_text": "secret proof"},
        )
    to_staff = [message for message in mail.outbox if "New claim to review" in message.subject]
    recipients = sorted(address for message in to_staff for address in message.to)
    assert recipients == ["reviewer@example.org", "staff@example.org"]
    assert all("secret proof" in message.body for message in to_staff)


def test_an_admin_revokes_an_approved_claim_with_a_reason(
    client, django_user_model, staff, pending, django_capture_on_commit_callbacks
):
    """Ownership is read-only in the author admin; revocation is the service that takes it back."""
    from django.core import mail

    from accounts.models import Conversation
    from accounts.services import claim_approve

    claim_approve(claim=pending, reviewer=staff, level=Author.Verification.VERIFIED)
    former_owner = pending.user
    guest = make_user(django_user_model, "guest")
    conversation = Conversation.objects.create(
        initiator=guest, author=pending.author, recipient=former_owner, subject="Workshop?"
    )
    changelist = reverse(CLAIMS)
    client.force_login(staff_with(django_user_model, "viewer", "view_claim"))
    client.post(
        changelist, {"action": "revoke_claims", "_selected_action": [pending.pk], "apply": "1", "reason": "x"}
    )
    assert Claim.objects.get(pk=pending.pk).status == "approved"

    client.force_login(staff)
    form = client.post(changelist, {"action": "revoke_claims", "_selected_action": [pending.pk]})
    assert b"Revoke with this reason" in form.content
    mail.outbox.clear()
    reason = "The homepage belongs to a namesake."
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            changelist,
            {"action": "revoke_claims", "_selected_action": [pending.pk], "apply": "1", "reason": reason},
        )
    pending.refresh_from_db()
    author = Author.objects.get(pk=pending.author_id)
    assert pending.status == "revoked" and pending.decision_reason == reason and pending.reviewer == staff
    assert author.claimed_by is None and author.verification_level == Author.Verification.IMPORTED
    revoked_mail = [message for message in mail.outbox if message.to == ["claimant@example.org"]]
    assert "was revoked" in revoked_mail[0].subject and reason in revoked_mail[0].body
    client.force_login(former_owner)
    assert client.get(reverse("accounts:conversation", args=[conversation.pk])).status_code == 200
    assert "Revoked" in client.get(reverse("accounts:claims")).content.decode()
