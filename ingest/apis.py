"""The import API (staff): upload a dump, import by identifier, follow a batch and its records."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.conditional import ConditionalGetMixin
from api.permissions import StaffModelPermissions
from api.serializers import ErrorSerializer
from api.throttling import ImportUploadThrottle
from api.views import CsvRenderer, ExportApi
from ingest import fetchers, formats, selectors
from ingest.exports import batch_report_csv
from ingest.filters import ImportBatchFilter, ImportRecordFilter
from ingest.models import ImportBatch, ImportRecord
from ingest.serializers import ImportBatchSerializer, ImportRecordSerializer
from ingest.services import batch_create, batch_create_from_identifiers, upload_read

# --- imports (staff) -----------------------------------------------------------------------


@extend_schema(tags=["imports"])
class ImportListCreateApi(ConditionalGetMixin, generics.ListAPIView):
    """Import batches, newest first; POST a dump (multipart) to import it."""

    permission_classes = [StaffModelPermissions]
    permission_model = ImportBatch
    serializer_class = ImportBatchSerializer
    filterset_class = ImportBatchFilter
    throttle_classes = [*APIView.throttle_classes, ImportUploadThrottle]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text="The dump, as it came; at most IMPORT_MAX_BYTES.")
        format = serializers.ChoiceField(
            choices=[("", "detect from the content"), *[(name, name) for name in formats.FORMATS]],
            required=False,
            default="",
        )
        subject_name = serializers.CharField(
            max_length=300,
            required=False,
            allow_blank=True,
            default="",
            help_text="Researcher the listing is of.",
        )

        class Meta:
            ref_name = "ImportCreateInput"

    def get_queryset(self):
        return selectors.import_batches()

    @extend_schema(summary="Import batches")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: ImportBatchSerializer},
        summary="Upload a dump to import",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        batch = batch_create(
            content=upload_read(upload=upload, format=serializer.validated_data["format"]),
            original_name=upload.name or "upload.txt",
            format=serializer.validated_data["format"],
            subject_name=serializer.validated_data["subject_name"],
            created_by=request.user,
        )
        batch = selectors.import_batches().get(pk=batch.pk)
        data = ImportBatchSerializer(batch, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["api_url"]})


@extend_schema(tags=["imports"])
class ImportByIdentifierApi(APIView):
    """Fetch metadata for arXiv ids and DOIs (and an ORCID record's works) and import it.

    The records are queued as an ordinary import batch (canonical JSON Lines): follow it at
    `api_url`. A source that cannot be reached gives 502 and stores nothing.
    """

    permission_classes = [StaffModelPermissions]  # POST: ingest.add_importbatch
    permission_model = ImportBatch
    throttle_classes = [*APIView.throttle_classes, ImportUploadThrottle]

    class InputSerializer(serializers.Serializer):
        arxiv = serializers.ListField(
            child=serializers.CharField(max_length=100),
            required=False,
            default=list,
            max_length=fetchers.MAX_IDENTIFIERS,
            help_text="arXiv ids (`2305.14387`, `arXiv:hep-th/9901001v2`, an abs URL).",
        )
        doi = serializers.ListField(
            child=serializers.CharField(max_length=300),
            required=False,
            default=list,
            max_length=fetchers.MAX_IDENTIFIERS,
            help_text="DOIs (`10.1145/3442188.3445922`, a doi.org URL).",
        )
        orcid = serializers.CharField(
            max_length=60, required=False, allow_blank=True, default="", help_text="Import this iD's works."
        )

        class Meta:
            ref_name = "ImportByIdentifierInput"

        def validate(self, data):
            try:
                data["identifiers"] = fetchers.identifiers_validate(
                    arxiv_ids=data["arxiv"], dois=data["doi"], orcid=data["orcid"]
                )
            except fetchers.IdentifiersInvalid as error:
                raise serializers.ValidationError(
                    error.fields or {"non_field_errors": [error.message]}
                ) from error
            return data

    class OutputSerializer(ImportBatchSerializer):
        not_found = serializers.ListField(
            child=serializers.CharField(), help_text="Identifiers the sources did not know (`doi:10.…`)."
        )

        class Meta:
            ref_name = "ImportByIdentifier"

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, 400: ErrorSerializer, 502: ErrorSerializer},
        summary="Import papers by arXiv id, DOI or ORCID iD",
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = batch_create_from_identifiers(
            identifiers=serializer.validated_data["identifiers"], created_by=request.user
        )
        batch = selectors.import_batches().get(pk=result.batch.pk)
        batch.not_found = result.not_found
        data = self.OutputSerializer(batch, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["api_url"]})


def batch_or_404(pk: int) -> ImportBatch:
    batch = selectors.import_batches().filter(pk=pk).first()
    if batch is None:
        raise exceptions.NotFound("No import batch with this id.")
    return batch


@extend_schema(tags=["imports"])
class ImportDetailApi(ConditionalGetMixin, APIView):
    permission_classes = [StaffModelPermissions]
    permission_model = ImportBatch

    @extend_schema(
        responses={200: ImportBatchSerializer}, summary="An import batch: status, progress, counts"
    )
    def get(self, request, pk: int):
        return Response(ImportBatchSerializer(batch_or_404(pk), context={"request": request}).data)


@extend_schema(tags=["imports"], summary="The records of an import batch, in file order")
class ImportRecordsApi(ConditionalGetMixin, generics.ListAPIView):
    permission_classes = [StaffModelPermissions]
    permission_model = ImportRecord
    serializer_class = ImportRecordSerializer
    filterset_class = ImportRecordFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportRecord.objects.none()
        return selectors.import_records(batch=batch_or_404(self.kwargs["pk"]))


@extend_schema(
    tags=["imports"],
    summary="An import batch's report as CSV",
    responses={(200, "text/csv"): OpenApiTypes.STR},
)
class ImportReportCsvApi(ExportApi):
    permission_classes = [StaffModelPermissions]
    permission_model = ImportBatch
    renderer_classes = [CsvRenderer]

    def get(self, request, pk: int):
        batch = batch_or_404(pk)
        records = selectors.import_records(batch=batch)
        text = batch_report_csv(batch, records.iterator(chunk_size=2000), site_url=request.build_absolute_uri)
        return self.attachment(text, f"import-{batch.pk}-report.csv")
