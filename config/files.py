"""Evidence files over the API: a read-only resource per kind of file whose `GET {id}/` answers
the file itself to a caller with a token, under the same access rule as the page's download
(another unit's file is 404). The `/media/…` URLs are not served to anyone.

The resources are plain paths (`file_paths`), not router entries: they have no list, and every
router entry is a list (tests/test_campaigns_side_by_side.py walks them)."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.reverse import reverse

FILE_RESPONSE = {
    (200, "application/octet-stream"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The file, as an attachment named as uploaded."
    )
}


def file_paths(prefix: str, files: list[tuple[str, str, type]]) -> list:
    """URL patterns `<prefix><segment>/<id>/` named `<basename>-detail`, one per file viewset."""
    from django.urls import path

    return [
        path(f"{prefix}{segment}/<int:pk>/", viewset.as_view({"get": "retrieve"}), name=f"{basename}-detail")
        for segment, basename, viewset in files
    ]


def file_url(serializer, basename: str, pk: int) -> str:
    """The API address of a file: absolute when the serializer knows the request."""
    return reverse(f"{basename}-detail", kwargs={"pk": pk}, request=serializer.context.get("request"))


class FileDownloadViewSet(viewsets.GenericViewSet):
    """`GET {id}/` answers the file. Subclasses give `files_visible_to(user)` (a queryset cut by
    the access policy) and `filename_field`."""

    filename_field = "name"
    pagination_class = None
    filter_backends = []

    def files_visible_to(self, user):
        raise NotImplementedError

    def get_queryset(self):
        return self.files_visible_to(self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # A client asking for the file's own type (Accept: image/jpeg) gets the file; errors
        # are JSON whatever it asked for.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses=FILE_RESPONSE)
    def retrieve(self, request, pk=None):
        record = self.get_object()
        try:
            handle = record.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(handle, as_attachment=True, filename=getattr(record, self.filename_field))
