"""The API of follows and claims."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.filters import ClaimFilter
from accounts.models import Claim
from accounts.serializers import ClaimSerializer
from accounts.services import claim_create, claim_withdraw, follow_create, follow_delete
from api.conditional import ConditionalGetMixin
from api.throttling import ClaimThrottle
from profiles import selectors as profile_selectors
from profiles.models import Author

# --- follow and claims ---------------------------------------------------------------------


class FollowStateSerializer(serializers.Serializer):
    author = serializers.CharField(help_text="The author's slug.")
    following = serializers.BooleanField()
    follower_count = serializers.IntegerField()

    class Meta:
        ref_name = "FollowState"


@extend_schema(tags=["follow"], responses={200: FollowStateSerializer})
class AuthorFollowApi(ConditionalGetMixin, APIView):
    """Whether you follow an author; follow (POST) and unfollow (DELETE), both idempotent."""

    permission_classes = [IsAuthenticated]
    may_conflict = True

    def _state(self, author: Author, following: bool, follower_count: int) -> Response:
        state = {"author": author.slug, "following": following, "follower_count": follower_count}
        return Response(FollowStateSerializer(state).data)

    @extend_schema(summary="Do I follow this author?")
    def get(self, request, slug: str):
        author = profile_selectors.author_or_moved(slug=slug)
        following = selectors.author_is_followed(author=author, user=request.user)
        return self._state(author, following, author.follower_count)

    @extend_schema(request=None, summary="Follow an author")
    def post(self, request, slug: str):
        author = profile_selectors.author_or_moved(slug=slug)
        return self._state(author, True, follow_create(user=request.user, author=author))

    @extend_schema(summary="Unfollow an author")
    def delete(self, request, slug: str):
        author = profile_selectors.author_or_moved(slug=slug)
        return self._state(author, False, follow_delete(user=request.user, author=author))


ORCID_PATTERN = r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"


@extend_schema(tags=["claims"])
class AuthorClaimCreateApi(APIView):
    """Claim an author profile as yourself (needs a verified email address); an admin reviews it.

    Only strong evidence approves the claim at once (an ORCID sign-in matching an iD that an
    import or an admin put on the record): the answer's status says which. A verified address at
    the institution's domain is evidence for the reviewer. One mailbox (ignoring +tags) can
    stand behind one claim.
    """

    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, ClaimThrottle]  # shared with the claim page
    may_conflict = True

    class InputSerializer(serializers.Serializer):
        evidence_text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
        evidence_email = serializers.EmailField(
            required=False, allow_blank=True, default="", help_text="One of your verified addresses."
        )
        evidence_orcid = serializers.RegexField(
            ORCID_PATTERN, max_length=19, required=False, allow_blank=True, default=""
        )
        evidence_homepage = serializers.URLField(max_length=200, required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ClaimCreateInput"

    @extend_schema(
        request=InputSerializer, responses={201: ClaimSerializer}, summary="Claim an author profile"
    )
    def post(self, request, slug: str):
        author = profile_selectors.author_or_moved(slug=slug)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = claim_create(user=request.user, author=author, **serializer.validated_data)
        claim = Claim.objects.select_related("author").get(pk=claim.pk)
        data = ClaimSerializer(claim, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["api_url"]})


@extend_schema(tags=["claims"], summary="Your claims (staff with the view-claim permission: everyone's)")
class ClaimListApi(ConditionalGetMixin, generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Claim.objects.none()
        return selectors.claims_visible_to(user=self.request.user)


def claim_or_404(request, pk: int) -> Claim:
    claim = selectors.claims_visible_to(user=request.user).filter(pk=pk).first()
    if claim is None:
        raise exceptions.NotFound("No claim with this id among those you can see.")
    return claim


@extend_schema(tags=["claims"])
class ClaimDetailApi(ConditionalGetMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ClaimSerializer}, summary="A claim and its status")
    def get(self, request, pk: int):
        return Response(ClaimSerializer(claim_or_404(request, pk), context={"request": request}).data)


@extend_schema(tags=["claims"])
class ClaimWithdrawApi(APIView):
    permission_classes = [IsAuthenticated]
    may_conflict = True

    @extend_schema(request=None, responses={200: ClaimSerializer}, summary="Withdraw your pending claim")
    def post(self, request, pk: int):
        claim = claim_or_404(request, pk)
        if claim.user_id != request.user.pk:
            raise exceptions.PermissionDenied(
                "Only the claimant can withdraw a claim; staff decide it in the admin."
            )
        claim = claim_withdraw(claim=claim, user=request.user)
        claim = Claim.objects.select_related("author").get(pk=claim.pk)
        return Response(ClaimSerializer(claim, context={"request": request}).data)
