"""API representation of a claim."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import Claim
from api.serializers import LinkField, api_path
from profiles.serializers import AuthorRefSerializer


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = AuthorRefSerializer()
    status = serializers.ChoiceField(choices=Claim.Status.choices)
    evidence_text = serializers.CharField()
    evidence_email = serializers.CharField()
    evidence_orcid = serializers.CharField()
    evidence_homepage = serializers.CharField()
    decision_reason = serializers.CharField(help_text="Why an admin rejected the claim, if they did.")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    api_url = LinkField(lambda claim: api_path("claim-detail", pk=claim.pk))

    class Meta:
        ref_name = "Claim"
