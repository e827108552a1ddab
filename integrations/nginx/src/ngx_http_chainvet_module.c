/*
 * Directives and configuration. Every file (trust store, policy, registry, CRLs) is read
 * and checked by chainvet while the configuration loads, in the master process: a file
 * chainvet refuses fails `nginx -t` and `nginx -s reload` with chainvet's message, and
 * the running configuration keeps serving. Workers never touch the files.
 */

#include "ngx_http_chainvet.h"
#include <ngx_http_ssl_module.h>


/* A CRL larger than this is refused at load (chainvet's own default limit is 10 MB). */
#define NGX_HTTP_CHAINVET_MAX_CRL  (16 * 1024 * 1024)

/* Room for chainvet's load errors (they name file, line, column and field). */
#define NGX_HTTP_CHAINVET_ERROR_LEN  1024


static void *ngx_http_chainvet_create_srv_conf(ngx_conf_t *cf);
static char *ngx_http_chainvet_merge_srv_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void *ngx_http_chainvet_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_chainvet_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_chainvet_crl(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_chainvet_registry(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_chainvet_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_http_chainvet_postconfiguration(ngx_conf_t *cf);


static ngx_conf_enum_t  ngx_http_chainvet_revocation_modes[] = {
    { ngx_string("off"), CHAINVET_REVOCATION_MODE_OFF },
    { ngx_string("soft"), CHAINVET_REVOCATION_MODE_SOFT_FAIL },
    { ngx_string("hard"), CHAINVET_REVOCATION_MODE_HARD_FAIL },
    { ngx_null_string, 0 }
};


static ngx_command_t  ngx_http_chainvet_commands[] = {

    { ngx_string("chainvet"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_chainvet_loc_conf_t, enable),
      NULL },

    { ngx_string("chainvet_trust_store"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_chainvet_srv_conf_t, trust_store),
      NULL },

    { ngx_string("chainvet_policy"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_chainvet_srv_conf_t, policy),
      NULL },

    { ngx_string("chainvet_crl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_http_chainvet_crl,
      NGX_HTTP_SRV_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("chainvet_revocation"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_enum_slot,
      NGX_HTTP_SRV_CONF_OFFSET,
      offsetof(ngx_http_chainvet_srv_conf_t, revocation),
      &ngx_http_chainvet_revocation_modes },

    { ngx_string("chainvet_registry"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_chainvet_registry,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("chainvet_client_id"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_chainvet_loc_conf_t, client_id),
      NULL },

    { ngx_string("chainvet_json"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_chainvet_loc_conf_t, json),
      NULL },

    { ngx_string("chainvet_require_certificate"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_chainvet_loc_conf_t, require_certificate),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_chainvet_module_ctx = {
    ngx_http_chainvet_preconfiguration,    /* preconfiguration */
    ngx_http_chainvet_postconfiguration,   /* postconfiguration */

    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */

    ngx_http_chainvet_create_srv_conf,     /* create server configuration */
    ngx_http_chainvet_merge_srv_conf,      /* merge server configuration */

    ngx_http_chainvet_create_loc_conf,     /* create location configuration */
    ngx_http_chainvet_merge_loc_conf       /* merge location configuration */
};


ngx_module_t  ngx_http_chainvet_module = {
    NGX_MODULE_V1,
    &ngx_http_chainvet_module_ctx,         /* module context */
    ngx_http_chainvet_commands,            /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/* A file name as chainvet wants it: absolute (relative names are taken from the
 * configuration prefix, as NGINX's own file directives do) and NUL-terminated. */
static char *
ngx_http_chainvet_path(ngx_conf_t *cf, ngx_str_t *name)
{
    ngx_str_t  full;
    u_char    *path;

    full = *name;

    if (ngx_conf_full_name(cf->cycle, &full, 1) != NGX_OK) {
        return NULL;
    }

    path = ngx_pnalloc(cf->pool, full.len + 1);
    if (path == NULL) {
        return NULL;
    }

    ngx_memcpy(path, full.data, full.len);
    path[full.len] = '\0';

    return (char *) path;
}


/* chainvet's messages may span lines (a TOML error shows the line with a caret): one
 * log line each, so every line of the error log stays one event. */
static char *
ngx_http_chainvet_one_line(char *error)
{
    char  *p;

    for (p = error; *p; p++) {
        if ((u_char) *p < 0x20) {
            *p = ' ';
        }
    }

    return error;
}


static void
ngx_http_chainvet_free_registry(void *data)
{
    chainvet_registry_free(data);
}


static void
ngx_http_chainvet_free_engine(void *data)
{
    ngx_http_chainvet_engine_t  *engine = data;

    chainvet_options_free(engine->options);
    chainvet_validator_free(engine->validator);
}


/* chainvet_crl FILE: read and checked now; parsed once per configuration when the
 * engine is set up, and used by every validation. */
static char *
ngx_http_chainvet_crl(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_chainvet_srv_conf_t  *scf = conf;

    char                     *path;
    size_t                    error_len;
    ssize_t                   n;
    ngx_fd_t                  fd;
    ngx_str_t                *value;
    ngx_file_info_t           fi;
    ngx_http_chainvet_crl_t  *crl;
    char                      error[NGX_HTTP_CHAINVET_ERROR_LEN];

    value = cf->args->elts;

    path = ngx_http_chainvet_path(cf, &value[1]);
    if (path == NULL) {
        return NGX_CONF_ERROR;
    }

    if (scf->crls == NULL) {
        scf->crls = ngx_array_create(cf->pool, 2, sizeof(ngx_http_chainvet_crl_t));
        if (scf->crls == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    crl = ngx_array_push(scf->crls);
    if (crl == NULL) {
        return NGX_CONF_ERROR;
    }

    crl->path = value[1];

    fd = ngx_open_file(path, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%s\" failed", path);
        return NGX_CONF_ERROR;
    }

    n = -1;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_fd_info_n " \"%s\" failed", path);
        goto close;
    }

    if (ngx_file_size(&fi) > NGX_HTTP_CHAINVET_MAX_CRL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "chainvet_crl \"%s\": larger than %d bytes",
                           path, NGX_HTTP_CHAINVET_MAX_CRL);
        goto close;
    }

    crl->data.len = (size_t) ngx_file_size(&fi);
    crl->data.data = ngx_pnalloc(cf->pool, crl->data.len + 1);
    if (crl->data.data == NULL) {
        goto close;
    }

    n = ngx_read_fd(fd, crl->data.data, crl->data.len);
    if (n == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_read_fd_n " \"%s\" failed", path);

    } else if ((size_t) n != crl->data.len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "chainvet_crl \"%s\": file changed while read", path);
        n = -1;
    }

close:

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%s\" failed", path);
    }

    if (n == -1) {
        return NGX_CONF_ERROR;
    }

    if (chainvet_crl_check(crl->data.data, crl->data.len, error, sizeof(error),
                           &error_len)
        != CHAINVET_RESULT_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "chainvet_crl \"%s\": %s",
                           path, ngx_http_chainvet_one_line(error));
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* chainvet_registry FILE: loaded (with every certificate it names) now. */
static char *
ngx_http_chainvet_registry(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_chainvet_loc_conf_t  *lcf = conf;

    char                *path;
    size_t               error_len;
    ngx_str_t           *value;
    ngx_pool_cleanup_t  *cln;
    chainvet_result      rc;
    char                 error[NGX_HTTP_CHAINVET_ERROR_LEN];

    if (lcf->registry != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    path = ngx_http_chainvet_path(cf, &value[1]);
    if (path == NULL) {
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    rc = chainvet_registry_new_from_file(path, &lcf->registry, error, sizeof(error),
                                         &error_len);
    if (rc != CHAINVET_RESULT_OK) {
        if (rc != CHAINVET_RESULT_REGISTRY_INVALID) {
            chainvet_code_message(rc, error, sizeof(error), NULL);
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "chainvet_registry \"%s\": %s",
                           path, ngx_http_chainvet_one_line(error));
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_chainvet_free_registry;
    cln->data = lcf->registry;

    return NGX_CONF_OK;
}


static void *
ngx_http_chainvet_create_srv_conf(ngx_conf_t *cf)
{
    ngx_http_chainvet_srv_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_chainvet_srv_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->trust_store = { 0, NULL };
     *     conf->policy = { 0, NULL };
     *     conf->crls = NULL;
     *     conf->engine = NULL;
     */

    conf->revocation = NGX_CONF_UNSET_UINT;

    return conf;
}


/* Builds the validator and options for one configuration level from its files. */
static ngx_int_t
ngx_http_chainvet_build_engine(ngx_conf_t *cf, ngx_http_chainvet_srv_conf_t *conf)
{
    char                        *path;
    size_t                       error_len;
    ngx_uint_t                   i;
    chainvet_result              rc;
    chainvet_validator          *next;
    ngx_pool_cleanup_t          *cln;
    ngx_http_chainvet_crl_t     *crl;
    ngx_http_chainvet_engine_t  *engine;
    char                         error[NGX_HTTP_CHAINVET_ERROR_LEN];

    engine = ngx_pcalloc(cf->pool, sizeof(ngx_http_chainvet_engine_t));
    if (engine == NULL) {
        return NGX_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    cln->handler = ngx_http_chainvet_free_engine;
    cln->data = engine;

    if (conf->policy.data) {
        path = ngx_http_chainvet_path(cf, &conf->policy);
        if (path == NULL) {
            return NGX_ERROR;
        }

        rc = chainvet_validator_new_from_policy_file(path, &engine->validator, error,
                                                     sizeof(error), &error_len);
        if (rc != CHAINVET_RESULT_OK) {
            goto failed_policy;
        }

    } else if (chainvet_validator_new(&engine->validator) != CHAINVET_RESULT_OK) {
        return NGX_ERROR;
    }

    if (conf->trust_store.data) {
        path = ngx_http_chainvet_path(cf, &conf->trust_store);
        if (path == NULL) {
            return NGX_ERROR;
        }

        rc = chainvet_validator_new_with_trust_store_file(engine->validator, path,
                                                          &next, error,
                                                          sizeof(error),
                                                          &error_len);
        if (rc != CHAINVET_RESULT_OK) {
            goto failed_trust_store;
        }

        chainvet_validator_free(engine->validator);
        engine->validator = next;
    }

    if (conf->revocation != NGX_CONF_UNSET_UINT) {
        if (chainvet_validator_new_with_revocation_mode(engine->validator,
                                                        conf->revocation, &next)
            != CHAINVET_RESULT_OK)
        {
            return NGX_ERROR;
        }

        chainvet_validator_free(engine->validator);
        engine->validator = next;
    }

    if (chainvet_validator_trust_anchor_count(engine->validator) == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "chainvet has no trust anchors: set chainvet_trust_store "
                           "or the policy's trust_store");
        return NGX_ERROR;
    }

    /* Offline: a worker never waits on the network. Revocation comes from the CRL
     * files (and whatever the validator's cache holds). */
    if (chainvet_options_new(&engine->options) != CHAINVET_RESULT_OK
        || chainvet_options_set_offline(engine->options, 1) != CHAINVET_RESULT_OK)
    {
        return NGX_ERROR;
    }

    /* Each CRL is parsed once here, not in every handshake: the options keep their own
     * reference to the parsed CRL. */
    if (conf->crls) {
        crl = conf->crls->elts;
        for (i = 0; i < conf->crls->nelts; i++) {
            chainvet_crl  *parsed = NULL;

            rc = chainvet_crl_new(crl[i].data.data, crl[i].data.len, &parsed,
                                  error, sizeof(error), NULL);
            if (rc != CHAINVET_RESULT_OK) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "chainvet_crl \"%V\": %s",
                                   &crl[i].path, error);
                return NGX_ERROR;
            }
            rc = chainvet_options_add_parsed_crl(engine->options, parsed);
            chainvet_crl_free(parsed);
            if (rc != CHAINVET_RESULT_OK) {
                return NGX_ERROR;
            }
        }
    }

    conf->engine = engine;

    return NGX_OK;

failed_policy:

    if (rc != CHAINVET_RESULT_POLICY_INVALID) {
        chainvet_code_message(rc, error, sizeof(error), NULL);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "chainvet_policy \"%V\": %s",
                       &conf->policy, ngx_http_chainvet_one_line(error));
    return NGX_ERROR;

failed_trust_store:

    if (rc != CHAINVET_RESULT_POLICY_INVALID) {
        chainvet_code_message(rc, error, sizeof(error), NULL);
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "chainvet_trust_store \"%V\": %s",
                       &conf->trust_store, ngx_http_chainvet_one_line(error));
    return NGX_ERROR;
}


static ngx_uint_t
ngx_http_chainvet_configured(ngx_http_chainvet_srv_conf_t *conf)
{
    return conf->trust_store.data != NULL || conf->policy.data != NULL
           || conf->crls != NULL || conf->revocation != NGX_CONF_UNSET_UINT;
}


static char *
ngx_http_chainvet_merge_srv_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_chainvet_srv_conf_t *prev = parent;
    ngx_http_chainvet_srv_conf_t *conf = child;

    ngx_http_ssl_srv_conf_t  *sscf;

    if (!ngx_http_chainvet_configured(conf)) {
        /* Nothing set in this server: share the http level's objects, built once. */
        if (ngx_http_chainvet_configured(prev) && prev->engine == NULL) {
            if (prev->trust_store.data == NULL && prev->policy.data == NULL) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "chainvet needs chainvet_trust_store or "
                                   "chainvet_policy");
                return NGX_CONF_ERROR;
            }

            if (ngx_http_chainvet_build_engine(cf, prev) != NGX_OK) {
                return NGX_CONF_ERROR;
            }
        }

        *conf = *prev;

    } else {
        ngx_conf_merge_str_value(conf->trust_store, prev->trust_store, "");
        ngx_conf_merge_str_value(conf->policy, prev->policy, "");
        if (conf->crls == NULL) {
            conf->crls = prev->crls;    /* like NGINX's lists: set here, replaced */
        }

        ngx_conf_merge_uint_value(conf->revocation, prev->revocation,
                                  NGX_CONF_UNSET_UINT);

        if (conf->trust_store.len == 0) {
            conf->trust_store.data = NULL;
        }

        if (conf->policy.len == 0) {
            conf->policy.data = NULL;
        }

        if (conf->trust_store.data == NULL && conf->policy.data == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "chainvet needs chainvet_trust_store or "
                               "chainvet_policy");
            return NGX_CONF_ERROR;
        }

        if (ngx_http_chainvet_build_engine(cf, conf) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    if (conf->engine == NULL) {
        return NGX_CONF_OK;
    }

    /* The SSL module's merge ran before this one (it is a static module): its SSL_CTX
     * exists if this server terminates TLS. */
    sscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_ssl_module);

    if (sscf == NULL || sscf->ssl.ctx == NULL || sscf->verify != 3) {
        /* Not vetting here; "chainvet on" in such a server fails in merge_loc_conf. */
        return NGX_CONF_OK;
    }

    /* ("ssl_ocsp", which would fetch OCSP in the worker, NGINX itself refuses with
     * optional_no_ca.) */
    if (sscf->crl.len) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "chainvet replaces the client certificate verification "
                           "that \"ssl_crl\" applies to: use chainvet_crl");
        return NGX_CONF_ERROR;
    }

    ngx_http_chainvet_hook_ssl_ctx(sscf->ssl.ctx, conf->engine);

    return NGX_CONF_OK;
}


static void *
ngx_http_chainvet_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_chainvet_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_chainvet_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    conf->enable = NGX_CONF_UNSET;
    conf->json = NGX_CONF_UNSET;
    conf->require_certificate = NGX_CONF_UNSET;
    conf->registry = NGX_CONF_UNSET_PTR;
    conf->client_id = NGX_CONF_UNSET_PTR;

    return conf;
}


static char *
ngx_http_chainvet_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_chainvet_loc_conf_t *prev = parent;
    ngx_http_chainvet_loc_conf_t *conf = child;

    ngx_http_ssl_srv_conf_t       *sscf;
    ngx_http_chainvet_srv_conf_t  *scf;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_value(conf->json, prev->json, 1);
    ngx_conf_merge_value(conf->require_certificate, prev->require_certificate, 1);
    ngx_conf_merge_ptr_value(conf->registry, prev->registry, NULL);
    ngx_conf_merge_ptr_value(conf->client_id, prev->client_id, NULL);

    if ((conf->registry == NULL) != (conf->client_id == NULL)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "chainvet_registry and chainvet_client_id go together");
        return NGX_CONF_ERROR;
    }

    if (!conf->enable) {
        return NGX_CONF_OK;
    }

    scf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_chainvet_module);
    sscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_ssl_module);

    if (scf->engine == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"chainvet on\" needs chainvet_trust_store or "
                           "chainvet_policy for its server");
        return NGX_CONF_ERROR;
    }

    if (sscf == NULL || sscf->ssl.ctx == NULL || sscf->verify != 3) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"chainvet on\" needs a TLS server with "
                           "\"ssl_verify_client optional_no_ca\"");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_chainvet_preconfiguration(ngx_conf_t *cf)
{
    return ngx_http_chainvet_add_variables(cf);
}


static ngx_int_t
ngx_http_chainvet_postconfiguration(ngx_conf_t *cf)
{
    if (ngx_http_chainvet_handshake_init(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_chainvet_request_init(cf);
}
