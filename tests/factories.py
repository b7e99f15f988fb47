"""factory_boy factories shared by every test package: one way to build each kind of row."""

from __future__ import annotations

import hashlib

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from accounts.models import Claim, Conversation, Follow
from curation.models import CurationItem
from ingest.models import ImportBatch
from papers.models import Authorship, Paper
from profiles.models import Author, AuthorAlias, Institution


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose password is "<username>-password", with a primary email address;
    ``verified=False`` leaves the address unverified, ``staff=True`` makes a superuser."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    verified = True
    staff = False

    @classmethod
    def _create(cls, model_class, *args, verified: bool, staff: bool, **kwargs):
        kwargs.setdefault("password", f"{kwargs['username']}-password")
        create = model_class.objects.create_superuser if staff else model_class.objects.create_user
        user = create(*args, **kwargs)
        EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
        return user


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    slug = factory.LazyAttribute(lambda institution: slugify(institution.name))


class AuthorFactory(factory.django.DjangoModelFactory):
    """An author; ``alias=True`` also records its name as an alias (what an import does)."""

    class Meta:
        model = Author
        skip_postgeneration_save = True

    display_name = factory.Sequence(lambda n: f"Researcher {n}")
    slug = factory.LazyAttribute(lambda author: slugify(author.display_name))
    normalized_name = factory.LazyAttribute(lambda author: author.display_name.lower())

    @factory.post_generation
    def alias(author, create, extracted, **kwargs):
        if create and extracted:
            AuthorAlias.objects.create(
                author=author, name=author.display_name, normalized_name=author.normalized_name
            )


class PaperFactory(factory.django.DjangoModelFactory):
    """A paper; ``authors=[...]`` lists its authors in order."""

    class Meta:
        model = Paper
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Paper {n}")
    slug = factory.Sequence(lambda n: f"factory-paper-{n}")

    @factory.post_generation
    def authors(paper, create, extracted, **kwargs):
        for position, author in enumerate(extracted or ()):
            AuthorshipFactory(paper=paper, author=author, position=position)


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    paper = factory.SubFactory(PaperFactory)
    author = factory.SubFactory(AuthorFactory)
    position = 0
    name_as_written = factory.LazyAttribute(lambda authorship: authorship.author.display_name)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    user = factory.SubFactory(UserFactory)
    author = factory.SubFactory(AuthorFactory)
    status = Claim.Status.PENDING
    evidence_text = "These are my papers."


class FollowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Follow

    user = factory.SubFactory(UserFactory)
    author = factory.SubFactory(AuthorFactory)


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    initiator = factory.SubFactory(UserFactory)
    author = factory.SubFactory(AuthorFactory)
    recipient = factory.LazyAttribute(lambda conversation: conversation.author.claimed_by)
    subject = "Collaboration?"


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    original_name = factory.Sequence(lambda n: f"dump-{n}.txt")
    checksum = factory.LazyAttribute(lambda batch: hashlib.sha256(batch.original_name.encode()).hexdigest())
    format = "paper_feed"


class CurationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CurationItem

    kind = CurationItem.Kind.POSSIBLE_DUPLICATE
    summary = factory.Sequence(lambda n: f"Item {n}")
    author = factory.SubFactory(AuthorFactory)
