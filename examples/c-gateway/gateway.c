/* A minimal mTLS gateway on OpenSSL that lets chainvet decide whether a client's
 * certificate chain is acceptable.
 *
 * OpenSSL does the TLS: the handshake, and the proof that the client holds the private
 * key of the certificate it presents (CertificateVerify). The chain itself -- does it
 * lead to a client CA we trust, is it valid now, long-lived enough, not self-signed, not
 * revoked -- is chainvet's call: SSL_CTX_set_cert_verify_callback replaces OpenSSL's own
 * chain verification (X509_verify_cert) with vet_chain() below, which hands chainvet the
 * chain exactly as the client sent it in trust-store mode
 * (chainvet_validator_validate_presented): the client's leaf, its other certificates as
 * an unordered pool of intermediates, and the gateway's trust store of client CAs
 * (--trust-store, or the policy's trust_store) as the only anchors. OpenSSL's built-in
 * verification therefore never rejects a chain before chainvet has seen it.
 *
 * A rejected chain fails the handshake (the client gets a TLS alert) and its findings
 * are logged, one line each with the stable integer code, the dotted code and the
 * message. An accepted client gets "HTTP/1.1 200 OK" with the body "accepted".
 *
 * With --crl, the CRL (DER or PEM, e.g. downloaded periodically by a cron job) is handed
 * to every validation, so a revoked client certificate fails the handshake with
 * revocation.revoked without any network access; certificates it does not cover are
 * checked as the policy's [revocation] table says (OCSP fetched with a bounded timeout,
 * soft-fail by default). Each connection logs its leaf's revocation status.
 *
 * Revocation and the network (docs/security.md): chainvet fetches OCSP responses and
 * CRLs only for a chain that verified to this gateway's trust store, only from
 * destinations its policy allows (never loopback, link-local or cloud metadata unless
 * allow_destinations names them), and within one deadline per handshake. Recommended
 * [revocation] settings for a gateway, which holds the handshake while chainvet waits:
 *
 *   [revocation]
 *   mode = "soft-fail"          # "hard-fail" only with stapling or --crl as a backup
 *   deadline_ms = 1500          # all revocation work of one handshake
 *   timeout_ms = 1000           # one request
 *   max_ocsp_urls = 1
 *   max_crl_urls = 1
 *   negative_cache_seconds = 60 # a dead responder is not asked on every handshake
 *   deny_private_destinations = true
 *   allow_destinations = ["ocsp.internal.example"]   # your CA's responder, if internal
 *
 * Findings carry an operator-facing detail (chainvet_report_finding_detail: e.g. why a
 * responder could not be reached) that is logged here and never sent to the client.
 *
 * With --registry, each request must also name its client in an "X-Client-Id" header,
 * and the certificate it connected with must be one that client registered
 * (chainvet_validator_check_binding_der: per request, no signature work). A mismatch is
 * answered "403 Forbidden", logged with its binding.* findings, and the connection closed.
 *
 * Usage: gateway --cert SERVER.pem --key SERVER.key [--trust-store CLIENT-CAS.pem]
 *                [--policy POLICY.toml] [--crl CRL] [--registry REGISTRY.toml] [--port N]
 * Listens on 127.0.0.1 only; --port 0 (the default) picks a free port. Prints
 * "listening on 127.0.0.1:PORT" once ready; logs to standard error; stops cleanly on
 * SIGTERM or SIGINT. Connections are served one at a time (it is an example). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chainvet.h>

static volatile sig_atomic_t stopping;

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

/* Per-connection state, reachable from the verify callback through SSL app data. */
struct connection {
  unsigned long id;
  const chainvet_validator *validator;            /* holds the trust store */
  const chainvet_presented_options *presented;    /* shared, read-only: client auth */
  const chainvet_options *options;   /* shared by all connections, read-only; NULL: defaults */
  const chainvet_registry *registry; /* NULL: no binding check */
};

static void log_findings(unsigned long id, const chainvet_report *report) {
  size_t n = chainvet_report_findings_count(report);
  for (size_t i = 0; i < n; i++) {
    uint32_t code = 0;
    const char *name = "?", *message = "?", *hint = "?";
    chainvet_severity severity = CHAINVET_SEVERITY_ERROR;
    if (chainvet_report_finding_code(report, i, &code) != CHAINVET_RESULT_OK) continue;
    chainvet_report_finding_code_name(report, i, &name);
    chainvet_report_finding_severity(report, i, &severity);
    chainvet_report_finding_message(report, i, &message);
    chainvet_report_finding_hint(report, i, &hint);
    const char *level = severity == CHAINVET_SEVERITY_ERROR     ? "error"
                        : severity == CHAINVET_SEVERITY_WARNING ? "warning"
                                                                : "info";
    fprintf(stderr, "conn %lu:   %u %s (%s): %s\n", id, code, name, level, message);
    fprintf(stderr, "conn %lu:     hint: %s\n", id, hint);
    const char *detail = NULL;
    if (chainvet_report_finding_detail(report, i, &detail) == CHAINVET_RESULT_OK && detail != NULL)
      fprintf(stderr, "conn %lu:     detail: %s\n", id, detail);
  }
}

static void log_revocation(unsigned long id, const chainvet_report *report) {
  static const char *const statuses[] = {"?", "good", "revoked", "unknown", "unavailable", "invalid",
                                         "not checked"};
  for (size_t i = 0; i < chainvet_report_revocation_count(report); i++) {
    size_t cert = 0;
    chainvet_revocation_status status = 0;
    chainvet_revocation_method method = 0;
    chainvet_revocation_source source = 0;
    chainvet_report_revocation_certificate(report, i, &cert);
    chainvet_report_revocation_status(report, i, &status);
    if (status > CHAINVET_REVOCATION_STATUS_NOT_CHECKED) status = 0;
    if (chainvet_report_revocation_source(report, i, &source) == CHAINVET_RESULT_OK &&
        chainvet_report_revocation_method(report, i, &method) == CHAINVET_RESULT_OK) {
      static const char *const sources[] = {"?", "network", "cache", "stapled", "supplied"};
      fprintf(stderr, "conn %lu: revocation of certificate %zu: %s (%s, %s)\n", id, cert,
              statuses[status], method == CHAINVET_REVOCATION_METHOD_CRL ? "CRL" : "OCSP",
              source <= CHAINVET_REVOCATION_SOURCE_SUPPLIED ? sources[source] : "?");
    } else {
      fprintf(stderr, "conn %lu: revocation of certificate %zu: %s\n", id, cert, statuses[status]);
    }
  }
}

/* Replaces OpenSSL's chain verification: called once per handshake with the chain the
 * client sent. Returns 1 to continue the handshake, 0 to abort it. */
static int vet_chain(X509_STORE_CTX *store_ctx, void *arg) {
  (void)arg;
  SSL *ssl = X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
  struct connection *conn = ssl ? SSL_get_app_data(ssl) : NULL;
  /* The chain as sent, leaf first (on the server side SSL_get_peer_cert_chain would omit
   * the leaf): the leaf, then the pool of intermediates in whatever order the client
   * sent them. */
  STACK_OF(X509) *chain = X509_STORE_CTX_get0_untrusted(store_ctx);
  int count = chain ? sk_X509_num(chain) : 0;
  if (conn == NULL || count <= 0) {
    X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_CERT_REJECTED);
    return 0;
  }

  const uint8_t **certs = calloc((size_t)count, sizeof *certs);
  size_t *lens = calloc((size_t)count, sizeof *lens);
  unsigned char **owned = calloc((size_t)count, sizeof *owned);
  int ok = 0;
  chainvet_report *report = NULL;
  if (certs == NULL || lens == NULL || owned == NULL) goto done;
  for (int i = 0; i < count; i++) {
    int len = i2d_X509(sk_X509_value(chain, i), &owned[i]); /* OpenSSL allocates */
    if (len <= 0) goto done;
    certs[i] = owned[i];
    lens[i] = (size_t)len;
  }

  /* The shared options carry no time: validate at the current time. The call is timed so
     an operator sees what vetting costs in place (a chain seen before is answered from
     the validator's cache in microseconds). */
  struct timespec started, finished;
  clock_gettime(CLOCK_MONOTONIC, &started);
  chainvet_result res =
      chainvet_validator_validate_presented(conn->validator, certs[0], lens[0], certs + 1, lens + 1,
                                            (size_t)count - 1, conn->presented, conn->options, &report);
  clock_gettime(CLOCK_MONOTONIC, &finished);
  long long took_us = (long long)(finished.tv_sec - started.tv_sec) * 1000000LL +
                      (finished.tv_nsec - started.tv_nsec) / 1000;
  fprintf(stderr, "conn %lu: vetted in %lld us\n", conn->id, took_us);
  if (res != CHAINVET_RESULT_OK) {
    char why[256];
    chainvet_code_message(res, why, sizeof why, NULL);
    fprintf(stderr, "conn %lu: rejected: chainvet could not run: %s\n", conn->id, why);
    goto done;
  }
  ok = chainvet_report_accepted(report);
  if (ok) {
    fprintf(stderr, "conn %lu: chain of %d accepted\n", conn->id, count);
  } else {
    fprintf(stderr, "conn %lu: rejected: chain of %d, %zu finding(s)\n", conn->id, count,
            chainvet_report_findings_count(report));
  }
  log_findings(conn->id, report); /* warnings of accepted chains too */
  log_revocation(conn->id, report);

done:
  chainvet_report_free(report);
  if (owned) {
    for (int i = 0; i < count; i++) OPENSSL_free(owned[i]);
  }
  free(owned);
  free(lens);
  free(certs);
  /* CERT_REJECTED makes OpenSSL send a bad_certificate alert. */
  if (!ok) X509_STORE_CTX_set_error(store_ctx, X509_V_ERR_CERT_REJECTED);
  return ok;
}

/* The value of header `name` in the request head, copied into `out` (empty if absent). */
static void header_value(const char *head, const char *name, char *out, size_t out_len) {
  size_t name_len = strlen(name);
  out[0] = 0;
  for (const char *line = strstr(head, "\r\n"); line != NULL; line = strstr(line, "\r\n")) {
    line += 2;
    if (strncasecmp(line, name, name_len) != 0 || line[name_len] != ':') continue;
    const char *v = line + name_len + 1;
    while (*v == ' ' || *v == '\t') v++;
    size_t n = strcspn(v, "\r\n");
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
    if (n >= out_len) n = out_len - 1;
    memcpy(out, v, n);
    out[n] = 0;
    return;
  }
}

/* Whether the certificate this connection presented is registered to the client the
 * request names. */
static int binding_ok(SSL *ssl, const struct connection *conn, const char *client) {
  X509 *leaf = SSL_get0_peer_certificate(ssl);
  unsigned char *der = NULL;
  int len = leaf ? i2d_X509(leaf, &der) : -1;
  chainvet_report *report = NULL;
  int ok = 0;
  if (len > 0 &&
      chainvet_validator_check_binding_der(conn->validator, conn->registry, client, strlen(client),
                                           der, (size_t)len, NULL, &report) == CHAINVET_RESULT_OK) {
    ok = chainvet_report_accepted(report);
    if (ok) {
      fprintf(stderr, "conn %lu: registered to client `%s`\n", conn->id, client);
    } else {
      fprintf(stderr, "conn %lu: rejected: not registered to client `%s`, %zu finding(s)\n", conn->id,
              client, chainvet_report_findings_count(report));
      log_findings(conn->id, report);
    }
  }
  chainvet_report_free(report);
  OPENSSL_free(der);
  return ok;
}

/* Reads the request head (up to the blank line) and answers it. */
static void serve(SSL *ssl, const struct connection *conn) {
  char request[8192];
  size_t used = 0;
  request[0] = 0;
  while (used < sizeof request - 1) {
    int n = SSL_read(ssl, request + used, (int)(sizeof request - 1 - used));
    if (n <= 0) break;
    used += (size_t)n;
    request[used] = 0;
    if (strstr(request, "\r\n\r\n") != NULL) break;
  }
  static const char accepted[] =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n"
      "Connection: close\r\n\r\naccepted\n";
  static const char forbidden[] =
      "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n"
      "Connection: close\r\n\r\nrejected\n";
  if (conn->registry != NULL) {
    char client[256];
    header_value(request, "X-Client-Id", client, sizeof client);
    if (!binding_ok(ssl, conn, client)) {
      if (SSL_write(ssl, forbidden, (int)(sizeof forbidden - 1)) > 0) {
        fprintf(stderr, "conn %lu: answered 403, connection closed\n", conn->id);
      }
      SSL_shutdown(ssl);
      return;
    }
  }
  if (SSL_write(ssl, accepted, (int)(sizeof accepted - 1)) > 0) {
    fprintf(stderr, "conn %lu: answered 200 accepted\n", conn->id);
  }
  SSL_shutdown(ssl);
}

static void log_openssl_errors(unsigned long id, const char *what) {
  unsigned long e;
  char buf[256];
  fprintf(stderr, "conn %lu: %s\n", id, what);
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    fprintf(stderr, "conn %lu:   openssl: %s\n", id, buf);
  }
}

/* The whole file, malloc'd, or NULL. */
static unsigned char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  unsigned char *data = NULL;
  long size = -1;
  if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
      (data = malloc((size_t)size + 1)) != NULL && fread(data, 1, (size_t)size, f) != (size_t)size) {
    free(data);
    data = NULL;
  }
  fclose(f);
  *len = size > 0 ? (size_t)size : 0;
  return data;
}

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons((unsigned short)port);
  socklen_t len = sizeof addr;
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 16) != 0 ||
      getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
    close(fd);
    return -1;
  }
  printf("listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
  fflush(stdout);
  return fd;
}

static int usage(const char *argv0) {
  fprintf(stderr,
          "usage: %s --cert SERVER.pem --key SERVER.key [--trust-store CLIENT-CAS.pem] "
          "[--policy POLICY.toml] [--crl CRL] [--registry REGISTRY.toml] [--port N]\n",
          argv0);
  return 2;
}

int main(int argc, char **argv) {
  const char *cert = NULL, *key = NULL, *policy = NULL, *registry_path = NULL, *crl_path = NULL,
             *trust_store = NULL;
  int port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--cert") == 0) cert = argv[i + 1];
    else if (strcmp(argv[i], "--key") == 0) key = argv[i + 1];
    else if (strcmp(argv[i], "--policy") == 0) policy = argv[i + 1];
    else if (strcmp(argv[i], "--trust-store") == 0) trust_store = argv[i + 1];
    else if (strcmp(argv[i], "--registry") == 0) registry_path = argv[i + 1];
    else if (strcmp(argv[i], "--crl") == 0) crl_path = argv[i + 1];
    else if (strcmp(argv[i], "--port") == 0) port = atoi(argv[i + 1]);
    else return usage(argv[0]);
  }
  if (cert == NULL || key == NULL || argc % 2 == 0) return usage(argv[0]);

  /* One validator for the process: immutable, shareable between threads. */
  chainvet_validator *validator = NULL;
  char error[1024];
  chainvet_result res = policy
                            ? chainvet_validator_new_from_policy_file(policy, &validator, error,
                                                                      sizeof error, NULL)
                            : chainvet_validator_new(&validator);
  if (res != CHAINVET_RESULT_OK) {
    fprintf(stderr, "cannot load policy %s: %s\n", policy ? policy : "(default)", error);
    return 1;
  }
  /* The client CAs: they replace any trust store the policy names. */
  if (trust_store != NULL) {
    chainvet_validator *trusting = NULL;
    res = chainvet_validator_new_with_trust_store_file(validator, trust_store, &trusting, error,
                                                       sizeof error, NULL);
    chainvet_validator_free(validator);
    if (res != CHAINVET_RESULT_OK) {
      fprintf(stderr, "cannot load trust store: %s\n", error);
      return 1;
    }
    validator = trusting;
  }
  if (chainvet_validator_trust_anchor_count(validator) == 0) {
    fprintf(stderr, "no trust store: give --trust-store or a policy with trust_store\n");
    chainvet_validator_free(validator);
    return 1;
  }
  /* What only trust-store mode needs, shared by every connection: the peers are clients. */
  chainvet_presented_options *presented = NULL;
  if (chainvet_presented_options_new(&presented) != CHAINVET_RESULT_OK ||
      chainvet_presented_options_set_usage(presented, CHAINVET_USAGE_CLIENT_AUTH) != CHAINVET_RESULT_OK) {
    chainvet_presented_options_free(presented);
    chainvet_validator_free(validator);
    return 1;
  }
  /* One options object for every connection: validations only read it. */
  chainvet_options *options = NULL;
  if (crl_path != NULL) {
    size_t crl_len = 0;
    unsigned char *crl = read_all(crl_path, &crl_len);
    if (crl == NULL || chainvet_options_new(&options) != CHAINVET_RESULT_OK ||
        chainvet_options_add_crl(options, crl, crl_len) != CHAINVET_RESULT_OK) {
      fprintf(stderr, "cannot load CRL %s\n", crl_path);
      free(crl);
      chainvet_options_free(options);
      chainvet_presented_options_free(presented);
      chainvet_validator_free(validator);
      return 1;
    }
    free(crl); /* copied by chainvet */
  }

  chainvet_registry *registry = NULL;
  if (registry_path != NULL &&
      chainvet_registry_new_from_file(registry_path, &registry, error, sizeof error, NULL) !=
          CHAINVET_RESULT_OK) {
    fprintf(stderr, "cannot load registry: %s\n", error);
    chainvet_options_free(options);
    chainvet_presented_options_free(presented);
    chainvet_validator_free(validator);
    return 1;
  }
  fprintf(stderr, "chainvet %s, policy %s, %zu trust anchor(s), CRL %s, registry %s (%zu clients)\n",
          chainvet_version(), policy ? policy : "(default)", chainvet_validator_trust_anchor_count(validator),
          crl_path ? crl_path : "(none)", registry_path ? registry_path : "(none)",
          chainvet_registry_client_count(registry));

  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    log_openssl_errors(0, "cannot set up TLS (server certificate or key)");
    SSL_CTX_free(ctx);
    chainvet_registry_free(registry);
    chainvet_options_free(options);
    chainvet_presented_options_free(presented);
    chainvet_validator_free(validator);
    return 1;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  /* Ask for a client certificate and fail the handshake without one; the chain goes to
   * vet_chain() instead of OpenSSL's verifier. */
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  SSL_CTX_set_cert_verify_callback(ctx, vet_chain, NULL);
  /* No resumption: a resumed session presents no certificate, and every connection's
   * chain must be vetted at the time it connects. */
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 0);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal; /* no SA_RESTART: accept() returns EINTR */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  int server = listen_on(port);
  if (server < 0) {
    perror("listen on 127.0.0.1");
    SSL_CTX_free(ctx);
    chainvet_registry_free(registry);
    chainvet_options_free(options);
    chainvet_presented_options_free(presented);
    chainvet_validator_free(validator);
    return 1;
  }

  unsigned long next_id = 1;
  while (!stopping) {
    int fd = accept(server, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR) continue;
      perror("accept");
      break;
    }
    struct timeval timeout = {5, 0}; /* a silent client cannot stall the gateway */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    struct connection conn = {next_id++, validator, presented, options, registry};
    SSL *ssl = SSL_new(ctx);
    if (ssl != NULL && SSL_set_fd(ssl, fd) == 1) {
      SSL_set_app_data(ssl, &conn);
      if (SSL_accept(ssl) == 1) {
        serve(ssl, &conn);
      } else {
        log_openssl_errors(conn.id, "handshake failed, connection closed");
      }
    }
    SSL_free(ssl);
    close(fd);
  }

  fprintf(stderr, "stopping\n");
  close(server);
  SSL_CTX_free(ctx);
  chainvet_registry_free(registry);
  chainvet_options_free(options);
  chainvet_presented_options_free(presented);
  chainvet_validator_free(validator);
  return 0;
}
