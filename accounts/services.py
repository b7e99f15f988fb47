"""Writes for accounts: claims, follows, conversations, blocks, reports, and the emails they send.

Every function checks who may act before it changes anything; views only map our errors to HTTP.
The claim auto-approval rule is documented in docs/claims.md.
"""

from __future__ import annotations

import datetime
import logging

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts import selectors
from accounts.mailboxes import mailbox_key
from accounts.models import (
    AbuseReport,
    AccountPreferences,
    Claim,
    Conversation,
    Follow,
    FollowDigest,
    Message,
    UserBlock,
)
from common import errors
from pipeline.events import (
    AUTHORS_CHANGED,
    CLAIM_DECIDED,
    CLAIM_SUBMITTED,
    MESSAGE_SENT,
    REPORT_FILED,
    TRUST_INPUTS_CHANGED,
    announce,
)
from profiles.models import Author
from profiles.orcid import IDENTITY_SOURCES
from profiles.services import institution_get_or_create

logger = logging.getLogger(__name__)
User = get_user_model()


class AccountActionError(errors.InvalidInput):
    """A request we refuse, with a message for the person who made it."""


class NotAllowed(AccountActionError, errors.NotAllowed):
    status_code = 403
    code = "not_allowed"


class EmailNotVerified(NotAllowed):
    code = "email_not_verified"

    def __init__(self, action: str) -> None:
        super().__init__(f"Please verify your email address before you {action}.")


class Conflict(AccountActionError, errors.Conflict):
    status_code = 409
    code = "conflict"


def _require_verified(user, action: str) -> None:
    if not user.is_authenticated:
        raise NotAllowed("Please log in first.")
    if not selectors.user_has_verified_email(user=user):
        raise EmailNotVerified(action)


def _refresh_trust_after_commit(author_id: int, *, with_collaborators: bool = False) -> None:
    """The trust snapshot reads claims, follows and profile fields, so it is recomputed after them."""
    announce(TRUST_INPUTS_CHANGED, author_ids=[author_id], with_collaborators=with_collaborators)


# --- claims ------------------------------------------------------------------------------


# Namespace of the transaction-level advisory locks taken per mailbox while a claim is made.
CLAIM_MAILBOX_LOCK = "claim-mailbox:"


def claim_strong_evidence(*, user, author: Author) -> tuple[int, str] | None:
    """(verification level, reason) when the claim may be approved without review, else None.

    See docs/claims.md: only an ORCID sign-in whose iD is the one an import or an admin put on
    the record proves the person (L3). An address at the institution's domain proves affiliation,
    not identity, so it is evidence for the reviewer and never approves a claim by itself.
    """
    if (
        author.orcid
        and author.orcid_source in IDENTITY_SOURCES
        and SocialAccount.objects.filter(user=user, provider="orcid", uid=author.orcid).exists()
    ):
        return (
            Author.Verification.VERIFIED,
            f"Approved automatically: you signed in with ORCID iD {author.orcid}, the iD on this record.",
        )
    return None


def _lock_mailboxes(mailboxes: list[str]) -> None:
    """Serialise claims made through one mailbox (sorted, so two claimants never deadlock)."""
    with connection.cursor() as cursor:
        for mailbox in sorted(mailboxes):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [CLAIM_MAILBOX_LOCK + mailbox]
            )


def claim_validate(*, user, author: Author) -> None:
    """Raise unless this user may claim this author now."""
    _require_verified(user, "claim a profile")
    if author.merged_into_id:
        raise Conflict("This record was merged into another profile; claim that one instead.")
    if author.claimed_by_id == user.pk:
        raise Conflict("You have already claimed this profile.")
    if author.claimed_by_id:
        raise Conflict("This profile has already been claimed. If it is yours, contact the administrators.")
    owned = Author.objects.filter(claimed_by=user).first()
    if owned:
        raise Conflict(f"You have already claimed {owned}; an account can claim one profile.")
    pending = Claim.objects.filter(user=user, status=Claim.Status.PENDING).select_related("author").first()
    if pending:
        raise Conflict(
            f"Your claim for {pending.author} is still pending. Withdraw it before claiming another profile."
        )
    shared = selectors.mailbox_claimed_elsewhere(mailboxes=selectors.user_mailboxes(user=user), user=user)
    if shared:
        raise Conflict(
            f"Another account with the mailbox {mailbox_key(shared)} already has a claim. One mailbox "
            "can claim one profile (addresses that differ only by a +tag or dots are one mailbox); "
            "sign in with that account instead."
        )


@transaction.atomic
def claim_create(
    *,
    user,
    author: Author,
    evidence_text: str = "",
    evidence_email: str = "",
    evidence_orcid: str = "",
    evidence_homepage: str = "",
) -> Claim:
    if user.is_authenticated:  # one claim decision per user at a time (its pending-claim check below)
        User.objects.select_for_update().filter(pk=user.pk).first()
        # ...and per mailbox: a second account at alice+x@ waits here for alice@'s claim to commit.
        _lock_mailboxes(selectors.user_mailboxes(user=user))
    author = Author.objects.select_for_update(of=("self",)).select_related("institution").get(pk=author.pk)
    claim_validate(user=user, author=author)
    if evidence_email and evidence_email not in selectors.user_verified_emails(user=user):
        raise NotAllowed("The evidence email must be one of your verified addresses.")
    strong = claim_strong_evidence(user=user, author=author)
    # An address at the institution's domain is shown to the reviewer (affiliation, not identity).
    evidence_email = evidence_email or selectors.user_institution_address(user=user, author=author)
    if not (evidence_text or evidence_email or evidence_orcid or evidence_homepage or strong):
        raise AccountActionError("Give at least one piece of evidence that this profile is yours.")
    claim = Claim.objects.create(
        user=user,
        author=author,
        evidence_text=evidence_text,
        evidence_email=evidence_email,
        evidence_orcid=evidence_orcid,
        evidence_homepage=evidence_homepage,
    )
    # Strong evidence proves the person, so it approves at once even over competing claims.
    if strong:
        return claim_approve(claim=claim, reviewer=None, level=strong[0], reason=strong[1])
    announce(CLAIM_SUBMITTED, claim_id=claim.pk)
    _refresh_trust_after_commit(author.pk)  # a pending claim is one of the snapshot's inputs
    return claim


@transaction.atomic
def claim_withdraw(*, claim: Claim, user) -> Claim:
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.user_id != user.pk:
        raise NotAllowed("Only the person who made a claim can withdraw it.")
    if claim.status != Claim.Status.PENDING:
        raise Conflict(f"This claim is already {claim.get_status_display().lower()}.")
    claim.status = Claim.Status.WITHDRAWN
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "decided_at"])
    _refresh_trust_after_commit(claim.author_id)
    return claim


@transaction.atomic
def claim_approve(*, claim: Claim, reviewer, level: int | None = None, reason: str = "") -> Claim:
    """Approve a pending claim: the user owns the author; competing claims are rejected."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    author = Author.objects.select_for_update().get(pk=claim.author_id)
    if claim.status != Claim.Status.PENDING:
        raise Conflict(f"This claim is already {claim.get_status_display().lower()}.")
    if author.claimed_by_id and author.claimed_by_id != claim.user_id:
        raise Conflict(f"{author} is already claimed by another account.")
    if Author.objects.filter(claimed_by_id=claim.user_id).exclude(pk=author.pk).exists():
        raise Conflict("This user already owns another profile.")
    now = timezone.now()
    claim.status = Claim.Status.APPROVED
    claim.reviewer = reviewer
    claim.decided_at = now
    claim.decision_reason = reason
    claim.save(update_fields=["status", "reviewer", "decided_at", "decision_reason"])
    author.claimed_by_id = claim.user_id
    author.verification_level = max(level or Author.Verification.CLAIMED, Author.Verification.CLAIMED)
    author.save(update_fields=["claimed_by", "verification_level", "updated_at"])

    competing = list(
        Claim.objects.select_for_update()
        .filter(author=author, status=Claim.Status.PENDING)
        .exclude(pk=claim.pk)
    )
    for other in competing:
        other.status = Claim.Status.REJECTED
        other.reviewer = reviewer
        other.decided_at = now
        other.decision_reason = "Another claim for this profile was approved."
        other.save(update_fields=["status", "reviewer", "decided_at", "decision_reason"])
    for decided_id in [claim.pk, *(other.pk for other in competing)]:
        announce(CLAIM_DECIDED, claim_id=decided_id)
    # Counts and the author's own trust snapshot, then co-authors' (they count verified collaborators).
    announce(AUTHORS_CHANGED, author_ids=[author.pk])
    _refresh_trust_after_commit(author.pk, with_collaborators=True)
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, reviewer, reason: str) -> Claim:
    reason = (reason or "").strip()
    if not reason:
        raise AccountActionError("A rejection needs a reason; the claimant will read it.")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != Claim.Status.PENDING:
        raise Conflict(f"This claim is already {claim.get_status_display().lower()}.")
    claim.status = Claim.Status.REJECTED
    claim.reviewer = reviewer
    claim.decided_at = timezone.now()
    claim.decision_reason = reason
    claim.save(update_fields=["status", "reviewer", "decided_at", "decision_reason"])
    announce(CLAIM_DECIDED, claim_id=claim.pk)
    _refresh_trust_after_commit(claim.author_id)
    return claim


@transaction.atomic
def claim_revoke(*, claim: Claim, reviewer, reason: str) -> Claim:
    """Take an approved claim back: the profile is unclaimed again and back at L1.

    The way to undo a mistaken approval (ownership is read-only in the admin). Conversations keep
    their stored recipient, so the former owner keeps their threads and a later owner does not
    inherit them.
    """
    reason = (reason or "").strip()
    if not reason:
        raise AccountActionError("A revocation needs a reason; the former owner will read it.")
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    author = Author.objects.select_for_update().get(pk=claim.author_id)
    if claim.status != Claim.Status.APPROVED:
        raise Conflict(
            f"Only an approved claim can be revoked; this one is {claim.get_status_display().lower()}."
        )
    claim.status = Claim.Status.REVOKED
    claim.reviewer = reviewer
    claim.decided_at = timezone.now()
    claim.decision_reason = reason
    claim.save(update_fields=["status", "reviewer", "decided_at", "decision_reason"])
    if author.claimed_by_id == claim.user_id:
        author.claimed_by = None
        author.verification_level = Author.Verification.IMPORTED
        author.save(update_fields=["claimed_by", "verification_level", "updated_at"])
    announce(CLAIM_DECIDED, claim_id=claim.pk)
    announce(AUTHORS_CHANGED, author_ids=[author.pk])
    _refresh_trust_after_commit(author.pk, with_collaborators=True)
    return claim


@transaction.atomic
def author_profile_update(
    *,
    author: Author,
    user,
    bio: str,
    role: str,
    affiliation: str,
    homepage: str,
    orcid: str,
    open_to_collaborate: bool,
) -> Author:
    """The claim owner edits what the profile says about them."""
    author = Author.objects.select_for_update(of=("self",)).select_related("institution").get(pk=author.pk)
    if not user.is_authenticated or author.claimed_by_id != user.pk:
        raise NotAllowed("Only the researcher who claimed this profile can edit it.")
    affiliation = affiliation.strip()
    if not affiliation:
        author.institution = None
    elif author.institution is None or author.institution.name != affiliation:
        author.institution = institution_get_or_create(name=affiliation)
    author.bio = bio.strip()
    author.role = role.strip()
    author.homepage = homepage.strip()
    if orcid != author.orcid:
        # An iD the owner typed is theirs to show, but it proves nothing (docs/claims.md).
        author.orcid_source = "owner" if orcid else ""
    author.orcid = orcid
    author.open_to_collaborate = open_to_collaborate
    author.save()
    _refresh_trust_after_commit(author.pk)
    return author


# --- follows -----------------------------------------------------------------------------


@transaction.atomic
def follow_create(*, user, author: Author) -> int:
    """Follow (idempotent); returns the author's follower count afterwards."""
    if not user.is_authenticated:
        raise NotAllowed("Please log in to follow researchers.")
    if author.claimed_by_id == user.pk:
        raise Conflict("This is your own profile.")
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, author=author)
    except IntegrityError:
        pass  # already following: nothing to count twice
    else:
        Author.objects.filter(pk=author.pk).update(follower_count=F("follower_count") + 1)
        _refresh_trust_after_commit(author.pk)
    return Author.objects.values_list("follower_count", flat=True).get(pk=author.pk)


def follower_email_verified(*, user) -> None:
    """A follower who verifies an address starts to count in trust: refresh the authors they follow."""
    author_ids = list(Follow.objects.filter(user=user).values_list("author_id", flat=True))
    if author_ids:
        announce(TRUST_INPUTS_CHANGED, author_ids=author_ids, with_collaborators=False)


@transaction.atomic
def follow_delete(*, user, author: Author) -> int:
    """Unfollow (idempotent); returns the author's follower count afterwards."""
    if not user.is_authenticated:
        raise NotAllowed("Please log in first.")
    deleted, _ = Follow.objects.filter(user=user, author=author).delete()
    if deleted:
        Author.objects.filter(pk=author.pk).update(follower_count=Greatest(F("follower_count") - 1, Value(0)))
        _refresh_trust_after_commit(author.pk)
    return Author.objects.values_list("follower_count", flat=True).get(pk=author.pk)


# --- conversations -----------------------------------------------------------------------


# A conversation is between its initiator and the recipient stored when it began (the profile's
# owner then), never whoever owns the profile now.


def _other_party_id(conversation: Conversation, user) -> int | None:
    return conversation.recipient_id if user.pk == conversation.initiator_id else conversation.initiator_id


def _is_participant(conversation: Conversation, user) -> bool:
    return user.is_authenticated and user.pk in (conversation.initiator_id, conversation.recipient_id)


def conversation_start_validate(*, initiator, author: Author) -> None:
    _require_verified(initiator, "send an invitation")
    if not author.claimed_by_id:
        raise Conflict("This researcher has not claimed their profile yet, so invitations are locked.")
    if author.claimed_by_id == initiator.pk:
        raise Conflict("This is your own profile.")
    if selectors.user_blocks(blocker_id=author.claimed_by_id, blocked_id=initiator.pk):
        raise NotAllowed("You cannot contact this researcher.")
    if Conversation.objects.filter(
        initiator=initiator, author=author, status=Conversation.Status.PENDING
    ).exists():
        raise Conflict("Your earlier invitation to this researcher is still awaiting a reply.")


@transaction.atomic
def conversation_start(
    *, initiator, author: Author, subject: str, body: str, paper=None, topic=None
) -> Conversation:
    author = Author.objects.select_for_update(of=("self",)).get(pk=author.pk)  # its owner stays put
    conversation_start_validate(initiator=initiator, author=author)
    if paper is not None and not paper.authorships.filter(author=author).exists():
        raise AccountActionError("That paper is not by this researcher.")
    conversation = Conversation.objects.create(
        initiator=initiator,
        author=author,
        recipient_id=author.claimed_by_id,
        subject=subject.strip(),
        paper=paper,
        topic=topic,
    )
    message = Message.objects.create(conversation=conversation, sender=initiator, body=body.strip())
    announce(MESSAGE_SENT, message_id=message.pk)
    return conversation


def _owner_decides(conversation: Conversation, user, status: str) -> Conversation:
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if not user.is_authenticated or conversation.recipient_id != user.pk:
        raise NotAllowed("Only the researcher who was invited can accept or decline.")
    if conversation.status != Conversation.Status.PENDING:
        raise Conflict(f"This conversation is already {conversation.get_status_display().lower()}.")
    conversation.status = status
    conversation.save(update_fields=["status", "updated_at"])
    return conversation


@transaction.atomic
def conversation_accept(*, conversation: Conversation, user) -> Conversation:
    return _owner_decides(conversation, user, Conversation.Status.ACCEPTED)


@transaction.atomic
def conversation_decline(*, conversation: Conversation, user) -> Conversation:
    return _owner_decides(conversation, user, Conversation.Status.DECLINED)


@transaction.atomic
def message_send(*, conversation: Conversation, sender, body: str) -> Message:
    """Reply in a thread. While an invitation waits only the researcher may write (and so accepts)."""
    conversation = (
        Conversation.objects.select_for_update(of=("self",)).select_related("author").get(pk=conversation.pk)
    )
    if not _is_participant(conversation, sender):
        raise NotAllowed("You are not part of this conversation.")
    _require_verified(sender, "send messages")
    other_id = _other_party_id(conversation, sender)
    if other_id is None:
        raise Conflict("The other person's account no longer exists.")
    if UserBlock.objects.filter(blocker_id=other_id, blocked=sender).exists():
        raise NotAllowed("You cannot write in this conversation.")
    if UserBlock.objects.filter(blocker=sender, blocked_id=other_id).exists():
        raise Conflict("You blocked this person; unblock them to write again.")
    if conversation.status == Conversation.Status.DECLINED:
        raise Conflict("This invitation was declined.")
    is_owner = sender.pk == conversation.recipient_id
    if conversation.status == Conversation.Status.PENDING:
        if not is_owner:
            raise Conflict("Wait for the researcher to reply before writing again.")
        conversation.status = Conversation.Status.ACCEPTED
    body = body.strip()
    if not body:
        raise AccountActionError("Write a message first.")
    message = Message.objects.create(conversation=conversation, sender=sender, body=body)
    conversation.save(update_fields=["status", "updated_at"])
    announce(MESSAGE_SENT, message_id=message.pk)
    return message


def conversation_mark_read(*, conversation: Conversation, user) -> int:
    """Mark the other party's messages read for this user; returns how many were unread."""
    return (
        Message.objects.filter(conversation=conversation, read_at=None)
        .exclude(sender=user)
        .update(read_at=timezone.now())
    )


@transaction.atomic
def user_block(*, blocker, conversation: Conversation) -> UserBlock:
    """Block the other person in a conversation; their waiting invitations to you are declined."""
    if not _is_participant(conversation, blocker):
        raise NotAllowed("You are not part of this conversation.")
    blocked_id = _other_party_id(conversation, blocker)
    if blocked_id is None or blocked_id == blocker.pk:
        raise Conflict("There is nobody to block here.")
    block, _ = UserBlock.objects.get_or_create(blocker=blocker, blocked_id=blocked_id)
    Conversation.objects.filter(
        initiator_id=blocked_id, recipient=blocker, status=Conversation.Status.PENDING
    ).update(status=Conversation.Status.DECLINED, updated_at=timezone.now())
    return block


@transaction.atomic
def user_unblock(*, blocker, conversation: Conversation) -> None:
    if not _is_participant(conversation, blocker):
        raise NotAllowed("You are not part of this conversation.")
    UserBlock.objects.filter(blocker=blocker, blocked_id=_other_party_id(conversation, blocker)).delete()


@transaction.atomic
def report_create(*, reporter, conversation: Conversation, reason: str) -> AbuseReport:
    if not _is_participant(conversation, reporter):
        raise NotAllowed("You are not part of this conversation.")
    reason = (reason or "").strip()
    if not reason:
        raise AccountActionError("Tell the administrators what is wrong.")
    report = AbuseReport.objects.create(
        reporter=reporter,
        reported_user_id=_other_party_id(conversation, reporter),
        conversation=conversation,
        reason=reason,
    )
    announce(REPORT_FILED, report_id=report.pk)
    return report


@transaction.atomic
def preferences_update(*, user, weekly_digest: bool, email_on_message: bool) -> AccountPreferences:
    preferences, _ = AccountPreferences.objects.update_or_create(
        user=user, defaults={"weekly_digest": weekly_digest, "email_on_message": email_on_message}
    )
    return preferences


# --- emails (sent by the tasks in pipeline/tasks.py) ------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _mail(*, template: str, context: dict, recipients: list[str]) -> int:
    recipients = [address for address in recipients if address]
    if not recipients:
        return 0
    context = {**context, "site_url": settings.SITE_URL}
    subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/email/{template}_body.txt", context)
    return send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )


def claim_notification_send(*, claim_id: int) -> int:
    """Tell the claimant where their claim stands (received, approved or rejected, with the reason)."""
    claim = Claim.objects.select_related("user", "author").filter(pk=claim_id).first()
    if claim is None or claim.status == Claim.Status.WITHDRAWN:
        return 0
    context = {
        "claim": claim,
        "profile_url": _absolute(claim.author.get_absolute_url()),
        "claims_url": _absolute(reverse("accounts:claims")),
    }
    return _mail(template=f"claim_{claim.status}", context=context, recipients=[claim.user.email])


def claim_staff_notification_send(*, claim_id: int) -> int:
    claim = Claim.objects.select_related("user", "author__institution").filter(pk=claim_id).first()
    if claim is None or claim.status != Claim.Status.PENDING:
        return 0
    competing = Claim.objects.filter(author_id=claim.author_id, status=Claim.Status.PENDING).exclude(
        pk=claim.pk
    )
    institution_evidence = [
        item
        for item in selectors.claim_evidence_items(claim=claim)
        if item.startswith("email at institution domain")
    ]
    context = {
        "claim": claim,
        "institution_evidence": institution_evidence[0] if institution_evidence else "",
        "competing_count": competing.count(),
        "admin_url": _absolute(reverse("admin:accounts_claim_change", args=[claim.pk])),
    }
    # The email carries the evidence: only staff who may view claims receive it.
    return _mail(
        template="claim_staff",
        context=context,
        recipients=selectors.staff_addresses(permission="accounts.view_claim"),
    )


def message_notification_send(*, message_id: int) -> int:
    message = (
        Message.objects.select_related(
            "sender", "conversation__author", "conversation__recipient", "conversation__initiator"
        )
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return 0
    conversation = message.conversation
    recipient = (
        conversation.recipient if message.sender_id == conversation.initiator_id else conversation.initiator
    )
    if recipient is None or not recipient.is_active:
        return 0
    if not selectors.account_preferences(user=recipient).email_on_message:
        return 0
    context = {
        "message": message,
        "conversation": conversation,
        "is_invitation": conversation.messages.count() == 1,
        "thread_url": _absolute(reverse("accounts:conversation", args=[conversation.pk])),
        "preferences_url": _absolute(reverse("accounts:preferences")),
    }
    return _mail(template="message", context=context, recipients=[recipient.email])


def report_notification_send(*, report_id: int) -> int:
    report = AbuseReport.objects.select_related("reporter", "reported_user").filter(pk=report_id).first()
    if report is None:
        return 0
    context = {
        "report": report,
        "admin_url": _absolute(reverse("admin:accounts_abusereport_change", args=[report.pk])),
    }
    return _mail(
        template="report",
        context=context,
        recipients=selectors.staff_addresses(permission="accounts.view_abusereport"),
    )


def digest_week_start(now: datetime.datetime | None = None) -> datetime.date:
    """Monday of the last complete week (the week a digest sent now reports on)."""
    today = timezone.localdate(now or timezone.now())
    this_monday = today - datetime.timedelta(days=today.weekday())
    return this_monday - datetime.timedelta(days=7)


def follow_digest_send(*, user_id: int, week_start: datetime.date) -> str:
    """Send one user's digest for one week, at most once (the marker row is written first)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return "gone"
    if not selectors.account_preferences(user=user).weekly_digest:
        return "opted out"
    since = timezone.make_aware(datetime.datetime.combine(week_start, datetime.time.min))
    until = since + datetime.timedelta(days=7)
    papers = list(selectors.digest_papers(user_id=user_id, since=since, until=until)[:50])
    try:
        with transaction.atomic():
            digest = FollowDigest.objects.create(user=user, week_start=week_start, paper_count=len(papers))
    except IntegrityError:
        return "already sent"
    if not papers:
        return "nothing new"
    addresses = selectors.user_verified_emails(user=user)
    address = user.email if user.email in addresses else (addresses[0] if addresses else "")
    context = {
        "user": user,
        "papers": papers,
        "week_start": week_start,
        "week_end": week_start + datetime.timedelta(days=6),
        "feed_url": _absolute(reverse("accounts:following")),
        "preferences_url": _absolute(reverse("accounts:preferences")),
    }
    try:
        _mail(template="digest", context=context, recipients=[address])
    except Exception:
        digest.delete()  # let the retry send it; the marker only stands for a sent digest
        raise
    FollowDigest.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return "sent"
