"""What every REST API of the project shares: ids in requests, request bodies checked by a
serializer, and one shape for every error a client can cause:
{"code": "<dotted.code>", "message": "..."} (settings REST_FRAMEWORK["EXCEPTION_HANDLER"])."""

from __future__ import annotations

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kernel.errors import DomainError
from kernel.scopes import required_scope

ID_MAX = 2**63 - 1  # the largest key a BigAutoField holds
# A row id in a query string, as the OpenAPI schema documents it: 0 and negatives are not ids.
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": ID_MAX}


def id_field(**kwargs) -> serializers.IntegerField:
    """A row id in a request body: a whole number from 1 to what a key holds, else a 400 naming the
    field (a larger number used to reach the database: an overflow there, and a 500)."""
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def parse_id(value) -> int | None:
    """A row id from a URL or a query string, or None when the text is not one: ASCII digits only
    ("²" is a digit to str.isdigit() but not to int()), at most a key's size."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


def first_error(errors) -> str:
    """The first message of a serializer's errors, however nested (a list's child errors are keyed by
    position, and only the positions that failed are there)."""
    while isinstance(errors, dict | list) and errors:
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    return str(errors)


def validated(serializer_class, data, *, code: str) -> dict:
    """The request body checked by the serializer; DomainError(code) naming the first bad field."""
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        field, errors = next(iter(serializer.errors.items()))
        raise DomainError(code, f"{field}: {first_error(errors)}")
    return serializer.validated_data


def exception_handler(exc, context):
    """Every error a client can cause, as {"code": "<dotted.code>", "message": "..."}.

    DomainError: its code and status. DRF's own errors (no such row, not signed in, not allowed, a
    method or media type it does not take, a body it cannot parse) keep DRF's status and headers
    and get the code "api.<DRF's code>" ("api.not_found"); a serializer's field errors come as
    "api.invalid" with the first one as the message and all of them under "errors".
    """
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "message": exc.message}, status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        errors = response.data
        response.data = {"code": "api.invalid", "message": first_error(errors), "errors": errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"code": f"api.{getattr(detail, 'code', 'error')}", "message": str(detail)}
        response.data.update(getattr(exc, "extra", None) or {})  # e.g. the scope a token lacks
    return response


@csrf_exempt  # it changes nothing; a POST without a token gets the JSON 404 too, not the HTML 403 page
def api_not_found(request, *args, **kwargs):
    """Any /api/ address no operation answers: the API's own 404, in JSON like every API error."""
    return JsonResponse({"code": "api.not_found", "message": str(NotFound.default_detail)}, status=404)


# --- the OpenAPI schema -----------------------------------------------------------------------------


class ErrorOut(serializers.Serializer):
    """Every error a client can cause (exception_handler above)."""

    code = serializers.CharField(help_text='a dotted code, e.g. "meeting.slot_taken" or "api.not_found"')
    message = serializers.CharField(help_text="what went wrong, in the caller's language")
    errors = serializers.JSONField(required=False, help_text='"api.invalid" only: every field\'s errors')
    scope = serializers.CharField(
        required=False, help_text='"api.token_scope" only: the scope the token lacks'
    )


# The answers any operation may give besides its own: documented once, for every operation.
ERROR_ANSWERS = {
    "400": "Bad input: a parameter or a field of the body is missing or wrong, or a rule refuses it.",
    "401": "The credentials sent are wrong.",
    "403": "Not signed in, or not allowed to do this.",
    "404": "No such object, or not one the caller may see.",
    "405": "This method is not allowed here.",
    "406": "The Accept header asks for a format the API does not give.",
    "415": "The body is not JSON (or form data).",
    "429": "Too many requests: try again later.",
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, with the {code, message} error answers on every operation, so that a
    client (and schemathesis in CI, tests/security/run_schemathesis.sh) knows every status it can get."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is not None:
            operation["x-token-scope"] = required_scope(self.view, self.method) or "none"
        return operation

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self.resolve_serializer(ErrorOut, "response").ref
        for status, description in ERROR_ANSWERS.items():
            responses.setdefault(
                status, {"description": description, "content": {"application/json": {"schema": error}}}
            )
        return responses
