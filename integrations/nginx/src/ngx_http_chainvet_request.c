/*
 * Per request: the connection's verdict (vetted once, at the handshake), the binding of
 * the client the request names (chainvet_registry + chainvet_client_id: no signature
 * work, so it is checked per request), the 403 answer, and the variables.
 *
 * The handler runs in the preaccess phase: its refusal is final whatever "satisfy any"
 * says about the access modules, and "return" in the rewrite phase still answers before
 * it (serve content, e.g. proxy_pass, where the module must decide).
 */

#include "ngx_http_chainvet.h"


typedef enum {
    NGX_HTTP_CHAINVET_NONE = 0,     /* no client certificate */
    NGX_HTTP_CHAINVET_ACCEPTED,
    NGX_HTTP_CHAINVET_REFUSED
} ngx_http_chainvet_state_e;


typedef struct {
    ngx_http_chainvet_state_e     state;
    ngx_http_chainvet_conn_t     *conn;       /* NULL: no client certificate */
    ngx_http_chainvet_verdict_t  *binding;    /* NULL: no binding check here */
    ngx_str_t                     codes;      /* "a,b", every finding */
} ngx_http_chainvet_ctx_t;


static ngx_int_t ngx_http_chainvet_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_chainvet_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


/* What a request without a client certificate is told: chainvet's code for an empty
 * input, with a message that fits the case. */
static ngx_str_t  ngx_http_chainvet_none_code = ngx_string("input.empty");
static ngx_str_t  ngx_http_chainvet_none_message =
    ngx_string("no client certificate was presented");


enum {
    NGX_HTTP_CHAINVET_VAR_VERDICT = 0,
    NGX_HTTP_CHAINVET_VAR_CODES,
    NGX_HTTP_CHAINVET_VAR_SERIAL,
    NGX_HTTP_CHAINVET_VAR_SHA256
};


static ngx_http_variable_t  ngx_http_chainvet_vars[] = {

    { ngx_string("chainvet_verdict"), NULL, ngx_http_chainvet_variable,
      NGX_HTTP_CHAINVET_VAR_VERDICT, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("chainvet_codes"), NULL, ngx_http_chainvet_variable,
      NGX_HTTP_CHAINVET_VAR_CODES, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("chainvet_leaf_serial"), NULL, ngx_http_chainvet_variable,
      NGX_HTTP_CHAINVET_VAR_SERIAL, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("chainvet_leaf_sha256"), NULL, ngx_http_chainvet_variable,
      NGX_HTTP_CHAINVET_VAR_SHA256, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_http_chainvet_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_chainvet_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


ngx_int_t
ngx_http_chainvet_request_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PREACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_chainvet_handler;

    return NGX_OK;
}


/* Checks that the leaf is registered to the client the request names. */
static ngx_int_t
ngx_http_chainvet_bind(ngx_http_request_t *r, ngx_http_chainvet_engine_t *engine,
    ngx_http_chainvet_loc_conf_t *lcf, ngx_http_chainvet_conn_t *cv,
    ngx_http_chainvet_verdict_t *binding)
{
    ngx_int_t         rc;
    ngx_str_t         id;
    chainvet_result   res;
    chainvet_report  *report;

    if (ngx_http_complex_value(r, lcf->client_id, &id) != NGX_OK) {
        return NGX_ERROR;
    }

    report = NULL;
    res = chainvet_validator_check_binding_der(engine->validator, lcf->registry,
                                               id.len ? (const char *) id.data : "",
                                               id.len, cv->leaf_der.data,
                                               cv->leaf_der.len, NULL, &report);

    if (res == CHAINVET_RESULT_INVALID_PARAMETER) {
        /* The id (e.g. from a header) is not UTF-8: no client has it. */
        binding->accepted = 0;
        binding->count = 1;
        binding->findings[0].name = "binding.no_registered_certificate";
        ngx_str_set(&binding->findings[0].message,
                    "the client id is not valid UTF-8");
        return NGX_OK;
    }

    if (res != CHAINVET_RESULT_OK) {
        return NGX_ERROR;
    }

    rc = ngx_http_chainvet_capture(r->pool, report, 1, binding);
    chainvet_report_free(report);

    return rc;
}


/* "a,b,c" of every finding of the chain and of the binding. */
static ngx_int_t
ngx_http_chainvet_join_codes(ngx_http_request_t *r, ngx_http_chainvet_ctx_t *ctx)
{
    size_t                        len;
    u_char                       *p;
    ngx_uint_t                    i, k;
    ngx_http_chainvet_verdict_t  *verdicts[2];

    if (ctx->conn == NULL) {
        ctx->codes = ngx_http_chainvet_none_code;
        return NGX_OK;
    }

    verdicts[0] = &ctx->conn->chain;
    verdicts[1] = ctx->binding;

    len = 0;
    for (k = 0; k < 2; k++) {
        for (i = 0; verdicts[k] && i < verdicts[k]->count; i++) {
            len += ngx_strlen(verdicts[k]->findings[i].name) + 1;
        }
    }

    p = ngx_pnalloc(r->pool, len + 1);
    if (p == NULL) {
        return NGX_ERROR;
    }

    ctx->codes.data = p;

    for (k = 0; k < 2; k++) {
        for (i = 0; verdicts[k] && i < verdicts[k]->count; i++) {
            if (p != ctx->codes.data) {
                *p++ = ',';
            }

            p = ngx_cpymem(p, verdicts[k]->findings[i].name,
                           ngx_strlen(verdicts[k]->findings[i].name));
        }
    }

    ctx->codes.len = p - ctx->codes.data;

    return NGX_OK;
}


/* The decision for this request, made once and kept in the request's context. NGX_OK
 * with `*out` NULL: chainvet is not set up for this server. */
static ngx_int_t
ngx_http_chainvet_decide(ngx_http_request_t *r, ngx_http_chainvet_ctx_t **out)
{
    ngx_uint_t                     accepted;
    ngx_http_chainvet_ctx_t       *ctx;
    ngx_http_chainvet_loc_conf_t  *lcf;
    ngx_http_chainvet_srv_conf_t  *scf;

    *out = ngx_http_get_module_ctx(r, ngx_http_chainvet_module);
    if (*out != NULL) {
        return NGX_OK;
    }

    scf = ngx_http_get_module_srv_conf(r, ngx_http_chainvet_module);
    if (scf->engine == NULL || r->connection->ssl == NULL) {
        return NGX_OK;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_chainvet_ctx_t));
    if (ctx == NULL) {
        return NGX_ERROR;
    }

    if (ngx_http_chainvet_connection(r->connection->ssl->connection, scf->engine,
                                     &ctx->conn)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->conn == NULL) {
        ctx->state = NGX_HTTP_CHAINVET_NONE;

    } else {
        accepted = ctx->conn->chain.accepted;

        lcf = ngx_http_get_module_loc_conf(r, ngx_http_chainvet_module);

        if (lcf->registry) {
            ctx->binding = ngx_pcalloc(r->pool, sizeof(ngx_http_chainvet_verdict_t));
            if (ctx->binding == NULL
                || ngx_http_chainvet_bind(r, scf->engine, lcf, ctx->conn,
                                          ctx->binding)
                   != NGX_OK)
            {
                return NGX_ERROR;
            }

            accepted = accepted && ctx->binding->accepted;
        }

        ctx->state = accepted ? NGX_HTTP_CHAINVET_ACCEPTED
                              : NGX_HTTP_CHAINVET_REFUSED;
    }

    if (ngx_http_chainvet_join_codes(r, ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_http_set_ctx(r, ctx, ngx_http_chainvet_module);
    *out = ctx;

    return NGX_OK;
}


/* Writes `s` as the inside of a JSON string; at most 6 bytes per input byte. */
static u_char *
ngx_http_chainvet_json_string(u_char *p, const u_char *s, size_t len)
{
    static const u_char  hex[] = "0123456789abcdef";

    size_t  i;

    for (i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            *p++ = '\\';
            *p++ = s[i];

        } else if (s[i] < 0x20 || s[i] == 0x7f) {
            p = ngx_cpymem(p, "\\u00", 4);
            *p++ = hex[s[i] >> 4];
            *p++ = hex[s[i] & 0x0f];

        } else {
            *p++ = s[i];
        }
    }

    return p;
}


/* {"accepted":false,"codes":[...],"messages":[...]} */
static ngx_int_t
ngx_http_chainvet_json_body(ngx_http_request_t *r, ngx_http_chainvet_ctx_t *ctx,
    ngx_str_t *body)
{
    size_t                        len;
    u_char                       *p;
    ngx_uint_t                    i, k, first;
    ngx_http_chainvet_verdict_t  *verdicts[2];
    ngx_http_chainvet_finding_t   none, *f;

    none.name = (const char *) ngx_http_chainvet_none_code.data;
    none.message = ngx_http_chainvet_none_message;

    verdicts[0] = ctx->conn ? &ctx->conn->chain : NULL;
    verdicts[1] = ctx->binding;

    len = sizeof("{\"accepted\":false,\"codes\":[],\"messages\":[]}\n");
    len += ngx_strlen(none.name) + 3 + none.message.len * 6 + 3;

    for (k = 0; k < 2; k++) {
        for (i = 0; verdicts[k] && i < verdicts[k]->count; i++) {
            f = &verdicts[k]->findings[i];
            len += ngx_strlen(f->name) * 6 + 3 + f->message.len * 6 + 3;
        }
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    body->data = p;
    p = ngx_cpymem(p, "{\"accepted\":false,\"codes\":[", 27);

    for (first = 1, k = 0; k < 2; k++) {
        for (i = 0; verdicts[k] && i < verdicts[k]->count; i++, first = 0) {
            f = &verdicts[k]->findings[i];
            p = ngx_cpymem(p, first ? "\"" : ",\"", first ? 1 : 2);
            p = ngx_http_chainvet_json_string(p, (const u_char *) f->name,
                                              ngx_strlen(f->name));
            *p++ = '"';
        }
    }

    if (ctx->conn == NULL) {
        p = ngx_cpymem(p, "\"input.empty\"", 13);
    }

    p = ngx_cpymem(p, "],\"messages\":[", 14);

    for (first = 1, k = 0; k < 2; k++) {
        for (i = 0; verdicts[k] && i < verdicts[k]->count; i++, first = 0) {
            f = &verdicts[k]->findings[i];
            p = ngx_cpymem(p, first ? "\"" : ",\"", first ? 1 : 2);
            p = ngx_http_chainvet_json_string(p, f->message.data, f->message.len);
            *p++ = '"';
        }
    }

    if (ctx->conn == NULL) {
        *p++ = '"';
        p = ngx_http_chainvet_json_string(p, none.message.data, none.message.len);
        *p++ = '"';
    }

    p = ngx_cpymem(p, "]}\n", 3);

    body->len = p - body->data;

    return NGX_OK;
}


/* Answers 403 with the findings as JSON and closes the connection afterwards: its
 * certificate will not change. */
static ngx_int_t
ngx_http_chainvet_refuse(ngx_http_request_t *r, ngx_http_chainvet_ctx_t *ctx)
{
    ngx_int_t    rc;
    ngx_buf_t   *b;
    ngx_str_t    body;
    ngx_chain_t  out;

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    r->keepalive = 0;

    if (ngx_http_chainvet_json_body(r, ctx, &body) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->pos = body.data;
    b->last = body.data + body.len;
    b->memory = 1;
    b->last_buf = 1;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    r->headers_out.status = NGX_HTTP_FORBIDDEN;
    r->headers_out.content_length_n = body.len;
    ngx_str_set(&r->headers_out.content_type, "application/json");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        ngx_http_finalize_request(r, rc);
        return NGX_DONE;
    }

    ngx_http_finalize_request(r, ngx_http_output_filter(r, &out));
    return NGX_DONE;
}


static ngx_int_t
ngx_http_chainvet_handler(ngx_http_request_t *r)
{
    ngx_http_chainvet_ctx_t       *ctx;
    ngx_http_chainvet_loc_conf_t  *lcf;

    /* Subrequests ride on their main request's decision. */
    if (r != r->main) {
        return NGX_DECLINED;
    }

    lcf = ngx_http_get_module_loc_conf(r, ngx_http_chainvet_module);
    if (!lcf->enable) {
        return NGX_DECLINED;
    }

    if (ngx_http_chainvet_decide(r, &ctx) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx == NULL) {
        /* merge_loc_conf refuses "chainvet on" where nothing is vetted; never let a
         * request through unvetted all the same. */
        return NGX_HTTP_FORBIDDEN;
    }

    if (ctx->state == NGX_HTTP_CHAINVET_ACCEPTED
        || (ctx->state == NGX_HTTP_CHAINVET_NONE && !lcf->require_certificate))
    {
        return NGX_DECLINED;
    }

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "chainvet: client certificate refused: %V", &ctx->codes);

    if (!lcf->json) {
        return NGX_HTTP_FORBIDDEN;
    }

    return ngx_http_chainvet_refuse(r, ctx);
}


static ngx_int_t
ngx_http_chainvet_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    ngx_str_t                 value;
    ngx_http_chainvet_ctx_t  *ctx;

    if (ngx_http_chainvet_decide(r, &ctx) != NGX_OK) {
        return NGX_ERROR;
    }

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    switch (data) {

    case NGX_HTTP_CHAINVET_VAR_VERDICT:
        if (ctx->state == NGX_HTTP_CHAINVET_ACCEPTED) {
            ngx_str_set(&value, "accepted");

        } else if (ctx->state == NGX_HTTP_CHAINVET_REFUSED) {
            ngx_str_set(&value, "rejected");

        } else {
            ngx_str_set(&value, "none");
        }

        break;

    case NGX_HTTP_CHAINVET_VAR_CODES:
        value = ctx->codes;
        break;

    default: /* serial, sha256 */
        if (ctx->conn == NULL) {
            v->not_found = 1;
            return NGX_OK;
        }

        value = (data == NGX_HTTP_CHAINVET_VAR_SERIAL) ? ctx->conn->serial
                                                       : ctx->conn->sha256;
        break;
    }

    v->len = value.len;
    v->data = value.data;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}
