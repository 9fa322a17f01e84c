"""The API's body parser, in a module of its own: DRF reads its default parsers while
`rest_framework.views` is being imported, so it may not live in `config/api.py` (which imports
drf-spectacular, which imports DRF's views)."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class JSONObjectParser(JSONParser):
    """Every JSON body the API takes is an object: a list, a string, a number or `null` is
    refused with a 400 before any view reads it (views and serializers may then count on
    `request.data.get`)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise exceptions.ParseError(_('The body must be a JSON object with named fields, like {"comment": "…"}.'))
        return data
