"""The NinjaAPI: authentication, the one error shape, idempotency keys, and the routers."""

from ninja import NinjaAPI

from cowork.api import approvals, bookings, idempotency, series, spaces
from cowork.api.auth import api_auth
from cowork.api.errors import install_error_handlers


class CoworkApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        # The header is read by decorators of the whole API, not by each operation's
        # signature, so it is added to the description here.
        return idempotency.document_key(super().get_openapi_schema(**kwargs))


api = CoworkApi(
    urls_namespace="api-v1",
    title="cowork API",
    version="1",
    description=(
        "Book desks, rooms and equipment across the network's centres. Authenticate with "
        "'Authorization: Bearer <key>' (manage.py create_api_token) or the web session. "
        "Times carry an offset: inputs must, and outputs are shown in the centre's zone. "
        "Send an Idempotency-Key with a POST or PATCH to make retrying it safe. "
        'Every error is {"error": {"code", "message", "details"}}.'
    ),
    auth=api_auth,
)
install_error_handlers(api)
api.add_decorator(idempotency.answer_key, mode="view")
api.add_decorator(idempotency.claim_key, mode="operation")

api.add_router("", spaces.router)
api.add_router("", bookings.router)
api.add_router("", series.router)
api.add_router("", approvals.router)
