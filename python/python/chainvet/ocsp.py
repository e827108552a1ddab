"""Sans-IO OCSP for services that send requests with their own HTTP client.

Build a request, send it however you like, evaluate the response::

    from chainvet import ocsp

    req = ocsp.request(leaf, issuer)              # certificates: bytes, PEM str, path, cryptography
    body = http_post(req.responder_url, req.der,  # or GET req.get_url()
                     content_type="application/ocsp-request")
    answer = ocsp.evaluate(body, leaf, issuer, nonce=req.nonce)
    answer.status, answer.revoked_at, answer.reason, answer.valid_until

``evaluate`` verifies everything before it answers (signature by the issuer or an
authorised responder, the CertID, freshness, the nonce) and raises
:class:`chainvet.OcspError` (``.code`` is the finding code) when the response gives no
usable status. To use a response inside a validation, pass it to
``Validator.validate(..., ocsp_responses=[body])`` or cache it with
``Validator.cache_ocsp_response``.
"""

from chainvet._native import OcspError, OcspRequest, RevocationAnswer
from chainvet._native import ocsp_evaluate as evaluate
from chainvet._native import ocsp_request as request
from chainvet._native import ocsp_responder_url as responder_url

__all__ = ["OcspError", "OcspRequest", "RevocationAnswer", "evaluate", "request", "responder_url"]
