from django.test import RequestFactory

from cowork.client_ip import client_ip


def test_the_peer_address_is_the_clients_and_a_forwarded_header_is_not_believed():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert client_ip(request) == "203.0.113.7"


def test_no_address_or_a_socket_path_counts_as_unknown():
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="")) is None
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="/run/daphne.sock")) is None
