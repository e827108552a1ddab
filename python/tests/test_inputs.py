"""The inputs a Python gateway has: DER bytes from `getpeercert(binary_form=True)`, lists
of PEM or DER items, memoryviews, iterables, TLS connections themselves (a real
handshake), intermediates configured once on the Validator, and path-looking strings."""

from __future__ import annotations

import collections
import ssl
import threading
from pathlib import Path
from typing import Any

import chains
import pytest
from chains import NOW, der, pem
from cryptography.hazmat.primitives import hashes, serialization

import chainvet

LEAF, I1, ROOT = chains.chain(("p256", "p256", "p256"), slot=60)
LEAF_KEY = chains.key("p256", 600)
# Bundle mode wants the root in the bundle; a peer chain rarely carries it.
PEER = chainvet.Policy(severity={"chain.root_missing": "off"})
TRUSTING = chainvet.Validator(PEER, trust_store=[ROOT])
WITH_I1 = chainvet.Validator(PEER, trust_store=[ROOT], intermediates=[I1])


def pem_str(c: Any) -> str:
    return str(c.public_bytes(serialization.Encoding.PEM).decode())


class TestForms:
    def test_single_der_bytes_is_a_certificate_not_input_not_pem(self) -> None:
        report = TRUSTING.validate(der(LEAF), at=NOW)
        assert not report.has("input.not_pem")
        assert len(report.certificates) == 1 and report.certificates[0].subject.startswith("CN=client-1")
        # The validator's intermediates complete a lone DER leaf.
        assert WITH_I1.validate(der(LEAF), at=NOW).accepted
        # Concatenated DER (some stacks hand the chain over that way) is split.
        assert TRUSTING.validate(der(LEAF) + der(I1), at=NOW).accepted

    def test_der_over_the_size_limit_is_input_too_large(self) -> None:
        small = chainvet.Validator(chainvet.Policy(max_input_bytes=300))
        for data in (der(LEAF), [der(LEAF), der(I1)], memoryview(der(LEAF) + der(I1))):
            report = small.validate(data, at=NOW)
            assert report.has("input.too_large") and report.certificates == ()

    def test_binary_that_is_not_certificates_stays_a_bundle_finding(self) -> None:
        key_der = LEAF_KEY.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
        report = TRUSTING.validate(key_der, at=NOW)
        assert not report.accepted and report.certificates == ()
        truncated = TRUSTING.validate(der(LEAF)[:-5], at=NOW)
        assert not truncated.accepted and truncated.certificates == ()

    @pytest.mark.parametrize("make", [
        lambda: [pem_str(LEAF), pem_str(I1)],
        lambda: [pem(([LEAF])), der(I1)],
        lambda: [memoryview(der(LEAF)), bytearray(der(I1))],
        lambda: (c for c in [LEAF, I1]),
        lambda: collections.deque([der(LEAF), pem_str(I1)]),
        lambda: [pem([LEAF, I1])],
        lambda: memoryview(pem([LEAF, I1])),
        lambda: memoryview(der(LEAF) + der(I1)),
    ], ids=["pem-str", "pem-and-der", "memoryview-items", "generator", "deque", "bundle-item",
            "memoryview-pem", "memoryview-der"])
    def test_item_forms_agree(self, make: Any) -> None:
        report = TRUSTING.validate(make(), at=NOW)
        assert report.accepted, report.findings
        assert [c.sha256 for c in report.certificates[:2]] == [
            LEAF.fingerprint(hashes.SHA256()).hex(), I1.fingerprint(hashes.SHA256()).hex()]
        presented = TRUSTING.validate_presented(make(), at=NOW)
        assert presented.accepted, presented.findings

    def test_iterables_are_bounded(self) -> None:
        def endless() -> Any:
            while True:
                yield der(LEAF)

        with pytest.raises(ValueError, match="more than 1024 items"):
            TRUSTING.validate(endless())

    def test_mappings_and_broken_pem_items(self) -> None:
        with pytest.raises(TypeError):
            TRUSTING.validate({"leaf": der(LEAF)})
        broken = pem_str(LEAF).replace("M", "*", 1)
        with pytest.raises(ValueError, match=r"`data`\[0\] is not usable PEM"):
            TRUSTING.validate([broken])

    def test_private_key_in_a_pem_item_is_not_decoded(self) -> None:
        key_pem = LEAF_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption())
        report = TRUSTING.validate([pem([LEAF]) + key_pem, der(I1)], at=NOW)
        assert report.accepted
        assert key_pem.decode().splitlines()[1][:24] not in report.to_json()

    def test_path_looking_str_is_refused_with_a_hint(self, tmp_path: Path) -> None:
        (tmp_path / "chain.pem").write_bytes(pem([LEAF, I1]))
        with pytest.raises(ValueError, match=r"pathlib\.Path"):
            TRUSTING.validate(str(tmp_path / "chain.pem"))
        with pytest.raises(ValueError, match=r"pathlib\.Path"):
            TRUSTING.validate_presented("leaf.crt")
        assert TRUSTING.validate(tmp_path / "chain.pem", at=NOW).accepted

    def test_missing_file_is_file_not_found_with_filename(self, tmp_path: Path) -> None:
        missing = tmp_path / "nope.pem"
        for call in (lambda: TRUSTING.validate(missing), lambda: TRUSTING.validate_presented(missing),
                     lambda: chainvet.Registration.from_certificate(missing)):
            with pytest.raises(FileNotFoundError) as e:
                call()
            assert e.value.filename == str(missing)
            assert e.value.errno == 2

    def test_intermediates_on_the_validator(self) -> None:
        assert WITH_I1.intermediates == (der(I1),)
        assert not TRUSTING.validate_presented(LEAF, at=NOW).accepted
        assert WITH_I1.validate_presented(LEAF, at=NOW).accepted
        # A PEM upload is vetted as uploaded: configured intermediates do not hide a gap.
        assert not WITH_I1.validate(pem([LEAF]), at=NOW).accepted
        with pytest.raises(ValueError):
            chainvet.Validator(intermediates="-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n")


def tls_contexts(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server that requires a client certificate from ROOT's hierarchy, and a client
    presenting LEAF and I1 (server certificate from another chain; the client does not
    check it: the test is about the server's view of the client)."""
    server_leaf, server_ca = chains.chain(("p256", "p256"), slot=61)[:2]
    (tmp_path / "server.pem").write_bytes(pem([server_leaf, server_ca]))
    (tmp_path / "server.key").write_bytes(chains.key("p256", 610).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (tmp_path / "client.pem").write_bytes(pem([LEAF, I1]))
    (tmp_path / "client.key").write_bytes(LEAF_KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(tmp_path / "server.pem", tmp_path / "server.key")
    server.verify_mode = ssl.CERT_REQUIRED
    server.load_verify_locations(cadata=pem([ROOT]).decode())
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client.check_hostname = False
    client.verify_mode = ssl.CERT_NONE
    client.load_cert_chain(tmp_path / "client.pem", tmp_path / "client.key")
    return server, client


class TestTlsConnections:
    def test_ssl_socket_after_a_real_handshake(self, tmp_path: Path) -> None:
        import socket

        server_ctx, client_ctx = tls_contexts(tmp_path)
        listener = socket.create_server(("127.0.0.1", 0))
        results: dict[str, Any] = {}

        def serve() -> None:
            conn, _ = listener.accept()
            with server_ctx.wrap_socket(conn, server_side=True) as tls:
                results["presented"] = WITH_I1.validate_presented(tls)
                results["bundle"] = WITH_I1.validate(tls)
                results["leaf"] = tls.getpeercert(binary_form=True)
                tls.sendall(b"ok")

        thread = threading.Thread(target=serve)
        thread.start()
        try:
            with socket.create_connection(listener.getsockname(), timeout=10) as raw:
                with client_ctx.wrap_socket(raw) as tls:
                    assert tls.recv(2) == b"ok"
        finally:
            thread.join(10)
            listener.close()
        assert results["leaf"] == der(LEAF)
        assert results["presented"].accepted, results["presented"].findings
        assert results["bundle"].accepted, results["bundle"].findings
        assert results["presented"].certificates[0].sha256 == LEAF.fingerprint(hashes.SHA256()).hex()

    def test_ssl_object_memory_bio_handshake(self, tmp_path: Path) -> None:
        server_ctx, client_ctx = tls_contexts(tmp_path)
        server = handshake(server_ctx, client_ctx)
        assert WITH_I1.validate_presented(server, at=None).accepted
        # Without configured intermediates the leaf alone cannot reach the root (Python
        # before 3.13 gives no peer chain), unless the Python has get_unverified_chain.
        alone = TRUSTING.validate_presented(server)
        assert alone.accepted == hasattr(server, "get_unverified_chain")
        # A server that requested no client certificate has none to vet.
        server_ctx.verify_mode = ssl.CERT_NONE
        with pytest.raises(ValueError, match="presented no certificate"):
            TRUSTING.validate(handshake(server_ctx, client_ctx))
        # Before the handshake there is nothing either (ssl's own ValueError).
        with pytest.raises(ValueError):
            TRUSTING.validate(server_ctx.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_side=True))


def handshake(server_ctx: ssl.SSLContext, client_ctx: ssl.SSLContext) -> ssl.SSLObject:
    """A TLS handshake between two SSLObjects over memory BIOs; the server's side."""
    s_in, s_out, c_in, c_out = (ssl.MemoryBIO() for _ in range(4))
    server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
    client = client_ctx.wrap_bio(c_in, c_out)
    done = {"client": False, "server": False}
    for _ in range(50):
        for name, obj in (("client", client), ("server", server)):
            if not done[name]:
                try:
                    obj.do_handshake()
                    done[name] = True
                except ssl.SSLWantReadError:
                    pass
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if all(done.values()):
            break
    assert all(done.values())
    return server
