"""API representations of authors and institutions, shared by several endpoints."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers import LinkField, api_path
from profiles.models import Author


class InstitutionRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    ror_id = serializers.CharField(help_text="ROR id, bare (`00f54p054`); empty when unknown.")
    api_url = LinkField(lambda institution: api_path("institution-detail", slug=institution.slug))

    class Meta:
        ref_name = "InstitutionRef"


class AuthorRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    display_name = serializers.CharField()
    url = LinkField(lambda author: author.get_absolute_url(), help_text="The profile page.")
    api_url = LinkField(lambda author: api_path("author-detail", slug=author.slug))

    class Meta:
        ref_name = "AuthorRef"


class AuthorSummarySerializer(AuthorRefSerializer):
    institution = InstitutionRefSerializer(allow_null=True)
    verification_level = serializers.ChoiceField(choices=Author.Verification.choices)
    open_to_collaborate = serializers.BooleanField()
    work_count = serializers.IntegerField()
    follower_count = serializers.IntegerField()
    trust_score = serializers.IntegerField(allow_null=True, help_text="0-100; null until computed.")

    class Meta:
        ref_name = "AuthorSummary"
