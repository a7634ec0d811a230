"""deploy/nginx.conf: nginx accepts it, and in front of a real daphne it does what it says."""

import functools
import gzip
import json
import os
import re
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.test import Client

from realtime.protocol import HEARTBEAT_SECONDS
from tests.deploy.envfile import ROOT
from tests.servers import IN_CI, DaphneServer, free_port, server_environment

CONF = (ROOT / "deploy" / "nginx.conf").read_text()
# The location that rate-limits sign-in, by its regular expression.
# Seconds: a bound on a stuck websocket step, not a speed requirement. On a machine busy
# with the rest of CI a first handshake once took longer than 10 s.
WAIT = 30
SIGN_IN_PATHS = "^/(login/|admin/login/|signin/|signup/|password_reset/)"


def _nginx() -> str:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not shutil.which(binary):
        message = "nginx not found: the nginx.conf tests need it (apt-get install nginx-light)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return binary


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made once for the module. Its key is an
    elliptic curve's: openssl makes one at once where an RSA key takes it a fifth of a
    second, and each handshake signs with it sooner; nginx.conf names no key type."""
    certs = tmp_path_factory.mktemp("certs")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", certs / "privkey.pem",
         "-out", certs / "fullchain.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    return certs


def _local_copy(
    tmp_path, certs, *, upstream_port: int = 8001, http_port=80, https_port=443, root=None
) -> str:
    """The file as shipped, with what a test machine lacks swapped for local stand-ins: the
    upstream names (Docker's DNS), the certificate, the static root (`root`, tmp_path if
    not given), the pid file, ports."""
    conf = re.sub(r"server web\d+:8000", f"server 127.0.0.1:{upstream_port}", CONF)
    conf = conf.replace("/etc/nginx/certs", str(certs))
    conf = conf.replace("root /srv;", f"root {root or tmp_path};")
    conf = conf.replace("/etc/nginx/cowork.d/", f"{tmp_path}/cowork.d/")
    conf = conf.replace("pid /var/run/nginx.pid;", f"pid {tmp_path}/nginx.pid;")
    conf = conf.replace("listen 80 ", f"listen 127.0.0.1:{http_port} ")
    conf = conf.replace("listen 443 ", f"listen 127.0.0.1:{https_port} ")
    path = tmp_path / "nginx.conf"
    path.write_text(conf)
    return str(path)


def test_nginx_accepts_the_configuration(tmp_path, certificates):
    result = subprocess.run(
        [_nginx(), "-t", "-p", str(tmp_path), "-c", _local_copy(tmp_path, certificates)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_balancing_is_least_connections_and_never_sticky():
    upstream = re.search(r"upstream cowork_web \{(.*?)\}", CONF, re.S).group(1)
    assert re.search(r"^\s*least_conn;", upstream, re.M)
    assert "ip_hash" not in CONF and "sticky" not in upstream and "hash " not in upstream


def _locations() -> dict[str, str]:
    return dict(re.findall(r"location (?:[=~] )?(\S+) \{(.*?)\n        \}", CONF, re.S))


def test_every_proxied_location_passes_the_headers_daphne_and_django_trust():
    proxied = {path: body for path, body in _locations().items() if "proxy_pass" in body}
    assert {"/", "/ws/", "/sms/", "/readyz", SIGN_IN_PATHS} <= proxied.keys()
    for path, body in proxied.items():
        for header in (
            "proxy_set_header Host $http_host;",
            "proxy_set_header X-Forwarded-For $remote_addr;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            "proxy_set_header X-Request-ID $request_id;",
        ):
            assert header in body, f"{path}: {header}"


def test_websockets_are_upgraded_and_outlast_the_heartbeat():
    ws = _locations()["/ws/"]
    assert "proxy_set_header Upgrade $http_upgrade;" in ws
    assert "proxy_set_header Connection $connection_upgrade;" in ws
    assert "proxy_http_version 1.1;" in ws
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", ws).group(1))
    assert read_timeout > 2 * HEARTBEAT_SECONDS


def test_sign_in_sign_up_and_code_paths_are_rate_limited_per_address():
    zone = re.search(r"limit_req_zone \$binary_remote_addr zone=sign_in:\S+ rate=(\d+)r/m;", CONF)
    assert zone and int(zone.group(1)) <= 60
    assert "limit_req_status 429;" in CONF
    limited = _locations()[SIGN_IN_PATHS]
    assert re.search(r"limit_req zone=sign_in burst=\d+ nodelay;", limited)
    for path in ("login/", "admin/login/", "signin/", "signup/", "password_reset/"):
        assert re.match(SIGN_IN_PATHS, f"/{path}"), path
    assert not re.match(SIGN_IN_PATHS, "/centres/")


def test_request_bodies_are_small(settings):
    size = re.search(r"client_max_body_size (\d+)m;", CONF).group(1)
    assert int(size) * 1024 * 1024 <= max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, 1024 * 1024)


@pytest.fixture(scope="module")
def served_root(tmp_path_factory, collected_static):
    """The directory nginx serves (`root`, then /static/): the collected files, and one
    more with a hashed name of the test's own."""
    root = tmp_path_factory.mktemp("served")
    static_root = root / "static"
    static_root.mkdir()
    for entry in collected_static.iterdir():
        (static_root / entry.name).symlink_to(entry)
    (static_root / "site.0123456789ab.css").write_text("body{}")
    return root


@pytest.fixture(scope="module")
def daphne_behind_nginx(django_db_setup, served_root):
    """One real daphne process for the module's tests through nginx: they only make
    requests, and what they write goes with the database's emptying after each test."""
    server = DaphneServer(
        server_environment(static_root=served_root / "static", SECURE_SSL_REDIRECT="true")
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def nginx_in_front_of_daphne(
    tmp_path, transactional_db, certificates, served_root, daphne_behind_nginx
):
    """nginx with the shipped configuration, balancing over one real daphne process. A
    fresh nginx for each test: its limits count from zero."""
    upstream_port = int(daphne_behind_nginx.url.rsplit(":", 1)[1])
    https_port = free_port()
    conf = _local_copy(
        tmp_path,
        certificates,
        upstream_port=upstream_port,
        http_port=free_port(),
        https_port=https_port,
        root=served_root,
    )
    # As root, nginx's workers would drop to `nobody`, who may not read pytest's tmp_path.
    user = "user root;" if os.geteuid() == 0 else ""
    nginx = subprocess.Popen(
        [_nginx(), "-p", str(tmp_path), "-c", conf, "-g", f"daemon off; {user}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not (tmp_path / "nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        yield f"https://127.0.0.1:{https_port}"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


@functools.cache
def _unverified_tls() -> ssl.SSLContext:
    """A client context for the test's self-signed certificate, made once: each one made
    loads the system's CA certificates, a fiftieth of a second a request on the burst's
    ninety."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    return context


def _get(url, **headers):
    context = _unverified_tls()
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_through_nginx_https_is_known_static_is_served_metrics_are_hidden(
    nginx_in_front_of_daphne,
):
    base = nginx_in_front_of_daphne
    # Django redirects plain HTTP to HTTPS (SECURE_SSL_REDIRECT): no redirect means it saw
    # X-Forwarded-Proto: https from nginx.
    status, headers, _body = _get(f"{base}/login/")
    assert status == 200
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])  # nginx's $request_id
    status, headers, body = _get(f"{base}/static/site.0123456789ab.css")
    assert (status, body) == (200, b"body{}")
    assert headers.get_all("Cache-Control") == ["public, max-age=31536000, immutable"]
    assert _get(f"{base}/metrics")[0] == 404
    # A client's forged X-Forwarded-For is replaced, so /metrics' "private address" rule
    # cannot be fooled through nginx either way.
    assert _get(f"{base}/healthz", **{"X-Forwarded-For": "10.0.0.1"})[0] == 200
    # nginx names itself without a version, and nothing names daphne.
    assert _get(f"{base}/healthz")[1].get_all("Server") == ["nginx"]


def test_through_nginx_pages_and_static_files_arrive_gzipped(nginx_in_front_of_daphne, served_root):
    base = nginx_in_front_of_daphne
    status, headers, body = _get(f"{base}/login/", **{"Accept-Encoding": "gzip"})
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    assert b"<form" in gzip.decompress(body)
    # Hashed, with a .gz beside it, where collectstatic compresses (production settings);
    # compressed by nginx as it goes otherwise.
    manifest = served_root / "static" / "staticfiles.json"
    css = "cowork/booking.css"
    if manifest.exists():
        css = json.loads(manifest.read_text())["paths"][css]
    plain = (served_root / "static" / css).read_bytes()
    status, headers, body = _get(f"{base}/static/{css}", **{"Accept-Encoding": "gzip"})
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    assert gzip.decompress(body) == plain and len(body) < len(plain) / 2


def test_through_nginx_a_burst_on_the_sign_in_page_is_turned_away(nginx_in_front_of_daphne):
    base = nginx_in_front_of_daphne
    answers = [_get(f"{base}/login/") for _ in range(60)]
    statuses = [status for status, _headers, _body in answers]
    assert statuses[0] == 200
    refused = [body for status, _headers, body in answers if status == 429]
    # Far more than the burst in moments: nginx answers the rest itself, daphne never sees them.
    assert refused and all(b"nginx" in body and b"cowork" not in body for body in refused)
    # Other pages are not limited.
    assert {_get(f"{base}/healthz")[0] for _ in range(30)} == {200}


def test_a_websocket_is_upgraded_through_nginx(nginx_in_front_of_daphne, member_user):
    from websockets.sync.client import connect

    client = Client()
    client.force_login(member_user)
    base = nginx_in_front_of_daphne
    with connect(
        base.replace("https://", "wss://") + "/ws/heartbeat/",
        ssl=_unverified_tls(),
        origin=base,
        additional_headers={"Cookie": f"sessionid={client.cookies['sessionid'].value}"},
        open_timeout=WAIT,
    ) as socket:
        socket.send('{"type": "ping", "id": 1}')
        assert '"pong"' in socket.recv(timeout=WAIT)
