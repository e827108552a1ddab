/* One validator shared by 8 threads doing 10,000 validations in all (by default), in
 * turn: a good DER chain and a reversed PEM bundle (with shared options carrying a client
 * binding), a chain with a stapled OCSP response (shared options carrying it, made by
 * `openssl ocsp`), and the good leaf and its intermediate in trust-store mode (a second
 * shared validator with a trust store, shared presented options with a depth limit, and
 * the binding options). Every report must equal, byte for byte in its JSON, the one computed
 * single-threaded before the threads start. The threads also read one shared report at once (its strings are made
 * lazily on first request) and must all get the same pointers.
 *
 * Usage: threads FIXTURES_DIR [TOTAL_VALIDATIONS]
 * Not run under helgrind or DRD: Rust's std synchronisation (Once, Mutex) is built on
 * futexes those tools cannot see, so they report false races; ThreadSanitizer would
 * need a TSan-instrumented Rust std (nightly -Zbuild-std). */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>

#include "common.h"

#define THREADS 8

static const chainvet_validator *validator;
static const chainvet_options *options;
static const chainvet_options *stapled_options; /* offline, with a stapled response */
static unsigned char *stapled_pem;
static size_t stapled_len;
static char *expected_stapled;
static const uint8_t *certs[3];
static size_t cert_lens[3];
static unsigned char *reversed_pem;
static size_t reversed_len;
static char *expected_good, *expected_reversed; /* reference JSON */
static const chainvet_validator *trusting;        /* trust store: the fixtures' root */
static const chainvet_presented_options *presented;
static char *expected_presented;
static const chainvet_report *shared;           /* read by every thread at once */
static const char *shared_message;              /* what the main thread got after */
static size_t per_thread;

struct outcome {
  size_t validations;
  size_t mismatches;
  size_t errors;
  const char *shared_json;
  const char *shared_hint;
};

static char *json_of(const chainvet_report *r) {
  const char *json = NULL;
  if (chainvet_report_json(r, &json) != CHAINVET_RESULT_OK) return NULL;
  return strdup(json);
}

static void *worker(void *arg) {
  struct outcome *out = arg;
  /* Everyone reads the shared report first, racing to create its lazy strings. */
  if (chainvet_report_json(shared, &out->shared_json) != CHAINVET_RESULT_OK) out->errors++;
  if (chainvet_report_finding_hint(shared, 0, &out->shared_hint) != CHAINVET_RESULT_OK) out->errors++;

  for (size_t i = 0; i < per_thread; i++) {
    chainvet_report *r = NULL;
    chainvet_result res;
    const char *expected;
    if (i % 4 == 0) {
      res = chainvet_validator_validate_der(validator, certs, cert_lens, 3, options, &r);
      expected = expected_good;
    } else if (i % 4 == 1) {
      res = chainvet_validator_validate_pem(validator, reversed_pem, reversed_len, options, &r);
      expected = expected_reversed;
    } else if (i % 4 == 2) {
      res = chainvet_validator_validate_pem(validator, stapled_pem, stapled_len, stapled_options, &r);
      expected = expected_stapled;
    } else {
      res = chainvet_validator_validate_presented(trusting, certs[0], cert_lens[0], certs + 1, cert_lens + 1, 1,
                                                  presented, options, &r);
      expected = expected_presented;
    }
    if (res != CHAINVET_RESULT_OK || r == NULL) {
      out->errors++;
      continue;
    }
    const char *json = NULL;
    if (chainvet_report_json(r, &json) != CHAINVET_RESULT_OK || strcmp(json, expected) != 0 ||
        chainvet_report_accepted(r) != (i % 4 != 1)) {
      out->mismatches++;
    }
    chainvet_report_free(r);
    out->validations++;
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s FIXTURES_DIR [TOTAL_VALIDATIONS]\n", argv[0]);
    return 2;
  }
  char dir[4096], rev_dir[4096];
  snprintf(dir, sizeof dir, "%s/unit", argv[1]);
  snprintf(rev_dir, sizeof rev_dir, "%s/revocation", argv[1]);
  size_t total = argc == 3 ? (size_t)strtoull(argv[2], NULL, 10) : 10000;
  per_thread = total / THREADS;
  REQUIRE(per_thread * THREADS == total && per_thread > 0);

  size_t len;
  char *at_text = (char *)read_file(dir, "at.txt", &len);
  int64_t at = strtoll(at_text, NULL, 10);
  free(at_text);
  unsigned char *ders[3];
  for (int k = 0; k < 3; k++) {
    char name[32];
    snprintf(name, sizeof name, "good-%d.der", k);
    ders[k] = read_file(dir, name, &cert_lens[k]);
    certs[k] = ders[k];
  }
  reversed_pem = read_file(dir, "reversed.pem", &reversed_len);
  stapled_pem = read_file(rev_dir, "good.pem", &stapled_len);
  char *rev_at_text = (char *)read_file(rev_dir, "at.txt", &len);
  int64_t rev_at = strtoll(rev_at_text, NULL, 10);
  free(rev_at_text);
  size_t response_len;
  unsigned char *response = read_file(rev_dir, "good-ocsp.der", &response_len);
  chainvet_options *so = NULL;
  REQUIRE(chainvet_options_new(&so) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_options_set_time(so, rev_at) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_options_set_offline(so, true) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_options_add_stapled_ocsp(so, response, response_len) == CHAINVET_RESULT_OK);
  free(response);
  stapled_options = so;

  chainvet_validator *v = NULL;
  REQUIRE(chainvet_validator_new(&v) == CHAINVET_RESULT_OK);
  chainvet_options *o = NULL;
  REQUIRE(chainvet_options_new(&o) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_options_set_time(o, at) == CHAINVET_RESULT_OK);
  /* Every validation also checks the leaf against client "acme"'s registration (it is
   * the registered leaf); the options keep it after the registry is freed. */
  char registry_path[4200];
  snprintf(registry_path, sizeof registry_path, "%s/registry.toml", dir);
  chainvet_registry *registry = NULL;
  REQUIRE(chainvet_registry_new_from_file(registry_path, &registry, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_options_set_client(o, registry, "acme", 4) == CHAINVET_RESULT_OK);
  chainvet_registry_free(registry);
  validator = v;
  options = o;

  /* Reference results, single-threaded. */
  chainvet_report *r = NULL;
  REQUIRE(chainvet_validator_validate_der(v, certs, cert_lens, 3, o, &r) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_report_accepted(r));
  expected_good = json_of(r);
  chainvet_report_free(r);
  chainvet_report *rev = NULL;
  REQUIRE(chainvet_validator_validate_pem(v, reversed_pem, reversed_len, o, &rev) == CHAINVET_RESULT_OK);
  REQUIRE(!chainvet_report_accepted(rev) && chainvet_report_findings_count(rev) > 0);
  expected_reversed = json_of(rev);
  chainvet_report *st = NULL;
  REQUIRE(chainvet_validator_validate_pem(v, stapled_pem, stapled_len, so, &st) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_report_accepted(st) && chainvet_report_revocation_count(st) == 1);
  chainvet_revocation_source source = 0;
  REQUIRE(chainvet_report_revocation_source(st, 0, &source) == CHAINVET_RESULT_OK &&
          source == CHAINVET_REVOCATION_SOURCE_STAPLED);
  expected_stapled = json_of(st);
  chainvet_report_free(st);
  char root_path[4200];
  snprintf(root_path, sizeof root_path, "%s/root.pem", dir);
  chainvet_validator *tv = NULL;
  REQUIRE(chainvet_validator_new_with_trust_store_file(v, root_path, &tv, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  chainvet_presented_options *p = NULL;
  REQUIRE(chainvet_presented_options_new(&p) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_presented_options_set_max_depth(p, 1) == CHAINVET_RESULT_OK);
  trusting = tv;
  presented = p;
  chainvet_report *pr = NULL;
  REQUIRE(chainvet_validator_validate_presented(tv, certs[0], cert_lens[0], certs + 1, cert_lens + 1, 1, p, o,
                                                &pr) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_report_accepted(pr));
  expected_presented = json_of(pr);
  chainvet_report_free(pr);
  REQUIRE(expected_good != NULL && expected_reversed != NULL && expected_stapled != NULL &&
          expected_presented != NULL);
  shared = rev;

  pthread_t threads[THREADS];
  struct outcome outcomes[THREADS];
  memset(outcomes, 0, sizeof outcomes);
  for (int t = 0; t < THREADS; t++) {
    REQUIRE(pthread_create(&threads[t], NULL, worker, &outcomes[t]) == 0);
  }
  size_t validations = 0, mismatches = 0, errors = 0;
  for (int t = 0; t < THREADS; t++) {
    REQUIRE(pthread_join(threads[t], NULL) == 0);
    validations += outcomes[t].validations;
    mismatches += outcomes[t].mismatches;
    errors += outcomes[t].errors;
  }

  CHECK(validations == total);
  CHECK(mismatches == 0);
  CHECK(errors == 0);
  const char *json = NULL, *hint = NULL;
  CHECK_RESULT(chainvet_report_json(shared, &json), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_report_finding_hint(shared, 0, &hint), CHAINVET_RESULT_OK);
  CHECK(strcmp(json, expected_reversed) == 0);
  for (int t = 0; t < THREADS; t++) {
    /* One lazily made string per report, whichever thread asked first. */
    CHECK(outcomes[t].shared_json == json);
    CHECK(outcomes[t].shared_hint == hint);
  }
  CHECK_RESULT(chainvet_report_finding_message(shared, 0, &shared_message), CHAINVET_RESULT_OK);
  printf("threads: %d threads, %zu validations, %zu mismatches, %zu errors\n", THREADS, validations,
         mismatches, errors);

  chainvet_report_free(rev);
  chainvet_options_free(so);
  chainvet_options_free(o);
  chainvet_presented_options_free(p);
  chainvet_validator_free(tv);
  chainvet_validator_free(v);
  for (int k = 0; k < 3; k++) free(ders[k]);
  free(reversed_pem);
  free(stapled_pem);
  free(expected_good);
  free(expected_reversed);
  free(expected_stapled);
  free(expected_presented);
  return finish("threads");
}
