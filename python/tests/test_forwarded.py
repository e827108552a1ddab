"""`chainvet.forwarded`: certificates forwarded by NGINX, Envoy, Traefik and the AWS ALB,
decoded from headers written as each proxy writes them, and the attacker's headers."""

from __future__ import annotations

import base64
import pickle
import random
import urllib.parse
from typing import Callable

import chains
import proxies
import pytest
from chains import NOW, der
from cryptography.hazmat.primitives import serialization

import chainvet
from chainvet.forwarded import (
    ForwardedCertificateError,
    XfccElement,
    from_alb,
    from_nginx,
    from_traefik,
    from_xfcc,
    xfcc_elements,
)

LEAF, I1, I2, ROOT = chains.chain(("p256", "p256", "rsa2048", "p256"), slot=40)
PRESENTED = [LEAF, I1, I2]
DERS = [der(c) for c in PRESENTED]
TRUSTING = chainvet.Validator(trust_store=[ROOT])
KEY_PEM = chains.key("p256", 401).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
KEY_DER = chains.key("p256", 401).private_bytes(
    serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)

Decoder = Callable[..., list[bytes]]


class TestAsTheProxiesWriteThem:
    @pytest.mark.parametrize(
        "decode, header, expected",
        [
            (from_nginx, proxies.nginx_escaped(LEAF), DERS[:1]),
            (from_nginx, proxies.nginx_tabbed(LEAF), DERS[:1]),
            (from_nginx, proxies.nginx_unfolded(LEAF), DERS[:1]),
            (from_xfcc, proxies.xfcc_element(PRESENTED), DERS),
            (from_xfcc, proxies.xfcc_element(PRESENTED, with_chain=False), DERS[:1]),
            (from_xfcc, proxies.xfcc_element(PRESENTED, with_cert=False), DERS),
            (from_traefik, proxies.traefik(PRESENTED), DERS),
            (from_traefik, proxies.traefik_escaped(PRESENTED), DERS),
            (from_alb, proxies.alb(PRESENTED), DERS),
            (from_alb, proxies.alb(PRESENTED[:1]), DERS[:1]),
        ],
        ids=["nginx-escaped", "nginx-tabbed", "nginx-unfolded", "xfcc-chain", "xfcc-cert",
             "xfcc-chain-only", "traefik", "traefik-escaped", "alb-chain", "alb-leaf"],
    )
    def test_decodes_leaf_first(self, decode: Decoder, header: str, expected: list[bytes]) -> None:
        assert decode(header) == expected
        # ASGI hands headers over as bytes.
        assert decode(header.encode("latin-1")) == expected

    def test_decoded_chain_validates_in_trust_store_mode(self) -> None:
        for chain in (from_alb(proxies.alb(PRESENTED)), from_traefik(proxies.traefik(PRESENTED)),
                      from_xfcc(proxies.xfcc_element(PRESENTED))):
            report = TRUSTING.validate_presented(chain[0], chain[1:], at=NOW)
            assert report.accepted, report.findings

    def test_plus_in_base64_is_not_a_space(self) -> None:
        # Find a certificate whose base64 has a '+', and leave it unescaped as the ALB does.
        header = proxies.alb(PRESENTED)
        assert "+" in header or "/" in header
        assert from_alb(header) == DERS

    @pytest.mark.parametrize("decode", [from_nginx, from_xfcc, from_traefik, from_alb])
    @pytest.mark.parametrize("empty", ["", "  ", b""])
    def test_empty_header_means_no_certificate(self, decode: Decoder, empty: str) -> None:
        assert decode(empty) == []


class TestXfccElements:
    def test_nearest_hop_first_with_fields(self) -> None:
        other = chains.chain(("p256", "p256"), slot=41)
        header = (proxies.xfcc_element(PRESENTED, by="spiffe://far")
                  + "," + proxies.xfcc_element(other, by="spiffe://near", dns=("a.example", "b.example")))
        elements = xfcc_elements(header)
        assert [e.by for e in elements] == ["spiffe://near", "spiffe://far"]
        assert elements[0].certificates == tuple(der(c) for c in other)
        assert elements[0].dns == ("a.example", "b.example")
        assert elements[1].subject == 'CN=client-1,O=Client "Quoted", GmbH'
        assert elements[1].uris == ("spiffe://example.org/client-1",)
        assert isinstance(elements[1], XfccElement)
        # Several elements: the caller says which hop holds the client's certificate.
        with pytest.raises(ForwardedCertificateError) as e:
            from_xfcc(header)
        assert e.value.code == "forwarded.ambiguous"
        assert from_xfcc(header, hop=-1) == DERS
        assert from_xfcc(header, hop=0) == [der(c) for c in other]
        with pytest.raises(ForwardedCertificateError, match="no hop 2"):
            from_xfcc(header, hop=2)

    def test_element_without_certificate(self) -> None:
        header = "By=spiffe://x;Subject=\"CN=a\";URI=spiffe://y"
        assert xfcc_elements(header)[0].certificates == ()
        with pytest.raises(ForwardedCertificateError) as e:
            from_xfcc(header)
        assert e.value.code == "forwarded.no_certificate"

    def test_separators_and_escaped_quotes_inside_quotes(self) -> None:
        header = r'By=spiffe://a;Subject="CN=x\"y;z=1,\\q",URI=spiffe://b'
        far, = xfcc_elements(header)[1:]
        assert far.subject == 'CN=x"y;z=1,\\q'
        assert xfcc_elements(header)[0].uris == ("spiffe://b",)


def hostile() -> list[tuple[str, Decoder, object]]:
    leaf_pem = LEAF.public_bytes(serialization.Encoding.PEM).decode()
    truncated = base64.b64encode(DERS[0][:-7]).decode()
    padded = base64.b64encode(DERS[0] + b"\x00").decode()
    many = urllib.parse.quote(leaf_pem * 17, safe="")
    return [
        ("forwarded.too_large", from_alb, "A" * 70_000),
        ("forwarded.too_large", from_xfcc, '"' * 70_000),
        ("forwarded.not_ascii", from_nginx, "-----BEGIN CERTIFICATE-----\u00e9"),
        ("forwarded.not_ascii", from_alb, "%C3%A9"),
        ("forwarded.bad_escape", from_nginx, "-----BEGIN%20CERT%zz"),
        ("forwarded.bad_escape", from_alb, urllib.parse.quote(leaf_pem)[:-1] + "%4"),
        ("forwarded.bad_base64", from_traefik, "not*base64"),
        ("forwarded.bad_base64", from_traefik, base64.b64encode(DERS[0]).decode() + ",,"),
        ("forwarded.bad_base64", from_nginx, leaf_pem.replace("M", "!", 1)),
        ("forwarded.not_certificate", from_traefik, truncated),
        ("forwarded.not_certificate", from_traefik, padded),
        ("forwarded.not_certificate", from_traefik, base64.b64encode(b"\x30\x85" + b"\x00" * 8).decode()),
        ("forwarded.private_key", from_traefik, base64.b64encode(KEY_DER).decode()),
        ("forwarded.private_key", from_nginx, urllib.parse.quote(leaf_pem + KEY_PEM, safe="")),
        ("forwarded.private_key", from_alb, urllib.parse.quote(KEY_PEM, safe="")),
        ("forwarded.private_key", from_xfcc,
         "Cert=" + proxies.xfcc_quote(urllib.parse.quote(KEY_PEM, safe=""))),
        ("forwarded.bad_pem", from_traefik, urllib.parse.quote(leaf_pem)),
        ("forwarded.bad_pem", from_alb, urllib.parse.quote(leaf_pem + "trailing")),
        ("forwarded.bad_pem", from_alb, urllib.parse.quote("junk" + leaf_pem)),
        ("forwarded.bad_pem", from_alb, urllib.parse.quote(leaf_pem[:-30])),
        ("forwarded.bad_pem", from_alb, urllib.parse.quote(leaf_pem[:-30] + leaf_pem)),
        ("forwarded.bad_pem", from_alb, urllib.parse.quote(leaf_pem.replace("CERTIFICATE", "X509 CRL"))),
        ("forwarded.bad_pem", from_nginx, "MIIBxyz"),
        ("forwarded.too_many_certificates", from_alb, many),
        ("forwarded.too_many_certificates", from_traefik, ",".join([base64.b64encode(DERS[0]).decode()] * 17)),
        ("forwarded.xfcc_syntax", from_xfcc, 'Cert="unterminated'),
        ("forwarded.xfcc_syntax", from_xfcc, 'Subject="a"b;By=x'),
        ("forwarded.xfcc_syntax", from_xfcc, 'By=a"b'),
        ("forwarded.xfcc_syntax", from_xfcc, "justtext"),
        ("forwarded.xfcc_syntax", from_xfcc, "By=a;;By=b"),
        ("forwarded.xfcc_syntax", from_xfcc, "By=a;By=b"),
        ("forwarded.xfcc_syntax", from_xfcc, ";".join(["DNS=a"] * 65)),
        ("forwarded.xfcc_syntax", from_xfcc, '"' * 100),
        ("forwarded.too_many_elements", from_xfcc, ",".join(["By=a"] * 17)),
        ("forwarded.xfcc_mismatch", from_xfcc,
         proxies.xfcc_element(PRESENTED).replace("Hash=", "Hash=00", 1)),
        ("forwarded.xfcc_mismatch", from_xfcc,
         proxies.xfcc_element(PRESENTED).replace(
             "Chain=", "Chain=" + proxies.xfcc_quote(urllib.parse.quote(leaf_pem, safe="")) + ";X=", 1)
         .replace(";Hash=", ";Hash=" + "0" * 64 + ";Y=", 1)),
        ("forwarded.bad_base64", from_xfcc, "Cert=" + proxies.xfcc_quote(
            urllib.parse.quote(leaf_pem.replace("M", "?", 1), safe=""))),
    ]


class TestHostileHeaders:
    @pytest.mark.parametrize("code, decode, header", hostile())
    def test_raises_the_specific_error(self, code: str, decode: Decoder, header: str) -> None:
        with pytest.raises(ForwardedCertificateError) as e:
            decode(header)
        assert e.value.code == code, str(e.value)
        assert isinstance(e.value, ValueError)
        # Never the header's content in the message (it may be a key, and ends up in logs).
        message = str(e.value) + repr(e.value)
        assert len(str(e.value)) < 200
        for chunk in (header[i : i + 12] for i in range(0, max(len(header) - 12, 1), 12)):
            if len(set(chunk)) > 3:
                assert chunk not in message

    def test_private_key_is_never_echoed(self) -> None:
        body = "".join(KEY_PEM.splitlines()[1:-1])
        for header in (urllib.parse.quote(KEY_PEM), KEY_PEM, base64.b64encode(KEY_DER).decode()):
            for decode in (from_nginx, from_alb, from_traefik):
                with pytest.raises(ForwardedCertificateError) as e:
                    decode(header)
                shown = str(e.value) + repr(e.value) + repr(e.value.args)
                assert all(body[i : i + 8] not in shown for i in range(0, len(body) - 8))
                assert e.value.__cause__ is None and e.value.__context__ is None or \
                    body[:8] not in repr(e.value.__context__)

    def test_hostile_xfcc_stays_linear(self) -> None:
        """Quadratic parsing would take minutes on these; linear takes milliseconds
        (asserted only as "finishes and raises": speed belongs to benchmarks)."""
        for header in ('By="' + "\\\"" * 30_000, 'By="' + "\\" * 60_000 + '"x',
                       "By=a;" * 12_000, ";" * 60_000, "-----BEGIN " * 5_000):
            with pytest.raises(ForwardedCertificateError):
                from_xfcc(header)

    def test_limits_are_configurable(self) -> None:
        header = proxies.alb(PRESENTED)
        with pytest.raises(ForwardedCertificateError, match="max_certificates"):
            from_alb(header, max_certificates=2)
        with pytest.raises(ForwardedCertificateError, match="max_bytes"):
            from_alb(header, max_bytes=100)
        assert from_alb(header, max_certificates=3) == DERS

    def test_wrong_type_is_type_error(self) -> None:
        with pytest.raises(TypeError):
            from_nginx(42)  # type: ignore[arg-type]

    def test_error_pickles(self) -> None:
        with pytest.raises(ForwardedCertificateError) as e:
            from_traefik("!!")
        copy = pickle.loads(pickle.dumps(e.value))
        assert (copy.code, str(copy)) == (e.value.code, str(e.value))

    @pytest.mark.parametrize("make, decode", [
        (lambda: proxies.alb(PRESENTED), from_alb),
        (lambda: proxies.nginx_escaped(LEAF), from_nginx),
        (lambda: proxies.nginx_tabbed(LEAF), from_nginx),
        (lambda: proxies.traefik(PRESENTED), from_traefik),
        (lambda: proxies.xfcc_element(PRESENTED) + "," + proxies.xfcc_element(PRESENTED[:2]), xfcc_elements),
    ])
    def test_mutated_headers_decode_whole_or_raise(
        self, make: Callable[[], str], decode: Callable[[str], list[object]]
    ) -> None:
        """Seeded random flips, inserts, deletions and truncations: the result is either a
        chain of complete DER certificates or ForwardedCertificateError, nothing else."""
        rng = random.Random(16)
        header = make()
        alphabet = '%"\\,;=-+/ \t\nAZaz09'
        for _ in range(400):
            chars = list(header)
            for _ in range(rng.randint(1, 4)):
                op = rng.randrange(4)
                at = rng.randrange(len(chars))
                if op == 0:
                    chars[at] = rng.choice(alphabet)
                elif op == 1:
                    chars.insert(at, rng.choice(alphabet))
                elif op == 2:
                    del chars[at]
                else:
                    del chars[at:]
                if not chars:
                    chars = ["x"]
            try:
                out = decode("".join(chars))
            except ForwardedCertificateError:
                continue
            items = [c for e in out for c in (e.certificates if isinstance(e, XfccElement) else [e])]
            for item in items:
                assert isinstance(item, bytes) and item[:1] == b"\x30"
