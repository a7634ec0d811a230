"""Probes of a running process: /healthz (alive), /readyz (its services), /metrics (Prometheus).

`cowork.config.middleware.ProbeMiddleware` serves them before host validation and the HTTPS
redirect, so a load balancer or Prometheus can address one process by its own name.
"""

import hmac
import logging
import threading
import time

from django.conf import settings
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cowork import metrics
from cowork.web.client_ip import client_ip, parse_address

logger = logging.getLogger(__name__)

OK, DOWN, NOT_CONFIGURED = "ok", "down", "not configured"


@never_cache
@require_safe
def healthz(request):
    """The process is alive and serving; touches nothing else, so a database outage never
    makes a supervisor restart every web process at once."""
    return JsonResponse({"status": OK})


def check_database() -> dict:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": OK}


def check_redis() -> dict:
    """Every Redis behind the channel layer, REDIS_URL and each of REDIS_SHARD_URLS; without
    REDIS_URL the layer is in-memory. One shard down loses the updates of the groups on it."""
    if not settings.REDIS_URL:
        return {"status": NOT_CONFIGURED}
    import redis

    timeout = settings.READYZ_TIMEOUT_SECONDS
    for url in [settings.REDIS_URL, *settings.REDIS_SHARD_URLS]:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    return {"status": OK}


def check_task_cluster() -> dict:
    """Is a django-q2 cluster running? Read from the schedules it must keep moving.

    django-q2's own `Stat` lives in each process's cache, so another process cannot see it.
    The schedules declared in code (`apply_schedules`) include some that run every minute,
    and a running cluster's scheduler (every 30 s) moves each schedule's `next_run` into
    the future as it fires it. A `next_run` well in the past therefore means no cluster is
    running (or it is wedged), whichever process asks. A missing schedule means
    `apply_schedules` was not run on this deploy, and nothing recurring would ever happen.
    """
    from django_q.models import Schedule

    from cowork.management.commands.apply_schedules import declared_schedules

    declared = {spec.name for spec in declared_schedules()}
    next_runs = dict(Schedule.objects.filter(name__in=declared).values_list("name", "next_run"))
    missing = sorted(declared - next_runs.keys())
    if missing:
        return {
            "status": DOWN,
            "detail": f"schedules missing (run manage.py apply_schedules): {', '.join(missing)}",
        }
    now = timezone.now()
    late = {
        name: (now - next_run).total_seconds()
        for name, next_run in next_runs.items()
        if next_run is not None
        and (now - next_run).total_seconds() > settings.READYZ_TASKS_LATE_SECONDS
    }
    if late:
        worst = max(late, key=late.get)
        return {
            "status": DOWN,
            "detail": f"no task cluster is running: {worst} is {late[worst]:.0f} s overdue",
        }
    return {"status": OK}


def _database_checks() -> dict:
    """Both checks that need the database, on one connection of this worker thread."""
    try:
        try:
            results = {"database": check_database()}
        except Exception as exc:
            return {"database": _failure(exc), "tasks": {"status": DOWN, "detail": "no database"}}
        try:
            results["tasks"] = check_task_cluster()
        except Exception as exc:
            results["tasks"] = _failure(exc)
        return results
    finally:
        # The connection belongs to this thread, which the pool may never reuse.
        connections.close_all()


def _redis_check() -> dict:
    try:
        return {"redis": check_redis()}
    except Exception as exc:
        return {"redis": _failure(exc)}


def _failure(exc: Exception) -> dict:
    return {"status": DOWN, "detail": f"{type(exc).__name__}: {str(exc).strip()[:300]}"}


def _in_thread(check) -> tuple[threading.Thread, dict]:
    """Run `check` on a daemon thread; a hung one is left behind and never blocks exit."""
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(check()), name="readyz", daemon=True)
    thread.start()
    return thread, result


@never_cache
@require_safe
def readyz(request):
    """Each service this installation needs, with 503 naming the ones that are down.

    For monitoring and deploy gates, not for the load balancer's health check: a task
    cluster outage should page someone, not take every web process out of rotation.
    Checks run in parallel, each bounded by READYZ_TIMEOUT_SECONDS, so a hung service
    (a database pool waiting for a connection) answers "down" in seconds.
    """
    timeout = settings.READYZ_TIMEOUT_SECONDS
    deadline = time.monotonic() + timeout
    running = [
        (_in_thread(_database_checks), ("database", "tasks")),
        (_in_thread(_redis_check), ("redis",)),
    ]
    checks = {}
    for (thread, result), names in running:
        thread.join(max(0.0, deadline - time.monotonic()))
        for name in names:
            checks[name] = (
                result[name]
                if not thread.is_alive()
                else {"status": DOWN, "detail": f"no answer within {timeout:g} s"}
            )
    checks = {name: checks[name] for name in ("database", "redis", "tasks")}
    failing = [name for name, check in checks.items() if check["status"] == DOWN]
    if failing:
        logger.warning(
            "Not ready: %s", "; ".join(f"{n}: {checks[n].get('detail')}" for n in failing)
        )
    return JsonResponse(
        {"status": "unavailable" if failing else OK, "failing": failing, "checks": checks},
        status=503 if failing else 200,
    )


def _metrics_allowed(request) -> bool:
    """A bearer token when METRICS_TOKEN is set; otherwise an address not on the internet
    (private, loopback, link-local).

    Behind nginx the address is the client's (X-Forwarded-For from a trusted proxy,
    cowork.config.client_address), so the internet is refused either way, and a header from
    anyone else names nobody.
    """
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    address = parse_address(client_ip(request) or "")
    return address is not None and not address.is_global


@never_cache
@require_safe
def metrics_view(request):
    if not _metrics_allowed(request):
        response = HttpResponse(status=401 if settings.METRICS_TOKEN else 403)
        if settings.METRICS_TOKEN:
            response["WWW-Authenticate"] = "Bearer"
        return response
    body, content_type = metrics.render(request.headers.get("Accept", ""))
    return HttpResponse(body, content_type=content_type)


# Served by ProbeMiddleware, by exact path.
PROBES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}
