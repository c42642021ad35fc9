"""The ``tls_verify`` setting is what counts, and a plain ``http://`` HQ URL is warned about."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import json
import logging
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from counter import cli
from counter.sync.client import HQClient, RetryPolicy


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hq.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / "hq.pem", tmp / "hq.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps(
            {"server_time": dt.datetime.now(dt.UTC).isoformat(), "epoch": "e1", "api_version": "1"}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_hq(tmp_path: Path) -> Iterator[str]:
    """A TLS server on 127.0.0.1 with a self-signed certificate (as a test HQ may have)."""
    cert, key = _self_signed(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_tls_verify_false_is_not_overridden_by_a_ca_bundle_variable(
    https_hq: str, variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, certifi.where())  # a bundle without this HQ's certificate
    client = HQClient(https_hq, "t", verify=False, retry=RetryPolicy(attempts=1))
    try:
        assert client.health().epoch == "e1"
    finally:
        client.close()
    checking = HQClient(https_hq, "t", verify=True, retry=RetryPolicy(attempts=1))
    try:
        with pytest.raises(Exception, match="HQ cannot be reached"):
            checking.health()  # and verification, when on, still refuses the certificate
    finally:
        checking.close()


def test_a_plain_http_hq_url_is_warned_about(
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with caplog.at_level(logging.WARNING, logger="counter.sync.client"):
        HQClient("http://127.0.0.1:8080", "t").close()  # the demo and the tests: fine
        assert caplog.records == []
        HQClient("http://hq.example.com", "t").close()
    assert "plain http://" in caplog.text
    monkeypatch.setenv("COUNTER_CONFIG_DIR", str(tmp_path / "cfg"))
    assert cli.main(["config", "set", "hq_url", "http://hq.example.com"]) == 0
    assert "WARNING: HQ's URL is plain http://" in capsys.readouterr().err
    assert cli.main(["config", "set", "hq_url", "https://hq.example.com"]) == 0
    assert "WARNING" not in capsys.readouterr().err
