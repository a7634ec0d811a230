"""The NinjaAPI: authentication, the one error shape, and the routers."""

from ninja import NinjaAPI

from cowork.api import approvals, bookings, series, spaces
from cowork.api.auth import api_auth
from cowork.api.errors import install_error_handlers

api = NinjaAPI(
    urls_namespace="api-v1",
    title="cowork API",
    version="1",
    description=(
        "Book desks, rooms and equipment across the network's centres. Authenticate with "
        "'Authorization: Bearer <key>' (manage.py create_api_token) or the web session. "
        "Times carry an offset: inputs must, and outputs are shown in the centre's zone. "
        'Every error is {"error": {"code", "message", "details"}}.'
    ),
    auth=api_auth,
)
install_error_handlers(api)

api.add_router("", spaces.router)
api.add_router("", bookings.router)
api.add_router("", series.router)
api.add_router("", approvals.router)
