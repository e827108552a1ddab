/*
 * ngx_http_chainvet_module: chainvet decides whether the certificate chain a client
 * presents for mutual TLS is acceptable (trust-store mode), once per connection.
 *
 * Split by concern:
 *   ngx_http_chainvet_module.c     directives, configuration, loading files (reload)
 *   ngx_http_chainvet_handshake.c  the SSL_CTX verify callback: vet the chain, keep the
 *                                  verdict on the connection
 *   ngx_http_chainvet_request.c    per request: binding, the 403 answer, variables
 */

#ifndef _NGX_HTTP_CHAINVET_H_INCLUDED_
#define _NGX_HTTP_CHAINVET_H_INCLUDED_

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <chainvet.h>


/* Findings kept per verdict, and bytes kept per message: bounds what a hostile chain
 * can make a connection hold and a 403 body carry. */
#define NGX_HTTP_CHAINVET_MAX_FINDINGS  16
#define NGX_HTTP_CHAINVET_MAX_MESSAGE   320


/* What one server validates with: built from its files at (re)load, shared read-only by
 * every connection of every worker. */
typedef struct {
    chainvet_validator          *validator;
    chainvet_options            *options;      /* offline; the chainvet_crl files */
} ngx_http_chainvet_engine_t;


typedef struct {
    const char                  *name;         /* static, e.g. "validity.expired" */
    ngx_str_t                    message;      /* capped copy */
} ngx_http_chainvet_finding_t;


typedef struct {
    ngx_uint_t                   accepted;
    ngx_uint_t                   count;
    ngx_http_chainvet_finding_t  findings[NGX_HTTP_CHAINVET_MAX_FINDINGS];
} ngx_http_chainvet_verdict_t;


/* What vetting a connection's chain established; lives in the connection's pool and is
 * reached through SSL ex_data. */
typedef struct {
    ngx_http_chainvet_engine_t  *engine;       /* the one that vetted the chain */
    ngx_http_chainvet_verdict_t  chain;
    ngx_str_t                    leaf_der;     /* for per-request binding checks */
    ngx_str_t                    serial;       /* uppercase hex */
    ngx_str_t                    sha256;       /* lowercase hex of the leaf's DER */
} ngx_http_chainvet_conn_t;


typedef struct {
    ngx_str_t                    trust_store;
    ngx_str_t                    policy;
    ngx_array_t                 *crls;         /* of ngx_http_chainvet_crl_t */
    ngx_uint_t                   revocation;   /* CHAINVET_REVOCATION_MODE_* */
    ngx_http_chainvet_engine_t  *engine;       /* NULL: chainvet is not set up here */
} ngx_http_chainvet_srv_conf_t;


typedef struct {
    ngx_str_t                    path;
    ngx_str_t                    data;
} ngx_http_chainvet_crl_t;


typedef struct {
    ngx_flag_t                   enable;
    ngx_flag_t                   json;
    ngx_flag_t                   require_certificate;
    chainvet_registry           *registry;
    ngx_http_complex_value_t    *client_id;
} ngx_http_chainvet_loc_conf_t;


extern ngx_module_t  ngx_http_chainvet_module;


/* handshake */
ngx_int_t ngx_http_chainvet_handshake_init(ngx_conf_t *cf);
void ngx_http_chainvet_hook_ssl_ctx(SSL_CTX *ctx,
    ngx_http_chainvet_engine_t *engine);
ngx_int_t ngx_http_chainvet_connection(ngx_ssl_conn_t *ssl_conn,
    ngx_http_chainvet_engine_t *engine, ngx_http_chainvet_conn_t **out);
ngx_int_t ngx_http_chainvet_capture(ngx_pool_t *pool, const chainvet_report *report,
    ngx_uint_t generic, ngx_http_chainvet_verdict_t *verdict);

/* request */
ngx_int_t ngx_http_chainvet_request_init(ngx_conf_t *cf);
ngx_int_t ngx_http_chainvet_add_variables(ngx_conf_t *cf);


#endif /* _NGX_HTTP_CHAINVET_H_INCLUDED_ */
