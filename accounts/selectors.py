"""Reads for accounts: the viewer's relation to a profile, the following feed, the inbox."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from accounts.mailboxes import address_at_domain, mailbox_domains, mailbox_key
from accounts.models import AccountPreferences, Claim, Conversation, Follow, FollowDigest, Message, UserBlock
from curation.models import CurationItem
from papers.models import Authorship, Paper
from papers.selectors import NEWEST_FIRST, papers_with_authors
from profiles.models import Author


@dataclass(frozen=True)
class ViewerState:
    """What the person looking at a profile may do there; computed in one query."""

    is_authenticated: bool = False
    is_following: bool = False
    email_verified: bool = False
    is_owner: bool = False
    claim_id: int | None = None
    claim_status: str = ""
    claim_reason: str = ""
    has_other_claim: bool = False
    blocked_by_owner: bool = False

    @property
    def claim_pending(self) -> bool:
        return self.claim_status == Claim.Status.PENDING

    @property
    def claim_rejected(self) -> bool:
        return self.claim_status == Claim.Status.REJECTED


ANONYMOUS_VIEWER = ViewerState()


def user_has_verified_email(*, user) -> bool:
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def user_verified_emails(*, user) -> list[str]:
    return list(
        EmailAddress.objects.filter(user=user, verified=True)
        .order_by("-primary", "email")
        .values_list("email", flat=True)
    )


def staff_addresses(*, permission: str) -> list[str]:
    """Addresses of active staff holding the permission ("app_label.codename"), directly or by group."""
    app_label, codename = permission.split(".", 1)
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .filter(Q(is_superuser=True) | Q(user_permissions__in=granted) | Q(groups__permissions__in=granted))
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def user_institution_address(*, user, author: Author) -> str:
    """A verified address of the user at the author's institution's email domain, or "".

    Evidence of affiliation for the reviewer, never of identity (docs/claims.md).
    """
    domain = author.institution.email_domain if author.institution_id else ""
    if not domain:
        return ""
    for address in user_verified_emails(user=user):
        if address_at_domain(address, domain):
            return address
    return ""


def claim_evidence_items(*, claim: Claim) -> list[str]:
    """The claim's evidence as the reviewer reads it (needs ``author__institution`` loaded)."""
    author = claim.author
    domain = author.institution.email_domain.strip().lower() if author.institution_id else ""
    items = []
    if claim.evidence_email:
        items.append(f"email {claim.evidence_email}")
        if domain and address_at_domain(claim.evidence_email, domain):
            items.append(f"email at institution domain {domain}")
    if claim.evidence_orcid:
        items.append(f"ORCID {claim.evidence_orcid}")
    if claim.evidence_homepage:
        items.append(f"homepage {claim.evidence_homepage}")
    if claim.evidence_text:
        items.append("note")
    return items


def user_mailboxes(*, user) -> list[str]:
    """The distinct mailboxes behind the user's verified addresses, sorted (the lock order)."""
    return sorted({mailbox_key(address) for address in user_verified_emails(user=user)})


def mailbox_claimed_elsewhere(*, mailboxes: list[str], user) -> str:
    """A verified address of another account, with a pending or approved claim, at one of these mailboxes.

    Returns that address (or ""). One mailbox may stand behind one claim: a ``+tag`` or a dot
    does not make a second person.
    """
    if not mailboxes:
        return ""
    spellings = Q()
    for mailbox in mailboxes:
        local = mailbox.rpartition("@")[0]
        domains = mailbox_domains(mailbox)
        # A prefix narrows the rows and mailbox_key below decides; gmail ignores dots anywhere,
        # so there only the first letter is a safe prefix.
        prefix = local[:1] if len(domains) > 1 else local
        for domain in domains:
            spellings |= Q(email__istartswith=prefix, email__iendswith="@" + domain)
    claiming = Q(
        Exists(
            Claim.objects.filter(
                user=OuterRef("user"), status__in=[Claim.Status.PENDING, Claim.Status.APPROVED]
            )
        )
    ) | Q(Exists(Author.objects.filter(claimed_by=OuterRef("user"))))
    wanted = set(mailboxes)
    candidates = (
        EmailAddress.objects.filter(spellings, verified=True)
        .exclude(user=user)
        .filter(claiming)
        .order_by("pk")
        .values_list("email", flat=True)
    )
    for address in candidates:
        if mailbox_key(address) in wanted:
            return address
    return ""


def viewer_state(*, user, author: Author) -> ViewerState:
    if not user.is_authenticated:
        return ANONYMOUS_VIEWER
    my_claims = Claim.objects.filter(user=user, author=OuterRef("pk")).order_by("-created_at")
    row = (
        Author.objects.filter(pk=author.pk)
        .annotate(
            viewer_follows=Exists(Follow.objects.filter(user=user, author=OuterRef("pk"))),
            viewer_verified=Exists(EmailAddress.objects.filter(user=user, verified=True)),
            viewer_claim_id=Subquery(my_claims.values("pk")[:1]),
            viewer_claim_status=Subquery(my_claims.values("status")[:1]),
            viewer_claim_reason=Subquery(my_claims.values("decision_reason")[:1]),
            viewer_other_claim=Exists(
                Claim.objects.filter(
                    user=user, status__in=[Claim.Status.PENDING, Claim.Status.APPROVED]
                ).exclude(author=OuterRef("pk"))
            ),
            viewer_blocked=Exists(UserBlock.objects.filter(blocker=OuterRef("claimed_by"), blocked=user)),
        )
        .values(
            "claimed_by_id",
            "viewer_follows",
            "viewer_verified",
            "viewer_claim_id",
            "viewer_claim_status",
            "viewer_claim_reason",
            "viewer_other_claim",
            "viewer_blocked",
        )
        .first()
    )
    if row is None:
        return ViewerState(is_authenticated=True)
    return ViewerState(
        is_authenticated=True,
        is_following=row["viewer_follows"],
        email_verified=row["viewer_verified"],
        is_owner=row["claimed_by_id"] == user.pk,
        claim_id=row["viewer_claim_id"],
        claim_status=row["viewer_claim_status"] or "",
        claim_reason=row["viewer_claim_reason"] or "",
        has_other_claim=row["viewer_other_claim"],
        blocked_by_owner=row["viewer_blocked"],
    )


def followed_author_ids(*, user, author_ids: list[int]) -> set[int]:
    """Which of these authors the user follows (for follow buttons on lists, one query)."""
    if not user.is_authenticated or not author_ids:
        return set()
    return set(Follow.objects.filter(user=user, author_id__in=author_ids).values_list("author_id", flat=True))


def followed_authors(*, user) -> QuerySet[Author]:
    return Author.objects.filter(follows__user=user).select_related("institution").order_by("display_name")


def following_feed(*, user) -> QuerySet[Paper]:
    """Recent work by the researchers the user follows, newest publication first."""
    # An IN subquery keeps each paper once however many followed co-authors it has.
    followed_papers = Authorship.objects.filter(author__follows__user=user).values("paper_id")
    return papers_with_authors().filter(pk__in=followed_papers).order_by(*NEWEST_FIRST)


def digest_papers(*, user_id: int, since: datetime.datetime, until: datetime.datetime) -> QuerySet[Paper]:
    """Papers by followed researchers that arrived on the site in [since, until)."""
    followed_papers = Authorship.objects.filter(author__follows__user_id=user_id).values("paper_id")
    return (
        papers_with_authors()
        .filter(pk__in=followed_papers, created_at__gte=since, created_at__lt=until)
        .order_by(*NEWEST_FIRST)
    )


def digest_recipient_ids(*, week_start: datetime.date) -> list[int]:
    """Users who opted in, follow someone, have a verified email and have no digest for that week."""
    return list(
        AccountPreferences.objects.filter(weekly_digest=True, user__is_active=True)
        .filter(Exists(Follow.objects.filter(user=OuterRef("user"))))
        .filter(Exists(EmailAddress.objects.filter(user=OuterRef("user"), verified=True)))
        .exclude(Exists(FollowDigest.objects.filter(user=OuterRef("user"), week_start=week_start)))
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )


def owner_papers(*, author: Author) -> QuerySet[Paper]:
    """The papers on a claimed profile, for its owner's edit page (with any open disown request)."""
    disowned = CurationItem.objects.filter(
        kind=CurationItem.Kind.DISOWNED_PAPER,
        status=CurationItem.Status.OPEN,
        author=author,
        paper=OuterRef("pk"),
    )
    return (
        Paper.objects.filter(authorships__author=author)
        .annotate(disown_pending=Exists(disowned))
        .order_by(*NEWEST_FIRST)
    )


def account_preferences(*, user) -> AccountPreferences:
    """The saved preferences, or unsaved defaults."""
    return AccountPreferences.objects.filter(user=user).first() or AccountPreferences(user=user)


def user_claims(*, user) -> QuerySet[Claim]:
    return Claim.objects.filter(user=user).select_related("author").order_by("-created_at")


# --- conversations -----------------------------------------------------------------------


def conversations_of(*, user) -> QuerySet[Conversation]:
    """Conversations the user takes part in: as the one who wrote first, or as the invited researcher.

    The recipient is stored when the conversation starts: a later owner of the profile does not
    read earlier threads.
    """
    return Conversation.objects.filter(Q(initiator=user) | Q(recipient=user))


def inbox(*, user) -> QuerySet[Conversation]:
    return (
        conversations_of(user=user)
        .select_related("author", "initiator", "paper", "topic")
        .annotate(
            unread=Count("messages", filter=Q(messages__read_at=None) & ~Q(messages__sender=user)),
            message_count=Count("messages"),
        )
        .order_by("-updated_at")
    )


def unread_message_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return (
        Message.objects.filter(read_at=None)
        .exclude(sender=user)
        .filter(Q(conversation__initiator=user) | Q(conversation__recipient=user))
        .count()
    )


def conversation_for_participant(*, user, conversation_id: int) -> Conversation | None:
    """The conversation if the user takes part in it; None hides its existence from anyone else."""
    if not user.is_authenticated:
        return None
    return (
        conversations_of(user=user)
        .select_related("author", "recipient", "initiator", "paper", "topic")
        .filter(pk=conversation_id)
        .first()
    )


def conversation_messages(*, conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.select_related("sender").order_by("created_at", "pk")


def user_blocks(*, blocker_id: int, blocked_id: int) -> bool:
    return UserBlock.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists()


def author_is_followed(*, author: Author, user) -> bool:
    return Follow.objects.filter(author=author, user=user).exists()


def claims_visible_to(*, user) -> QuerySet[Claim]:
    """A user sees their own claims; staff who may view claims (``accounts.view_claim``) see
    everyone's, evidence included. Being staff alone is not enough."""
    claims = Claim.objects.select_related("author").order_by("-created_at", "-pk")
    if user.is_active and user.is_staff and user.has_perm("accounts.view_claim"):
        return claims
    return claims.filter(user=user)
