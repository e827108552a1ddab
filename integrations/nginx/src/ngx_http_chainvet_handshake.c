/*
 * The handshake: chainvet replaces OpenSSL's chain verification on the server's SSL_CTX
 * (SSL_CTX_set_cert_verify_callback), so NGINX never answers 400 for a chain OpenSSL
 * dislikes before chainvet has seen it. The chain is vetted once per connection in
 * trust-store mode; the verdict is kept in the connection's pool, reached through SSL
 * ex_data, and every request on the connection (HTTP/2 streams included) reads it.
 *
 * The handshake itself always continues: a refused chain is answered at the HTTP level
 * (403 with the findings), which a client can read, rather than a bare TLS alert.
 */

#include "ngx_http_chainvet.h"


static int  ngx_http_chainvet_index = -1;


ngx_int_t
ngx_http_chainvet_handshake_init(ngx_conf_t *cf)
{
    /* Process-wide; kept across reloads (the module stays loaded). */
    if (ngx_http_chainvet_index == -1) {
        ngx_http_chainvet_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);

        if (ngx_http_chainvet_index == -1) {
            ngx_ssl_error(NGX_LOG_EMERG, cf->log, 0, "SSL_get_ex_new_index() failed");
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* "A..F0-9" of `len` bytes, in `pool`. */
static ngx_int_t
ngx_http_chainvet_hex(ngx_pool_t *pool, const u_char *src, size_t len,
    ngx_uint_t upper, ngx_str_t *out)
{
    static const u_char  lower_digits[] = "0123456789abcdef";
    static const u_char  upper_digits[] = "0123456789ABCDEF";

    size_t         i;
    const u_char  *digits;

    digits = upper ? upper_digits : lower_digits;

    out->data = ngx_pnalloc(pool, len * 2);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < len; i++) {
        out->data[2 * i] = digits[src[i] >> 4];
        out->data[2 * i + 1] = digits[src[i] & 0x0f];
    }

    out->len = len * 2;

    return NGX_OK;
}


/* The length of the longest prefix of `s` (at most `max` bytes) that ends on a UTF-8
 * character boundary: messages are UTF-8 and stay so when cut. */
static size_t
ngx_http_chainvet_utf8_cut(const u_char *s, size_t len, size_t max)
{
    if (len <= max) {
        return len;
    }

    while (max > 0 && (s[max] & 0xc0) == 0x80) {
        max--;
    }

    return max;
}


/* Keeps what a report says (verdict, dotted codes, capped messages) in `pool`. With
 * `generic`, each message is the code's general explanation instead of the finding's
 * own: binding messages name the registered serial, subject and issuer, which are the
 * registry's business, not the client's. */
ngx_int_t
ngx_http_chainvet_capture(ngx_pool_t *pool, const chainvet_report *report,
    ngx_uint_t generic, ngx_http_chainvet_verdict_t *verdict)
{
    size_t       i, count, len;
    uint32_t     code;
    const char  *name, *message;
    char         explanation[NGX_HTTP_CHAINVET_MAX_MESSAGE + 1];

    verdict->accepted = chainvet_report_accepted(report);
    verdict->count = 0;

    count = chainvet_report_findings_count(report);

    for (i = 0; i < count && verdict->count < NGX_HTTP_CHAINVET_MAX_FINDINGS; i++) {
        if (chainvet_report_finding_code_name(report, i, &name) != CHAINVET_RESULT_OK
            || chainvet_report_finding_message(report, i, &message)
               != CHAINVET_RESULT_OK)
        {
            continue;
        }

        if (generic) {
            if (chainvet_report_finding_code(report, i, &code) != CHAINVET_RESULT_OK) {
                continue;
            }

            /* Truncation is fine: the result is NUL-terminated on a character
             * boundary either way. */
            (void) chainvet_code_message(code, explanation, sizeof(explanation), NULL);
            message = explanation;
        }

        len = ngx_http_chainvet_utf8_cut((const u_char *) message,
                                         ngx_strlen(message),
                                         NGX_HTTP_CHAINVET_MAX_MESSAGE);

        verdict->findings[verdict->count].name = name;
        verdict->findings[verdict->count].message.len = len;
        verdict->findings[verdict->count].message.data = ngx_pnalloc(pool, len);

        if (verdict->findings[verdict->count].message.data == NULL) {
            return NGX_ERROR;
        }

        ngx_memcpy(verdict->findings[verdict->count].message.data, message, len);
        verdict->count++;
    }

    return NGX_OK;
}


/* i2d_X509 into `pool`. */
static u_char *
ngx_http_chainvet_der(ngx_pool_t *pool, X509 *cert, size_t *len)
{
    int      n;
    u_char  *der, *p;

    n = i2d_X509(cert, NULL);
    if (n <= 0) {
        return NULL;
    }

    der = ngx_pnalloc(pool, n);
    if (der == NULL) {
        return NULL;
    }

    p = der;
    if (i2d_X509(cert, &p) != n) {
        return NULL;
    }

    *len = n;

    return der;
}


/* The leaf's serial (hex, as chainvet shows it: no sign byte) and SHA-256 fingerprint. */
static ngx_int_t
ngx_http_chainvet_leaf_ids(ngx_pool_t *pool, X509 *leaf,
    ngx_http_chainvet_conn_t *cv)
{
    u_char               md[EVP_MAX_MD_SIZE];
    unsigned int         md_len;
    const ASN1_INTEGER  *serial;

    serial = X509_get0_serialNumber(leaf);

    if (ngx_http_chainvet_hex(pool, ASN1_STRING_get0_data(serial),
                              ASN1_STRING_length(serial), 1, &cv->serial)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (!EVP_Digest(cv->leaf_der.data, cv->leaf_der.len, md, &md_len, EVP_sha256(),
                    NULL))
    {
        return NGX_ERROR;
    }

    return ngx_http_chainvet_hex(pool, md, md_len, 0, &cv->sha256);
}


/* Vets `leaf` with the unordered pool `chain` (certificates equal to `leaf` are left
 * out); the verdict goes into `c`'s pool. NULL only when memory runs out. */
static ngx_http_chainvet_conn_t *
ngx_http_chainvet_vet(ngx_connection_t *c, ngx_http_chainvet_engine_t *engine,
    X509 *leaf, STACK_OF(X509) *chain)
{
    int                        i, n;
    size_t                     count, *lens;
    ngx_uint_t                 ok;
    const uint8_t            **ders;
    chainvet_result            rc;
    chainvet_report           *report;
    ngx_pool_t                *tmp;
    ngx_http_chainvet_conn_t  *cv;
    char                       why[128];

    cv = ngx_pcalloc(c->pool, sizeof(ngx_http_chainvet_conn_t));
    if (cv == NULL) {
        return NULL;
    }

    cv->engine = engine;

    cv->leaf_der.data = ngx_http_chainvet_der(c->pool, leaf, &cv->leaf_der.len);
    if (cv->leaf_der.data == NULL
        || ngx_http_chainvet_leaf_ids(c->pool, leaf, cv) != NGX_OK)
    {
        return NULL;
    }

    /* The intermediates are needed for this call only: a pool of their own, so they
     * do not stay with the connection. Their number is bounded by OpenSSL's limit on
     * the size of the Certificate message (max_cert_list, 100 KB by default). */
    tmp = ngx_create_pool(4096, c->log);
    if (tmp == NULL) {
        return NULL;
    }

    ok = 0;
    report = NULL;
    n = chain ? sk_X509_num(chain) : 0;

    ders = ngx_palloc(tmp, (n + 1) * sizeof(uint8_t *));
    lens = ngx_palloc(tmp, (n + 1) * sizeof(size_t));
    if (ders == NULL || lens == NULL) {
        goto done;
    }

    count = 0;

    for (i = 0; i < n; i++) {
        X509  *x = sk_X509_value(chain, i);

        if (x == leaf || X509_cmp(x, leaf) == 0) {
            continue;
        }

        ders[count] = ngx_http_chainvet_der(tmp, x, &lens[count]);
        if (ders[count] == NULL) {
            goto done;
        }

        count++;
    }

    rc = chainvet_validator_validate_presented(engine->validator, cv->leaf_der.data,
                                               cv->leaf_der.len, ders, lens, count,
                                               NULL, engine->options, &report);
    if (rc != CHAINVET_RESULT_OK) {
        /* Fail closed: an empty, refused verdict. */
        chainvet_code_message(rc, why, sizeof(why), NULL);
        ngx_log_error(NGX_LOG_ERR, c->log, 0, "chainvet could not run: %s", why);
        cv->chain.accepted = 0;
        ok = 1;
        goto done;
    }

    ok = (ngx_http_chainvet_capture(c->pool, report, 0, &cv->chain) == NGX_OK);

done:

    chainvet_report_free(report);
    ngx_destroy_pool(tmp);

    return ok ? cv : NULL;
}


/* Replaces X509_verify_cert for this SSL_CTX: called once per full handshake in which
 * the client sent a certificate, with the chain as sent (leaf first). */
static int
ngx_http_chainvet_verify(X509_STORE_CTX *store, void *arg)
{
    ngx_http_chainvet_engine_t  *engine = arg;

    X509                      *leaf;
    ngx_ssl_conn_t            *ssl_conn;
    ngx_connection_t          *c;
    ngx_http_chainvet_conn_t  *cv;
#if (NGX_DEBUG)
    struct timespec            start, end;
#endif

    ssl_conn = X509_STORE_CTX_get_ex_data(store,
                                          SSL_get_ex_data_X509_STORE_CTX_idx());
    c = ssl_conn ? ngx_ssl_get_connection(ssl_conn) : NULL;
    leaf = X509_STORE_CTX_get0_cert(store);

    if (c == NULL || leaf == NULL) {
        X509_STORE_CTX_set_error(store, X509_V_ERR_UNSPECIFIED);
        return 0;
    }

#if (NGX_DEBUG)
    /* CPU time of this thread: what vetting costs the worker, whatever else runs. */
    (void) clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
#endif

    cv = ngx_http_chainvet_vet(c, engine, leaf, X509_STORE_CTX_get0_untrusted(store));

#if (NGX_DEBUG)
    (void) clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
#endif

    if (cv == NULL || !SSL_set_ex_data(ssl_conn, ngx_http_chainvet_index, cv)) {
        /* Out of memory: end the handshake rather than serve an unvetted client. */
        X509_STORE_CTX_set_error(store, X509_V_ERR_OUT_OF_MEM);
        return 0;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, c->log, 0,
                   "chainvet: chain %s, %ui finding(s), %L ns of CPU",
                   cv->chain.accepted ? "accepted" : "refused", cv->chain.count,
                   (int64_t) (end.tv_sec - start.tv_sec) * 1000000000
                   + (end.tv_nsec - start.tv_nsec));

    /* $ssl_client_verify must never say SUCCESS for a chain chainvet refused. The
     * error chosen is one "ssl_verify_client optional_no_ca" lets through, so the
     * request still reaches the module and gets its 403 with the findings. */
    if (!cv->chain.accepted) {
        X509_STORE_CTX_set_error(store, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE);
    }

    return 1;
}


void
ngx_http_chainvet_hook_ssl_ctx(SSL_CTX *ctx, ngx_http_chainvet_engine_t *engine)
{
    SSL_CTX_set_cert_verify_callback(ctx, ngx_http_chainvet_verify, engine);

    /* No session resumption: a resumed session carries no chain to vet, and the
     * verdict it was given may be stale (a CRL may have revoked the client since). */
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
#ifdef TLS1_3_VERSION
    SSL_CTX_set_num_tickets(ctx, 0);
#endif
}


/* The verdict for this connection's chain as `engine` sees it into `*out` (NULL when the
 * client presented no certificate); NGX_ERROR when memory runs out. A connection vetted by another server's engine (SNI named
 * one server, Host another) or not vetted at the handshake (a resumed session from a
 * context without the module) is vetted now, from the certificates the session holds. */
ngx_int_t
ngx_http_chainvet_connection(ngx_ssl_conn_t *ssl_conn,
    ngx_http_chainvet_engine_t *engine, ngx_http_chainvet_conn_t **out)
{
    X509                      *leaf;
    ngx_connection_t          *c;
    ngx_http_chainvet_conn_t  *cv;

    *out = SSL_get_ex_data(ssl_conn, ngx_http_chainvet_index);
    if (*out != NULL && (*out)->engine == engine) {
        return NGX_OK;
    }

    *out = NULL;

    leaf = SSL_get0_peer_certificate(ssl_conn);
    if (leaf == NULL) {
        return NGX_OK;
    }

    /* The TCP connection (not an HTTP/2 stream's): the verdict lives as long as it. */
    c = ngx_ssl_get_connection(ssl_conn);

    cv = ngx_http_chainvet_vet(c, engine, leaf, SSL_get_peer_cert_chain(ssl_conn));
    if (cv == NULL || !SSL_set_ex_data(ssl_conn, ngx_http_chainvet_index, cv)) {
        return NGX_ERROR;
    }

    *out = cv;

    return NGX_OK;
}
