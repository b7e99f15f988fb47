"""The research graph API: an author's slice, any node's neighbours, and collaboration paths."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import ErrorSerializer, absolute
from api.throttling import GraphThrottle, SearchThrottle
from api.views import PublicReadApi, QueryParamsMixin
from graph import selectors as graph_selectors
from graph.paths import PATH_MAX_HOPS
from graph.slice import DEFAULT_MAX_NODES, DEFAULT_RADIUS, KINDS, MAX_RADIUS, PERSON, SLICE_SIZES
from profiles import selectors as profile_selectors

# --- graph ---------------------------------------------------------------------------------

_NODE_PAGES = {
    "person": "profiles:author",
    "paper": "papers:paper",
    "topic": "papers:topic",
    "institution": "profiles:institution",
}


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="`<kind>:<slug>`, e.g. `person:tatsunori-hashimoto`.")
    kind = serializers.ChoiceField(choices=list(KINDS))
    slug = serializers.CharField()
    label = serializers.CharField()
    url = serializers.SerializerMethodField()
    year = serializers.IntegerField(required=False, allow_null=True, help_text="Papers only.")
    code = serializers.CharField(required=False, help_text="Topics only: the arXiv category.")
    distance = serializers.IntegerField(required=False, help_text="Slices only: hops from the focus.")
    weight = serializers.FloatField(required=False, help_text="Slices only: ranking weight.")
    rank = serializers.IntegerField(required=False, help_text="Slices only: 0 is the focus.")
    x = serializers.FloatField(required=False, help_text="Slices only: layout position.")
    y = serializers.FloatField(required=False)
    angle = serializers.FloatField(required=False)
    shared_papers = serializers.IntegerField(required=False, help_text="Collaborators of the focus only.")
    first_year = serializers.IntegerField(required=False, allow_null=True)
    last_year = serializers.IntegerField(required=False, allow_null=True)
    close = serializers.BooleanField(required=False, help_text="A close collaborator (the trust rule).")

    class Meta:
        ref_name = "GraphNode"

    @extend_schema_field(serializers.URLField(allow_null=True, help_text="The node's page on the site."))
    def get_url(self, node: dict) -> str | None:
        try:
            return absolute(self, reverse(_NODE_PAGES[node["kind"]], kwargs={"slug": node["slug"]}))
        except (KeyError, NoReverseMatch):
            return None


class GraphEdgeSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.ChoiceField(choices=["collaborated", "authored", "about", "affiliated"])
    source = serializers.CharField()
    target = serializers.CharField()
    weight = serializers.FloatField(help_text="Shared papers for collaborators; see the graph docs.")
    year = serializers.IntegerField(required=False, allow_null=True)
    inferred = serializers.BooleanField(required=False)
    first_year = serializers.IntegerField(required=False, allow_null=True)
    last_year = serializers.IntegerField(required=False, allow_null=True)
    close = serializers.BooleanField(required=False)

    class Meta:
        ref_name = "GraphEdge"


class KindCountSerializer(serializers.Serializer):
    shown = serializers.IntegerField()
    available = serializers.IntegerField()

    class Meta:
        ref_name = "GraphKindCount"


@extend_schema(tags=["graph"])
class GraphSliceApi(QueryParamsMixin, PublicReadApi):
    """The research graph around an author: collaborators, papers, topics, institutions."""

    throttle_classes = [*APIView.throttle_classes, GraphThrottle]

    class QuerySerializer(serializers.Serializer):
        radius = serializers.IntegerField(min_value=1, max_value=MAX_RADIUS, default=DEFAULT_RADIUS)
        size = serializers.ChoiceField(
            choices=list(SLICE_SIZES), required=False, help_text="Node budget by name; wins over max_nodes."
        )
        max_nodes = serializers.ChoiceField(
            choices=list(SLICE_SIZES.values()), default=DEFAULT_MAX_NODES, help_text="Node budget."
        )

        class Meta:
            ref_name = "GraphSliceQuery"

    class OutputSerializer(serializers.Serializer):
        focus = serializers.CharField(help_text="Id of the author's node.")
        nodes = GraphNodeSerializer(many=True, help_text="Ranked; the focus first.")
        edges = GraphEdgeSerializer(many=True)
        counts = serializers.DictField(
            child=KindCountSerializer(), help_text="Per kind: shown and available."
        )
        limits = serializers.DictField(child=serializers.IntegerField())

        class Meta:
            ref_name = "GraphSlice"

    @extend_schema(parameters=[QuerySerializer], responses={200: OutputSerializer}, summary="Graph slice")
    def get(self, request, slug: str):
        params = self.query_params(request)
        author = profile_selectors.author_or_moved(slug=slug)
        max_nodes = SLICE_SIZES[params["size"]] if params.get("size") else params["max_nodes"]
        data = graph_selectors.author_slice_presented(
            author=author,
            radius=params["radius"],
            max_nodes=max_nodes,
            present=lambda graph: self.OutputSerializer(graph, context={"request": request}).data,
            variant=f"api:{request.scheme}://{request.get_host()}",
        )
        return Response(data)


@extend_schema(tags=["graph"])
class GraphNeighboursApi(QueryParamsMixin, PublicReadApi):
    """The neighbours of any node: a person's collaborators, papers and institutions; a paper's
    authors and topics; a topic's latest papers; an institution's people."""

    throttle_classes = [*APIView.throttle_classes, GraphThrottle]

    class QuerySerializer(serializers.Serializer):
        limit = serializers.IntegerField(
            min_value=1,
            max_value=graph_selectors.NEIGHBOURS_MAX_LIMIT,
            default=graph_selectors.NEIGHBOURS_DEFAULT_LIMIT,
        )

        class Meta:
            ref_name = "GraphNeighboursQuery"

    class OutputSerializer(serializers.Serializer):
        node = GraphNodeSerializer()
        nodes = GraphNodeSerializer(many=True, help_text="The node itself and its neighbours.")
        edges = GraphEdgeSerializer(many=True)

        class Meta:
            ref_name = "GraphNeighbours"

    @extend_schema(
        parameters=[
            QuerySerializer,
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KINDS)),
            OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=r"^[-a-zA-Z0-9_]+$"),
        ],
        responses={200: OutputSerializer},
        summary="Neighbours of a node",
    )
    def get(self, request, kind: str, slug: str):
        params = self.query_params(request)
        if kind == PERSON:  # a merged author answers 301, as everywhere (profiles.selectors)
            row = profile_selectors.author_or_moved(slug=slug, path_prefix="/person/")
        else:
            row = graph_selectors.graph_node_lookup(kind=kind, slug=slug)
        if row is None:
            raise exceptions.NotFound(f"No {kind} with this slug.")
        data = graph_selectors.node_neighbours(kind=kind, row=row, limit=params["limit"])
        return Response(self.OutputSerializer(data, context={"request": request}).data)


@extend_schema(tags=["graph"])
class GraphPathApi(QueryParamsMixin, PublicReadApi):
    """Shortest chain of co-authorships between two authors ("how am I connected to X")."""

    throttle_classes = [*APIView.throttle_classes, GraphThrottle]

    class QuerySerializer(serializers.Serializer):
        source = serializers.SlugField(max_length=300, help_text="Slug of the first author.")
        target = serializers.SlugField(max_length=300, help_text="Slug of the second author.")
        max_hops = serializers.IntegerField(
            min_value=1, max_value=PATH_MAX_HOPS, default=PATH_MAX_HOPS, help_text="Longest chain searched."
        )
        close_only = serializers.BooleanField(default=False, help_text="Only links of close collaborators.")

        class Meta:
            ref_name = "GraphPathQuery"

    class SearchedSerializer(serializers.Serializer):
        researchers_reached = serializers.IntegerField()
        max_hops = serializers.IntegerField()
        close_only = serializers.BooleanField()
        exhausted = serializers.BooleanField(help_text="True when no path can exist at any length.")

        class Meta:
            ref_name = "GraphPathSearched"

    class OutputSerializer(serializers.Serializer):
        connected = serializers.BooleanField()
        hops = serializers.IntegerField(allow_null=True, help_text="Co-authorships on the path.")
        nodes = GraphNodeSerializer(many=True, help_text="From source to target.")
        edges = GraphEdgeSerializer(many=True)
        searched = serializers.DictField()

        class Meta:
            ref_name = "GraphPath"

    @extend_schema(
        parameters=[QuerySerializer],
        responses={200: OutputSerializer, 422: ErrorSerializer},
        summary="Collaboration path",
    )
    def get(self, request):
        params = self.query_params(request)
        source = profile_selectors.author_list().filter(slug=params["source"]).first()
        target = profile_selectors.author_list().filter(slug=params["target"]).first()
        if source is None or target is None:
            raise exceptions.NotFound(
                "No author with the slug given as " + ("source." if source is None else "target.")
            )
        path = graph_selectors.collaboration_path(
            source=source, target=target, max_hops=params["max_hops"], close_only=params["close_only"]
        )
        return Response(self.OutputSerializer(path, context={"request": request}).data)


@extend_schema(tags=["graph"])
class GraphSearchApi(QueryParamsMixin, PublicReadApi):
    """Nodes of every kind whose name contains the words typed: the explorer's search box."""

    throttle_classes = [*APIView.throttle_classes, SearchThrottle]  # shared with /search

    class QuerySerializer(serializers.Serializer):
        q = serializers.CharField(
            max_length=graph_selectors.SEARCH_MAX_LENGTH,
            min_length=graph_selectors.SEARCH_MIN_LENGTH,
            help_text="Words in a researcher's, paper's, topic's or institution's name.",
        )

        class Meta:
            ref_name = "GraphSearchQuery"

        def validate_q(self, value: str) -> str:
            value = " ".join(value.split())
            if len(value) < graph_selectors.SEARCH_MIN_LENGTH:
                raise serializers.ValidationError(
                    f"Type at least {graph_selectors.SEARCH_MIN_LENGTH} characters."
                )
            return value

    class OutputSerializer(serializers.Serializer):
        query = serializers.CharField()
        results = GraphNodeSerializer(many=True, help_text="Researchers, papers, topics, institutions.")

        class Meta:
            ref_name = "GraphSearch"

    @extend_schema(
        parameters=[QuerySerializer], responses={200: OutputSerializer}, summary="Find graph nodes"
    )
    def get(self, request):
        query = self.query_params(request)["q"]
        data = {"query": query, "results": graph_selectors.graph_search(query=query)}
        return Response(self.OutputSerializer(data, context={"request": request}).data)
