/* Calls every exported function of libchainvet, the right way and every wrong way a C
 * caller can (NULL everywhere, empty input, 10 MB of random bytes, unknown codes, small
 * buffers), and checks results, outputs and that nothing is written on failure. Run
 * under AddressSanitizer and valgrind by ci/20-ffi.sh.
 *
 * Usage: api FIXTURES_DIR EXPECTED_VERSION
 * (FIXTURES_DIR is what `cargo run -p chainvet-ffi --example gen-c-fixtures` wrote.) */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <fcntl.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common.h"

static const char *unit_dir;
static int64_t at; /* the time the unit fixtures are valid at */

/* A pointer value no function may write: outputs are checked to still hold it after
 * a failed call. */
#define UNTOUCHED ((void *)0x5a5a5a5a)

static chainvet_options *options_at(int64_t t) {
  chainvet_options *o = NULL;
  REQUIRE(chainvet_options_new(&o) == CHAINVET_RESULT_OK && o != NULL);
  REQUIRE(chainvet_options_set_time(o, t) == CHAINVET_RESULT_OK);
  return o;
}

static chainvet_report *validate_file(const chainvet_validator *v, const char *name,
                                      const chainvet_options *o) {
  size_t len;
  unsigned char *pem = read_file(unit_dir, name, &len);
  chainvet_report *r = NULL;
  CHECK_RESULT(chainvet_validator_validate_pem(v, pem, len, o, &r), CHAINVET_RESULT_OK);
  free(pem);
  REQUIRE(r != NULL);
  return r;
}

/* Index of the first finding with `code`, or -1. */
static long find_code(const chainvet_report *r, uint32_t code) {
  size_t n = chainvet_report_findings_count(r);
  for (size_t i = 0; i < n; i++) {
    uint32_t c = 0;
    CHECK_RESULT(chainvet_report_finding_code(r, i, &c), CHAINVET_RESULT_OK);
    if (c == code) return (long)i;
  }
  return -1;
}

/* n bytes from a fixed-seed xorshift generator: random, yet the same on every run. */
static unsigned char *random_bytes(size_t n, uint64_t seed) {
  unsigned char *p = malloc(n);
  REQUIRE(p != NULL);
  uint64_t x = seed;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    p[i] = (unsigned char)(x >> 24);
  }
  return p;
}

static void test_version(const char *expected) {
  const char *v = chainvet_version();
  REQUIRE(v != NULL);
  CHECK(strcmp(v, expected) == 0);
  CHECK(chainvet_version() == v); /* static */
}

static void test_code_name(void) {
  const char *name = UNTOUCHED;
  CHECK_RESULT(chainvet_code_name(CHAINVET_CODE_VALIDITY_EXPIRED, &name), CHAINVET_RESULT_OK);
  CHECK(name != UNTOUCHED && strcmp(name, "validity.expired") == 0);
  CHECK_RESULT(chainvet_code_name(1300, &name), CHAINVET_RESULT_OK);
  CHECK(strcmp(name, "chain.order_reversed") == 0);
  CHECK_RESULT(chainvet_code_name(CHAINVET_CODE_INPUT_EMPTY, &name), CHAINVET_RESULT_OK);
  CHECK(strcmp(name, "input.empty") == 0);
  CHECK_RESULT(chainvet_code_name(CHAINVET_CODE_CSR_SIGNATURE_INVALID, &name), CHAINVET_RESULT_OK);
  CHECK(strcmp(name, "csr.signature_invalid") == 0);

  /* Every number either names a dotted code or is not present; never anything else. */
  int known = 0;
  for (uint32_t c = 0; c < 3000; c++) {
    const char *n = UNTOUCHED;
    chainvet_result res = chainvet_code_name(c, &n);
    if (res == CHAINVET_RESULT_OK) {
      known++;
      CHECK(c >= 1000 && strchr(n, '.') != NULL);
    } else {
      CHECK_RESULT(res, CHAINVET_RESULT_NOT_PRESENT);
      CHECK(n == UNTOUCHED);
    }
  }
  CHECK(known >= 53);

  name = UNTOUCHED;
  CHECK_RESULT(chainvet_code_name(4242, &name), CHAINVET_RESULT_NOT_PRESENT);
  CHECK_RESULT(chainvet_code_name(UINT32_MAX, &name), CHAINVET_RESULT_NOT_PRESENT);
  CHECK(name == UNTOUCHED);
  CHECK_RESULT(chainvet_code_name(1600, NULL), CHAINVET_RESULT_NULL_PARAMETER);
}

static void test_code_message(void) {
  char buf[256];
  size_t len = 0;
  CHECK_RESULT(chainvet_code_message(1600, buf, sizeof buf, &len), CHAINVET_RESULT_OK);
  CHECK(strcmp(buf, "validity.expired: a certificate has expired") == 0);
  CHECK(len == strlen(buf));

  /* Result codes and unknown numbers have messages too. */
  CHECK_RESULT(chainvet_code_message(CHAINVET_RESULT_NULL_PARAMETER, buf, sizeof buf, NULL),
               CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(buf, "CHAINVET_RESULT_NULL_PARAMETER");
  CHECK_RESULT(chainvet_code_message(CHAINVET_RESULT_PANIC, buf, sizeof buf, NULL),
               CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(buf, "panic");
  CHECK_RESULT(chainvet_code_message(4242, buf, sizeof buf, NULL), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(buf, "unknown chainvet code 4242");
  CHECK_RESULT(chainvet_code_message(UINT32_MAX, buf, sizeof buf, NULL), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(buf, "4294967295");
  for (uint32_t c = 0; c < 3000; c++) {
    CHECK_RESULT(chainvet_code_message(c, buf, sizeof buf, NULL), CHAINVET_RESULT_OK);
    CHECK(strlen(buf) > 0);
  }

  /* Size query, then truncation: a NUL-terminated prefix and the full length. */
  size_t full = 0;
  CHECK_RESULT(chainvet_code_message(1600, NULL, 0, &full), CHAINVET_RESULT_INSUFFICIENT_BUFFER);
  CHECK(full == strlen("validity.expired: a certificate has expired"));
  char small[9];
  memset(small, 'x', sizeof small);
  len = 0;
  CHECK_RESULT(chainvet_code_message(1600, small, sizeof small, &len),
               CHAINVET_RESULT_INSUFFICIENT_BUFFER);
  CHECK(strcmp(small, "validity") == 0);
  CHECK(len == full);
  char exact[64];
  CHECK_RESULT(chainvet_code_message(1600, exact, full + 1, NULL), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_code_message(1600, exact, full, NULL), CHAINVET_RESULT_INSUFFICIENT_BUFFER);
  CHECK(strlen(exact) == full - 1);
  char one[1] = {'x'};
  CHECK_RESULT(chainvet_code_message(1600, one, 1, NULL), CHAINVET_RESULT_INSUFFICIENT_BUFFER);
  CHECK(one[0] == '\0');

  CHECK_RESULT(chainvet_code_message(1600, NULL, 10, &len), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_code_message(1600, buf, SIZE_MAX, NULL), CHAINVET_RESULT_INVALID_PARAMETER);
}

static void test_options(void) {
  chainvet_options *o = UNTOUCHED;
  CHECK_RESULT(chainvet_options_new(NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_new(&o), CHAINVET_RESULT_OK);
  REQUIRE(o != NULL && o != UNTOUCHED);
  CHECK_RESULT(chainvet_options_set_time(o, 0), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_set_time(o, -62167219200), CHAINVET_RESULT_OK);   /* 0000-01-01 */
  CHECK_RESULT(chainvet_options_set_time(o, 253402300799), CHAINVET_RESULT_OK);   /* 9999-12-31 */
  CHECK_RESULT(chainvet_options_set_time(o, 253402300800), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_options_set_time(o, -62167219201), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_options_set_time(o, INT64_MAX), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_options_set_time(o, INT64_MIN), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_options_set_time(NULL, 0), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_set_time_now(o), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_set_time_now(NULL), CHAINVET_RESULT_NULL_PARAMETER);

  /* A failed set_time leaves the previous time in place. */
  chainvet_validator *v = NULL;
  REQUIRE(chainvet_validator_new(&v) == CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_set_time(o, at), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_set_time(o, INT64_MAX), CHAINVET_RESULT_INVALID_PARAMETER);
  chainvet_report *r = validate_file(v, "good.pem", o);
  const char *json = NULL;
  CHECK_RESULT(chainvet_report_json(r, &json), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(json, "\"validated_at\":\"2026-06-01T00:00:00Z\"");
  chainvet_report_free(r);
  /* Year 2040: the leaf (valid to 2035) has expired. */
  CHECK_RESULT(chainvet_options_set_time(o, 2208988800), CHAINVET_RESULT_OK);
  r = validate_file(v, "good.pem", o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_VALIDITY_EXPIRED) >= 0);
  chainvet_report_free(r);

  chainvet_validator_free(v);
  chainvet_options_free(o);
  chainvet_options_free(NULL);
}

static void test_validator_constructors(void) {
  chainvet_validator *v = UNTOUCHED;
  CHECK_RESULT(chainvet_validator_new(NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new(&v), CHAINVET_RESULT_OK);
  CHECK(v != NULL && v != UNTOUCHED);
  chainvet_validator_free(v);
  chainvet_validator_free(NULL);

  /* TOML and JSON policies. */
  const char *toml = "leaf_min_lifetime_days = 0\n[severity]\n\"chain.order_reversed\" = \"warning\"\n";
  v = UNTOUCHED;
  char err[512] = "untouched";
  size_t err_len = 12345;
  CHECK_RESULT(chainvet_validator_new_from_policy(toml, strlen(toml), &v, err, sizeof err, &err_len),
               CHAINVET_RESULT_OK);
  CHECK(v != UNTOUCHED && v != NULL);
  CHECK(strcmp(err, "untouched") == 0 && err_len == 12345); /* not written on success */
  chainvet_options *o = options_at(at);
  chainvet_report *r = validate_file(v, "reversed.pem", o);
  CHECK(chainvet_report_accepted(r)); /* downgraded to a warning by the policy */
  long i = find_code(r, CHAINVET_CODE_CHAIN_ORDER_REVERSED);
  CHECK(i >= 0);
  chainvet_severity sev = 0;
  CHECK_RESULT(chainvet_report_finding_severity(r, (size_t)i, &sev), CHAINVET_RESULT_OK);
  CHECK(sev == CHAINVET_SEVERITY_WARNING);
  chainvet_report_free(r);
  chainvet_validator_free(v);

  const char *json = "{\"rsa_min_bits\": 3072, \"severity\": {\"chain.order_reversed\": \"off\"}}";
  v = NULL;
  CHECK_RESULT(chainvet_validator_new_from_policy(json, strlen(json), &v, NULL, 0, NULL),
               CHAINVET_RESULT_OK);
  r = validate_file(v, "reversed.pem", o);
  CHECK(find_code(r, CHAINVET_CODE_CHAIN_ORDER_REVERSED) < 0); /* turned off */
  chainvet_report_free(r);
  chainvet_validator_free(v);

  /* An empty policy is the default policy. */
  v = NULL;
  CHECK_RESULT(chainvet_validator_new_from_policy("", 0, &v, NULL, 0, NULL), CHAINVET_RESULT_OK);
  chainvet_validator_free(v);

  /* A typo: rejected with a message naming the key and line; nothing written to v. */
  const char *typo = "rsa_min_bits = 2048\nrsa_min_bit = 1024\n";
  v = UNTOUCHED;
  err_len = 0;
  CHECK_RESULT(chainvet_validator_new_from_policy(typo, strlen(typo), &v, err, sizeof err, &err_len),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK(v == UNTOUCHED);
  CHECK_STR_CONTAINS(err, "rsa_min_bit");
  /* The one load-error format: FILE:LINE:COL: field: message (text has no file). */
  CHECK(strncmp(err, "<text>:2:1: rsa_min_bit: ", strlen("<text>:2:1: rsa_min_bit: ")) == 0);
  CHECK(err_len == strlen(err));
  /* The same into a small buffer: truncated, NUL-terminated, full length reported, and
   * still POLICY_INVALID (the result the caller must see). */
  char small[16];
  size_t full = 0;
  CHECK_RESULT(chainvet_validator_new_from_policy(typo, strlen(typo), &v, small, sizeof small, &full),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK(strlen(small) == sizeof small - 1 && full == err_len);
  CHECK(strncmp(small, err, sizeof small - 1) == 0);
  CHECK_RESULT(chainvet_validator_new_from_policy(typo, strlen(typo), &v, NULL, 0, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK(v == UNTOUCHED);

  /* Bad values, unknown codes, broken syntax, JSON errors. */
  const char *bad[] = {
      "max_certificates = \"ten\"\n",
      "[severity]\n\"chain.nope\" = \"off\"\n",
      "[severity\n",
      "{\"rsa_min_bits\": }",
      "trust_store = \"/nonexistent/roots.pem\"\n",
  };
  const char *bad_words[] = {"max_certificates", "chain.nope", "TOML", "JSON", "/nonexistent/roots.pem"};
  for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    err[0] = 0;
    CHECK_RESULT(chainvet_validator_new_from_policy(bad[k], strlen(bad[k]), &v, err, sizeof err, NULL),
                 CHAINVET_RESULT_POLICY_INVALID);
    CHECK_STR_CONTAINS(err, bad_words[k]);
  }
  /* Not UTF-8 (and an embedded NUL is just a character of the text). */
  const char latin1[] = "# caf\xe9\nrsa_min_bits = 2048\n";
  CHECK_RESULT(chainvet_validator_new_from_policy(latin1, sizeof latin1 - 1, &v, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK_STR_CONTAINS(err, "not UTF-8");
  CHECK_STR_CONTAINS(err, "offset 5");
  const char with_nul[] = "rsa_min_bits = 2048\n\0\n";
  CHECK_RESULT(chainvet_validator_new_from_policy(with_nul, sizeof with_nul - 1, &v, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  /* 10 MB of random bytes as a policy. */
  size_t big = 10 * 1024 * 1024;
  unsigned char *noise = random_bytes(big, 0x9e3779b97f4a7c15ULL);
  CHECK_RESULT(chainvet_validator_new_from_policy((const char *)noise, big, &v, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  /* ... and 10 MB of printable noise, which gets past the UTF-8 check to the parser. */
  for (size_t k = 0; k < big; k++) noise[k] = (unsigned char)(' ' + noise[k] % 95);
  CHECK_RESULT(chainvet_validator_new_from_policy((const char *)noise, big, &v, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  free(noise);
  CHECK(v == UNTOUCHED);

  /* NULL and length misuse. */
  CHECK_RESULT(chainvet_validator_new_from_policy(NULL, 0, &v, err, sizeof err, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_from_policy(toml, strlen(toml), NULL, err, sizeof err, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_from_policy(toml, strlen(toml), &v, NULL, 10, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_from_policy(toml, SIZE_MAX, &v, NULL, 0, NULL),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK(v == UNTOUCHED);

  /* Policy files: a relative trust store resolves against the file's directory. */
  char path[4096];
  snprintf(path, sizeof path, "%s/trusting.toml", unit_dir);
  v = NULL;
  CHECK_RESULT(chainvet_validator_new_from_policy_file(path, &v, err, sizeof err, NULL), CHAINVET_RESULT_OK);
  r = validate_file(v, "good.pem", o);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);
  chainvet_validator_free(v);

  snprintf(path, sizeof path, "%s/untrusting.toml", unit_dir);
  v = NULL;
  CHECK_RESULT(chainvet_validator_new_from_policy_file(path, &v, NULL, 0, NULL), CHAINVET_RESULT_OK);
  r = validate_file(v, "good.pem", o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_ROOT_NOT_TRUSTED) >= 0);
  chainvet_report_free(r);
  chainvet_validator_free(v);

  v = UNTOUCHED;
  snprintf(path, sizeof path, "%s/no-such-policy.toml", unit_dir);
  err_len = 0;
  CHECK_RESULT(chainvet_validator_new_from_policy_file(path, &v, err, sizeof err, &err_len),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK_STR_CONTAINS(err, "no-such-policy.toml");
  CHECK(err_len == strlen(err));
  snprintf(path, sizeof path, "%s/good.pem", unit_dir); /* not a policy */
  CHECK_RESULT(chainvet_validator_new_from_policy_file(path, &v, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK_STR_CONTAINS(err, "good.pem");
  CHECK_RESULT(chainvet_validator_new_from_policy_file(NULL, &v, err, sizeof err, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_from_policy_file(path, NULL, err, sizeof err, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_from_policy_file(path, &v, NULL, 1, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK(v == UNTOUCHED);
  chainvet_options_free(o);
}

static void test_report_accessors(const chainvet_validator *v, const chainvet_options *o) {
  /* A good chain: accepted, no findings, JSON says so. */
  chainvet_report *r = validate_file(v, "good.pem", o);
  CHECK(chainvet_report_accepted(r));
  CHECK(chainvet_report_findings_count(r) == 0);
  const char *json = NULL;
  CHECK_RESULT(chainvet_report_json(r, &json), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(json, "\"accepted\":true");
  CHECK_STR_CONTAINS(json, "CN=Test Leaf");
  const char *again = NULL;
  CHECK_RESULT(chainvet_report_json(r, &again), CHAINVET_RESULT_OK);
  CHECK(again == json); /* owned by the report, made once */
  uint32_t code = 777;
  CHECK_RESULT(chainvet_report_finding_code(r, 0, &code), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK(code == 777);
  chainvet_report_free(r);

  /* A reversed chain: every accessor on its finding. */
  r = validate_file(v, "reversed.pem", o);
  CHECK(!chainvet_report_accepted(r));
  size_t n = chainvet_report_findings_count(r);
  CHECK(n >= 1);
  long i = find_code(r, CHAINVET_CODE_CHAIN_ORDER_REVERSED);
  REQUIRE(i >= 0);
  size_t k = (size_t)i;
  const char *name = NULL, *message = NULL, *hint = NULL;
  chainvet_severity sev = 0;
  CHECK_RESULT(chainvet_report_finding_code_name(r, k, &name), CHAINVET_RESULT_OK);
  CHECK(name != NULL && strcmp(name, "chain.order_reversed") == 0);
  CHECK_RESULT(chainvet_report_finding_severity(r, k, &sev), CHAINVET_RESULT_OK);
  CHECK(sev == CHAINVET_SEVERITY_ERROR);
  CHECK_RESULT(chainvet_report_finding_message(r, k, &message), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(message, "reverse order");
  CHECK_RESULT(chainvet_report_finding_hint(r, k, &hint), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(hint, "3, 2, 1");
  const char *message2 = NULL;
  CHECK_RESULT(chainvet_report_finding_message(r, k, &message2), CHAINVET_RESULT_OK);
  CHECK(message2 == message);
  size_t cert = 12345;
  chainvet_result cr = chainvet_report_finding_certificate(r, k, &cert);
  CHECK(cr == CHAINVET_RESULT_OK || cr == CHAINVET_RESULT_NOT_PRESENT);
  if (cr == CHAINVET_RESULT_NOT_PRESENT) CHECK(cert == 12345);
  else CHECK(cert < 3);
  CHECK_RESULT(chainvet_report_json(r, &json), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(json, "\"accepted\":false");
  CHECK_STR_CONTAINS(json, "chain.order_reversed");

  /* Out of range: nothing written. */
  name = message = hint = UNTOUCHED;
  sev = 0;
  code = 777;
  cert = 12345;
  CHECK_RESULT(chainvet_report_finding_code(r, n, &code), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK_RESULT(chainvet_report_finding_code_name(r, n, &name), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK_RESULT(chainvet_report_finding_severity(r, n, &sev), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK_RESULT(chainvet_report_finding_certificate(r, n, &cert), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK_RESULT(chainvet_report_finding_message(r, SIZE_MAX, &message), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK_RESULT(chainvet_report_finding_hint(r, n, &hint), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK(name == UNTOUCHED && message == UNTOUCHED && hint == UNTOUCHED);
  CHECK(sev == 0 && code == 777 && cert == 12345);

  /* NULL report or NULL out-pointer. */
  CHECK(!chainvet_report_accepted(NULL));
  CHECK(chainvet_report_findings_count(NULL) == 0);
  CHECK_RESULT(chainvet_report_finding_code(NULL, 0, &code), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_code(r, k, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_code_name(NULL, 0, &name), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_code_name(r, k, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_severity(NULL, 0, &sev), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_severity(r, k, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_certificate(NULL, 0, &cert), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_certificate(r, k, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_message(NULL, 0, &message), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_message(r, k, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_hint(NULL, 0, &hint), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_hint(r, k, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_json(NULL, &json), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_json(r, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK(name == UNTOUCHED && message == UNTOUCHED && hint == UNTOUCHED);
  chainvet_report_free(r);
  chainvet_report_free(NULL);

  /* A private key in the bundle: reported, never echoed. */
  size_t len;
  char *with_key = (char *)read_file(unit_dir, "with-key.pem", &len);
  r = validate_file(v, "with-key.pem", o);
  CHECK(!chainvet_report_accepted(r));
  i = find_code(r, CHAINVET_CODE_PEM_PRIVATE_KEY_PRESENT);
  CHECK(i >= 0);
  CHECK_RESULT(chainvet_report_finding_certificate(r, (size_t)i, &cert), CHAINVET_RESULT_NOT_PRESENT);
  char *key_body = strstr(with_key, "PRIVATE KEY-----\n");
  REQUIRE(key_body != NULL);
  key_body += strlen("PRIVATE KEY-----\n");
  key_body[40] = 0; /* the first 40 base64 characters of the key */
  CHECK_RESULT(chainvet_report_json(r, &json), CHAINVET_RESULT_OK);
  CHECK(strstr(json, key_body) == NULL);
  for (size_t j = 0; j < chainvet_report_findings_count(r); j++) {
    CHECK_RESULT(chainvet_report_finding_message(r, j, &message), CHAINVET_RESULT_OK);
    CHECK_RESULT(chainvet_report_finding_hint(r, j, &hint), CHAINVET_RESULT_OK);
    CHECK(strstr(message, key_body) == NULL && strstr(hint, key_body) == NULL);
  }
  free(with_key);
  chainvet_report_free(r);
}

static void test_validate_pem_misuse(const chainvet_validator *v, const chainvet_options *o) {
  chainvet_report *r = UNTOUCHED;
  const unsigned char dummy[1] = {0};
  CHECK_RESULT(chainvet_validator_validate_pem(NULL, dummy, 1, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_pem(v, NULL, 0, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_pem(v, NULL, 10, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_pem(v, dummy, 1, o, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_pem(v, dummy, SIZE_MAX, o, &r), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_pem(v, dummy, (size_t)PTRDIFF_MAX + 1, o, &r),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK(r == UNTOUCHED);

  /* Empty input is a finding, not an error result. */
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_pem(v, dummy, 0, o, &r), CHAINVET_RESULT_OK);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_INPUT_EMPTY) >= 0);
  chainvet_report_free(r);

  /* NULL options: validate now. The fixture leaf is valid until 2035. */
  r = NULL;
  size_t len;
  unsigned char *pem = read_file(unit_dir, "good.pem", &len);
  CHECK_RESULT(chainvet_validator_validate_pem(v, pem, len, NULL, &r), CHAINVET_RESULT_OK);
  const char *json = NULL;
  CHECK_RESULT(chainvet_report_json(r, &json), CHAINVET_RESULT_OK);
  CHECK(strstr(json, "\"validated_at\":\"2026-06-01T00:00:00Z\"") == NULL);
  chainvet_report_free(r);
  free(pem);

  /* 10 MB of random bytes: over the default 1 MiB limit... */
  size_t big = 10 * 1024 * 1024;
  unsigned char *noise = random_bytes(big, 42);
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_pem(v, noise, big, o, &r), CHAINVET_RESULT_OK);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_INPUT_TOO_LARGE) >= 0);
  chainvet_report_free(r);

  /* ... and with the limit off, so the bytes are really read: binary, not PEM. */
  const char *unlimited = "max_input_bytes = 0\n";
  chainvet_validator *uv = NULL;
  REQUIRE(chainvet_validator_new_from_policy(unlimited, strlen(unlimited), &uv, NULL, 0, NULL) ==
          CHAINVET_RESULT_OK);
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_pem(uv, noise, big, o, &r), CHAINVET_RESULT_OK);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_INPUT_NOT_PEM) >= 0);
  chainvet_report_free(r);

  /* 10 MB of PEM-shaped noise: thousands of CERTIFICATE blocks of random base64. */
  static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t pos = 0;
  while (pos + 2048 < big) {
    pos += (size_t)sprintf((char *)noise + pos, "-----BEGIN CERTIFICATE-----\n");
    for (int line = 0; line < 20; line++) {
      for (int c = 0; c < 64; c++, pos++) noise[pos] = (unsigned char)b64[noise[pos] % 64];
      noise[pos++] = '\n';
    }
    pos += (size_t)sprintf((char *)noise + pos, "-----END CERTIFICATE-----\n");
  }
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_pem(uv, noise, pos, o, &r), CHAINVET_RESULT_OK);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_CERTIFICATE_MALFORMED) >= 0);
  CHECK(find_code(r, CHAINVET_CODE_CHAIN_TOO_LONG) >= 0);
  chainvet_report_free(r);
  chainvet_validator_free(uv);
  free(noise);
}

static void test_validate_der(const chainvet_validator *v, const chainvet_options *o) {
  size_t lens[3];
  unsigned char *ders[3];
  for (int k = 0; k < 3; k++) {
    char name[32];
    snprintf(name, sizeof name, "good-%d.der", k);
    ders[k] = read_file(unit_dir, name, &lens[k]);
  }
  const uint8_t *certs[3] = {ders[0], ders[1], ders[2]};

  chainvet_report *r = NULL;
  CHECK_RESULT(chainvet_validator_validate_der(v, certs, lens, 3, o, &r), CHAINVET_RESULT_OK);
  CHECK(chainvet_report_accepted(r));
  CHECK(chainvet_report_findings_count(r) == 0);
  chainvet_report_free(r);

  /* Root first: misordered, and the indices are positions in the list given. */
  const uint8_t *reversed[3] = {ders[2], ders[1], ders[0]};
  size_t reversed_lens[3] = {lens[2], lens[1], lens[0]};
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_der(v, reversed, reversed_lens, 3, o, &r), CHAINVET_RESULT_OK);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_CHAIN_ORDER_REVERSED) >= 0);
  chainvet_report_free(r);

  /* A truncated certificate: malformed, at index 0. */
  size_t cut[3] = {lens[0] - 1, lens[1], lens[2]};
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_der(v, certs, cut, 3, o, &r), CHAINVET_RESULT_OK);
  long i = find_code(r, CHAINVET_CODE_CERTIFICATE_MALFORMED);
  CHECK(i >= 0);
  size_t cert = 99;
  CHECK_RESULT(chainvet_report_finding_certificate(r, (size_t)i, &cert), CHAINVET_RESULT_OK);
  CHECK(cert == 0);
  chainvet_report_free(r);

  /* No certificates: input.empty (arrays must still be non-NULL). */
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_der(v, certs, lens, 0, o, &r), CHAINVET_RESULT_OK);
  CHECK(find_code(r, CHAINVET_CODE_INPUT_EMPTY) >= 0);
  chainvet_report_free(r);

  /* A zero-length certificate and 10 MB of random bytes as certificates. */
  size_t big = 10 * 1024 * 1024;
  unsigned char *noise = random_bytes(big, 7);
  const uint8_t *junk[2] = {noise, noise};
  size_t junk_lens[2] = {0, big};
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_der(v, junk, junk_lens, 2, o, &r), CHAINVET_RESULT_OK);
  CHECK(find_code(r, CHAINVET_CODE_INPUT_TOO_LARGE) >= 0);
  chainvet_report_free(r);
  const char *unlimited = "max_input_bytes = 0\n";
  chainvet_validator *uv = NULL;
  REQUIRE(chainvet_validator_new_from_policy(unlimited, strlen(unlimited), &uv, NULL, 0, NULL) ==
          CHAINVET_RESULT_OK);
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_der(uv, junk, junk_lens, 2, o, &r), CHAINVET_RESULT_OK);
  CHECK(!chainvet_report_accepted(r));
  CHECK(chainvet_report_findings_count(r) >= 2);
  i = find_code(r, CHAINVET_CODE_CERTIFICATE_MALFORMED);
  CHECK(i >= 0);
  chainvet_report_free(r);
  chainvet_validator_free(uv);
  free(noise);

  /* Misuse: nothing written. */
  r = UNTOUCHED;
  const uint8_t *with_null[3] = {ders[0], NULL, ders[2]};
  CHECK_RESULT(chainvet_validator_validate_der(NULL, certs, lens, 3, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_der(v, NULL, lens, 3, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_der(v, certs, NULL, 3, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_der(v, NULL, NULL, 0, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_der(v, with_null, lens, 3, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_der(v, certs, lens, 3, o, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_der(v, certs, lens, SIZE_MAX, o, &r),
               CHAINVET_RESULT_INVALID_PARAMETER);
  size_t huge[3] = {lens[0], SIZE_MAX, lens[2]};
  CHECK_RESULT(chainvet_validator_validate_der(v, certs, huge, 3, o, &r), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK(r == UNTOUCHED);
  for (int k = 0; k < 3; k++) free(ders[k]);
}

static chainvet_report *check_binding(const chainvet_validator *v, const chainvet_registry *reg,
                                      const char *client, const char *leaf_file,
                                      const chainvet_options *o) {
  size_t len;
  unsigned char *der = read_file(unit_dir, leaf_file, &len);
  chainvet_report *r = NULL;
  CHECK_RESULT(chainvet_validator_check_binding_der(v, reg, client, strlen(client), der, len, o, &r),
               CHAINVET_RESULT_OK);
  free(der);
  REQUIRE(r != NULL);
  return r;
}

static void test_registry(void) {
  char path[4096], err[512];
  size_t err_len = 0;
  chainvet_registry *reg = UNTOUCHED;

  /* Loading: from a file, from text; errors name file, line and field. */
  snprintf(path, sizeof path, "%s/registry.toml", unit_dir);
  CHECK_RESULT(chainvet_registry_new_from_file(path, &reg, err, sizeof err, &err_len), CHAINVET_RESULT_OK);
  REQUIRE(reg != NULL && reg != UNTOUCHED);
  CHECK(chainvet_registry_client_count(reg) == 2);
  CHECK(chainvet_registry_client_count(NULL) == 0);

  chainvet_registry *bad = UNTOUCHED;
  snprintf(path, sizeof path, "%s/bad-registry.toml", unit_dir);
  CHECK_RESULT(chainvet_registry_new_from_file(path, &bad, err, sizeof err, &err_len),
               CHAINVET_RESULT_REGISTRY_INVALID);
  CHECK_STR_CONTAINS(err, "bad-registry.toml:5:11: clients.broken.sha256[0]: ");
  CHECK(err_len == strlen(err));
  char small[8];
  size_t full = 0;
  CHECK_RESULT(chainvet_registry_new_from_file(path, &bad, small, sizeof small, &full),
               CHAINVET_RESULT_REGISTRY_INVALID);
  CHECK(strlen(small) == sizeof small - 1 && full == err_len);
  snprintf(path, sizeof path, "%s/no-such-registry.toml", unit_dir);
  CHECK_RESULT(chainvet_registry_new_from_file(path, &bad, err, sizeof err, NULL),
               CHAINVET_RESULT_REGISTRY_INVALID);
  CHECK_STR_CONTAINS(err, "no-such-registry.toml");
  CHECK(bad == UNTOUCHED);

  const char *text = "[clients.acme]\ncertificates = [\"good.pem\"]\n";
  chainvet_registry *from_text = NULL;
  CHECK_RESULT(chainvet_registry_new_from_text(text, strlen(text), unit_dir, &from_text, err, sizeof err, NULL),
               CHAINVET_RESULT_OK);
  CHECK(chainvet_registry_client_count(from_text) == 1);
  chainvet_registry_free(from_text);
  /* Relative to the working directory (the repository root in CI): no such file. */
  CHECK_RESULT(chainvet_registry_new_from_text(text, strlen(text), NULL, &bad, err, sizeof err, NULL),
               CHAINVET_RESULT_REGISTRY_INVALID);
  CHECK_STR_CONTAINS(err, "good.pem");
  const char *json = "{\"clients\": {\"x\": {\"sha256\": [\"nope\"]}}}";
  CHECK_RESULT(chainvet_registry_new_from_text(json, strlen(json), unit_dir, &bad, err, sizeof err, NULL),
               CHAINVET_RESULT_REGISTRY_INVALID);
  CHECK_STR_CONTAINS(err, "clients.x.sha256[0]");
  const char latin1[] = "[clients.caf\xe9]\n";
  CHECK_RESULT(chainvet_registry_new_from_text(latin1, sizeof latin1 - 1, unit_dir, &bad, err, sizeof err, NULL),
               CHAINVET_RESULT_REGISTRY_INVALID);
  CHECK_STR_CONTAINS(err, "not UTF-8");
  size_t big = 10 * 1024 * 1024;
  unsigned char *noise = random_bytes(big, 99);
  CHECK_RESULT(chainvet_registry_new_from_text((const char *)noise, big, unit_dir, &bad, NULL, 0, NULL),
               CHAINVET_RESULT_REGISTRY_INVALID);
  for (size_t k = 0; k < big; k++) noise[k] = (unsigned char)(' ' + noise[k] % 95);
  CHECK_RESULT(chainvet_registry_new_from_text((const char *)noise, big, unit_dir, &bad, NULL, 0, NULL),
               CHAINVET_RESULT_REGISTRY_INVALID);
  free(noise);
  CHECK_RESULT(chainvet_registry_new_from_file(NULL, &bad, err, sizeof err, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_registry_new_from_file(path, NULL, err, sizeof err, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_registry_new_from_file(path, &bad, NULL, 4, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_registry_new_from_text(NULL, 0, unit_dir, &bad, NULL, 0, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_registry_new_from_text(text, strlen(text), unit_dir, NULL, NULL, 0, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_registry_new_from_text(text, SIZE_MAX, unit_dir, &bad, NULL, 0, NULL),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK(bad == UNTOUCHED);
  chainvet_registry_free(NULL);

  /* Binding as part of validation, through the options. */
  chainvet_validator *v = NULL;
  REQUIRE(chainvet_validator_new(&v) == CHAINVET_RESULT_OK);
  chainvet_options *o = options_at(at);
  CHECK_RESULT(chainvet_options_set_client(o, reg, "acme", 4), CHAINVET_RESULT_OK);
  chainvet_report *r = validate_file(v, "good.pem", o);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);
  r = validate_file(v, "other.pem", o);
  CHECK(!chainvet_report_accepted(r));
  long i = find_code(r, CHAINVET_CODE_BINDING_SERIAL_MISMATCH);
  CHECK(i >= 0);
  const char *message = NULL;
  CHECK_RESULT(chainvet_report_finding_message(r, (size_t)i, &message), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(message, "good.pem");
  size_t cert = 99;
  CHECK_RESULT(chainvet_report_finding_certificate(r, (size_t)i, &cert), CHAINVET_RESULT_OK);
  CHECK(cert == 0);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_set_client(o, reg, "nobody", 6), CHAINVET_RESULT_OK);
  r = validate_file(v, "good.pem", o);
  CHECK(find_code(r, CHAINVET_CODE_BINDING_NO_REGISTERED_CERTIFICATE) >= 0);
  chainvet_report_free(r);
  /* The id is a length-delimited string: "acme" out of "acmex". */
  CHECK_RESULT(chainvet_options_set_client(o, reg, "acmex", 4), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_set_client(o, reg, "\xff\xfe", 2), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_options_set_client(NULL, reg, "acme", 4), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_set_client(o, NULL, "acme", 4), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_set_client(o, reg, NULL, 0), CHAINVET_RESULT_NULL_PARAMETER);
  r = validate_file(v, "other.pem", o); /* still "acme": failed calls changed nothing */
  CHECK(find_code(r, CHAINVET_CODE_BINDING_SERIAL_MISMATCH) >= 0);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_client(o), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_clear_client(NULL), CHAINVET_RESULT_NULL_PARAMETER);
  r = validate_file(v, "other.pem", o);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);

  /* The binding check alone, on a DER leaf. */
  r = check_binding(v, reg, "acme", "good-0.der", o);
  CHECK(chainvet_report_accepted(r));
  CHECK(chainvet_report_findings_count(r) == 0);
  const char *js = NULL;
  CHECK_RESULT(chainvet_report_json(r, &js), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(js, "\"validated_at\":\"2026-06-01T00:00:00Z\"");
  chainvet_report_free(r);
  r = check_binding(v, reg, "acme", "other-0.der", o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_BINDING_SERIAL_MISMATCH) >= 0);
  chainvet_report_free(r);
  r = check_binding(v, reg, "pinned", "good-0.der", NULL);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);
  r = check_binding(v, reg, "pinned", "other-0.der", NULL);
  CHECK(find_code(r, CHAINVET_CODE_BINDING_FINGERPRINT_MISMATCH) >= 0);
  chainvet_report_free(r);
  r = check_binding(v, reg, "nobody", "good-0.der", o);
  CHECK(find_code(r, CHAINVET_CODE_BINDING_NO_REGISTERED_CERTIFICATE) >= 0);
  chainvet_report_free(r);
  r = check_binding(v, reg, "acme", "good-1.der", o); /* the intermediate is not registered */
  CHECK(!chainvet_report_accepted(r));
  chainvet_report_free(r);
  noise = random_bytes(4096, 5);
  r = NULL;
  CHECK_RESULT(chainvet_validator_check_binding_der(v, reg, "acme", 4, noise, 4096, o, &r), CHAINVET_RESULT_OK);
  CHECK(find_code(r, CHAINVET_CODE_CERTIFICATE_MALFORMED) >= 0);
  chainvet_report_free(r);
  r = NULL;
  CHECK_RESULT(chainvet_validator_check_binding_der(v, reg, "acme", 4, noise, 0, o, &r), CHAINVET_RESULT_OK);
  CHECK(!chainvet_report_accepted(r));
  chainvet_report_free(r);
  r = UNTOUCHED;
  CHECK_RESULT(chainvet_validator_check_binding_der(NULL, reg, "acme", 4, noise, 1, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_check_binding_der(v, NULL, "acme", 4, noise, 1, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_check_binding_der(v, reg, NULL, 4, noise, 1, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_check_binding_der(v, reg, "acme", 4, NULL, 0, o, &r), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_check_binding_der(v, reg, "acme", 4, noise, 1, o, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_check_binding_der(v, reg, "\xff", 1, noise, 1, o, &r), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_validator_check_binding_der(v, reg, "acme", 4, noise, SIZE_MAX, o, &r),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK(r == UNTOUCHED);
  free(noise);

  /* Options keep the client's registrations: the registry may go first. */
  CHECK_RESULT(chainvet_options_set_client(o, reg, "acme", 4), CHAINVET_RESULT_OK);
  chainvet_registry_free(reg);
  r = validate_file(v, "other.pem", o);
  CHECK(find_code(r, CHAINVET_CODE_BINDING_SERIAL_MISMATCH) >= 0);
  chainvet_report_free(r);
  r = validate_file(v, "good.pem", o);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);
  chainvet_options_free(o);
  chainvet_validator_free(v);
}

static const char *revocation_dir;

/* Validates revocation/NAME.pem offline with `o`. */
static chainvet_report *validate_rev(const chainvet_validator *v, const char *name,
                                     const chainvet_options *o) {
  size_t len;
  unsigned char *pem = read_file(revocation_dir, name, &len);
  chainvet_report *r = NULL;
  CHECK_RESULT(chainvet_validator_validate_pem(v, pem, len, o, &r), CHAINVET_RESULT_OK);
  free(pem);
  REQUIRE(r != NULL);
  return r;
}

/* Adds revocation/NAME with `add` (one of the chainvet_options_add_* functions). */
static void add_file(chainvet_options *o, const char *name,
                     chainvet_result (*add)(chainvet_options *, const uint8_t *, size_t)) {
  size_t len;
  unsigned char *data = read_file(revocation_dir, name, &len);
  CHECK_RESULT(add(o, data, len), CHAINVET_RESULT_OK);
  free(data); /* copied by the library */
}

/* The leaf's revocation entry: status, method and source (0 when not present). */
static void leaf_revocation(const chainvet_report *r, chainvet_revocation_status *status,
                            chainvet_revocation_method *method, chainvet_revocation_source *source) {
  *status = 0;
  *method = 0;
  *source = 0;
  REQUIRE(chainvet_report_revocation_count(r) >= 1);
  size_t cert = 99;
  CHECK_RESULT(chainvet_report_revocation_certificate(r, 0, &cert), CHAINVET_RESULT_OK);
  CHECK(cert == 0);
  CHECK_RESULT(chainvet_report_revocation_status(r, 0, status), CHAINVET_RESULT_OK);
  chainvet_result m = chainvet_report_revocation_method(r, 0, method);
  chainvet_result s = chainvet_report_revocation_source(r, 0, source);
  CHECK(m == CHAINVET_RESULT_OK || m == CHAINVET_RESULT_NOT_PRESENT);
  CHECK(s == m);
}

static void test_revocation(void) {
  size_t len;
  char *at_text = (char *)read_file(revocation_dir, "at.txt", &len);
  int64_t now = strtoll(at_text, NULL, 10);
  free(at_text);
  chainvet_validator *v = NULL;
  REQUIRE(chainvet_validator_new(&v) == CHAINVET_RESULT_OK);
  chainvet_options *o = options_at(now);
  /* Offline: the responder these certificates name is gone; only what is added here
   * and the cache count. */
  CHECK_RESULT(chainvet_options_set_offline(o, true), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_set_ocsp_nonce(o, true), CHAINVET_RESULT_OK); /* fetches only */
  chainvet_revocation_status status;
  chainvet_revocation_method method;
  chainvet_revocation_source source;

  /* Nothing stapled or supplied: unavailable, a warning in the default soft-fail mode. */
  chainvet_report *r = validate_rev(v, "good.pem", o);
  CHECK(chainvet_report_accepted(r));
  long i = find_code(r, CHAINVET_CODE_REVOCATION_UNAVAILABLE);
  CHECK(i >= 0);
  chainvet_severity sev = 0;
  CHECK_RESULT(chainvet_report_finding_severity(r, (size_t)i, &sev), CHAINVET_RESULT_OK);
  CHECK(sev == CHAINVET_SEVERITY_WARNING);
  leaf_revocation(r, &status, &method, &source);
  CHECK(status == CHAINVET_REVOCATION_STATUS_UNAVAILABLE && method == 0 && source == 0);
  chainvet_report_free(r);

  /* Stapled responses made by `openssl ocsp`: good, revoked, unknown. */
  add_file(o, "good-ocsp.der", chainvet_options_add_stapled_ocsp);
  r = validate_rev(v, "good.pem", o);
  CHECK(chainvet_report_accepted(r));
  CHECK(chainvet_report_findings_count(r) == 0);
  leaf_revocation(r, &status, &method, &source);
  CHECK(status == CHAINVET_REVOCATION_STATUS_GOOD);
  CHECK(method == CHAINVET_REVOCATION_METHOD_OCSP && source == CHAINVET_REVOCATION_SOURCE_STAPLED);
  const char *json = NULL;
  CHECK_RESULT(chainvet_report_json(r, &json), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(json, "\"source\":\"stapled\"");
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);

  add_file(o, "revoked-ocsp.der", chainvet_options_add_stapled_ocsp);
  r = validate_rev(v, "revoked.pem", o);
  CHECK(!chainvet_report_accepted(r));
  i = find_code(r, CHAINVET_CODE_REVOCATION_REVOKED);
  REQUIRE(i >= 0);
  const char *message = NULL;
  CHECK_RESULT(chainvet_report_finding_message(r, (size_t)i, &message), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(message, "keyCompromise");
  CHECK_STR_CONTAINS(message, "2026-01-15");
  leaf_revocation(r, &status, &method, &source);
  CHECK(status == CHAINVET_REVOCATION_STATUS_REVOKED);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);

  add_file(o, "unknown-ocsp.der", chainvet_options_add_ocsp_response); /* supplied */
  r = validate_rev(v, "unknown.pem", o);
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_UNKNOWN) >= 0);
  leaf_revocation(r, &status, &method, &source);
  CHECK(status == CHAINVET_REVOCATION_STATUS_UNKNOWN && source == CHAINVET_REVOCATION_SOURCE_SUPPLIED);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);

  /* A delegated responder the CA authorised is fine; an unrelated signer is not, and a
   * response about another certificate is not either. */
  add_file(o, "delegated-good-ocsp.der", chainvet_options_add_stapled_ocsp);
  r = validate_rev(v, "good.pem", o);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);
  add_file(o, "unrelated-ocsp.der", chainvet_options_add_stapled_ocsp);
  r = validate_rev(v, "good.pem", o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_RESPONSE_INVALID) >= 0);
  leaf_revocation(r, &status, &method, &source);
  CHECK(status == CHAINVET_REVOCATION_STATUS_INVALID);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);
  add_file(o, "good-ocsp.der", chainvet_options_add_stapled_ocsp);
  r = validate_rev(v, "revoked.pem", o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_REVOKED) < 0);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);

  /* Stale: a day and more after the responses were made. */
  add_file(o, "good-ocsp.der", chainvet_options_add_stapled_ocsp);
  CHECK_RESULT(chainvet_options_set_time(o, now + 3 * 86400), CHAINVET_RESULT_OK);
  r = validate_rev(v, "good.pem", o);
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_RESPONSE_INVALID) >= 0);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_set_time(o, now), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);

  /* CRLs made by `openssl ca -gencrl`, DER and PEM. */
  add_file(o, "crl.der", chainvet_options_add_crl);
  r = validate_rev(v, "revoked.pem", o);
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_REVOKED) >= 0);
  leaf_revocation(r, &status, &method, &source);
  CHECK(status == CHAINVET_REVOCATION_STATUS_REVOKED && method == CHAINVET_REVOCATION_METHOD_CRL &&
        source == CHAINVET_REVOCATION_SOURCE_SUPPLIED);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);
  add_file(o, "crl.pem", chainvet_options_add_crl);
  r = validate_rev(v, "good.pem", o);
  CHECK(chainvet_report_accepted(r));
  leaf_revocation(r, &status, &method, &source);
  CHECK(status == CHAINVET_REVOCATION_STATUS_GOOD && method == CHAINVET_REVOCATION_METHOD_CRL);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);

  /* Hostile input: 10 MB of random bytes stapled, an empty response, a random CRL. */
  size_t big = 10 * 1024 * 1024;
  unsigned char *noise = random_bytes(big, 2000);
  CHECK_RESULT(chainvet_options_add_stapled_ocsp(o, noise, big), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_add_ocsp_response(o, noise, 0), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_add_crl(o, noise + 1, 4096), CHAINVET_RESULT_OK);
  free(noise);
  r = validate_rev(v, "good.pem", o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_RESPONSE_INVALID) >= 0);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);

  /* The policy decides: hard-fail makes "unavailable" an error, off checks nothing. */
  char path[4096];
  chainvet_validator *hard = NULL, *off = NULL;
  snprintf(path, sizeof path, "%s/hard-fail.toml", revocation_dir);
  REQUIRE(chainvet_validator_new_from_policy_file(path, &hard, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  r = validate_rev(hard, "good.pem", o);
  CHECK(!chainvet_report_accepted(r));
  i = find_code(r, CHAINVET_CODE_REVOCATION_UNAVAILABLE);
  CHECK(i >= 0);
  CHECK_RESULT(chainvet_report_finding_severity(r, (size_t)i, &sev), CHAINVET_RESULT_OK);
  CHECK(sev == CHAINVET_SEVERITY_ERROR);
  chainvet_report_free(r);
  snprintf(path, sizeof path, "%s/off.toml", revocation_dir);
  REQUIRE(chainvet_validator_new_from_policy_file(path, &off, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  add_file(o, "revoked-ocsp.der", chainvet_options_add_stapled_ocsp);
  r = validate_rev(off, "revoked.pem", o);
  CHECK(chainvet_report_accepted(r));
  CHECK(chainvet_report_revocation_count(r) == 0);
  chainvet_report_free(r);
  chainvet_validator_free(hard);
  chainvet_validator_free(off);

  /* Accessor misuse: nothing written. */
  r = validate_rev(v, "revoked.pem", o);
  size_t n = chainvet_report_revocation_count(r);
  size_t cert = 12345;
  status = 0;
  method = 0;
  source = 0;
  CHECK_RESULT(chainvet_report_revocation_certificate(r, n, &cert), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK_RESULT(chainvet_report_revocation_status(r, n, &status), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK_RESULT(chainvet_report_revocation_method(r, SIZE_MAX, &method), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK_RESULT(chainvet_report_revocation_source(r, n, &source), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK_RESULT(chainvet_report_revocation_certificate(NULL, 0, &cert), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_revocation_certificate(r, 0, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_revocation_status(NULL, 0, &status), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_revocation_status(r, 0, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_revocation_method(NULL, 0, &method), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_revocation_method(r, 0, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_revocation_source(NULL, 0, &source), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_revocation_source(r, 0, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK(cert == 12345 && status == 0 && method == 0 && source == 0);
  CHECK(chainvet_report_revocation_count(NULL) == 0);
  chainvet_report_free(r);

  /* Options misuse: nothing changes. */
  const uint8_t byte = 0;
  CHECK_RESULT(chainvet_options_add_stapled_ocsp(NULL, &byte, 1), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_add_stapled_ocsp(o, NULL, 0), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_add_stapled_ocsp(o, &byte, SIZE_MAX), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_options_add_ocsp_response(NULL, &byte, 1), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_add_ocsp_response(o, NULL, 1), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_add_crl(NULL, &byte, 1), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_add_crl(o, NULL, 1), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_clear_revocation_input(NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_set_offline(NULL, true), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_set_ocsp_nonce(NULL, false), CHAINVET_RESULT_NULL_PARAMETER);
  r = validate_rev(v, "revoked.pem", o); /* still just the revoked response from above */
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_REVOKED) >= 0);
  chainvet_report_free(r);

  chainvet_options_free(o);
  chainvet_validator_free(v);
}

/* Trust-store mode: a presented leaf, an unordered pool, the validator's trust anchors. */

/* How many findings have `code`. */
static size_t count_code(const chainvet_report *r, uint32_t code) {
  size_t count = 0;
  for (size_t i = 0; i < chainvet_report_findings_count(r); i++) {
    uint32_t c = 0;
    CHECK_RESULT(chainvet_report_finding_code(r, i, &c), CHAINVET_RESULT_OK);
    if (c == code) count++;
  }
  return count;
}

/* Up to 4 DER files of the unit fixtures, by name. */
struct ders {
  size_t count;
  const uint8_t *certs[4];
  size_t lens[4];
  unsigned char *owned[4];
};

static struct ders load_ders(const char *dir, const char *const *names, size_t count) {
  struct ders d;
  memset(&d, 0, sizeof d);
  REQUIRE(count <= 4);
  for (size_t k = 0; k < count; k++) {
    d.owned[k] = read_file(dir, names[k], &d.lens[k]);
    d.certs[k] = d.owned[k];
  }
  d.count = count;
  return d;
}

static void free_ders(struct ders *d) {
  for (size_t k = 0; k < d->count; k++) free(d->owned[k]);
}

/* Validates leaf `leaf` (a unit or revocation fixture) with `pool`. */
static chainvet_report *presented(const chainvet_validator *v, const char *dir, const char *leaf,
                                  const struct ders *pool, const chainvet_presented_options *p,
                                  const chainvet_options *o) {
  size_t len;
  unsigned char *der = read_file(dir, leaf, &len);
  chainvet_report *r = NULL;
  CHECK_RESULT(chainvet_validator_validate_presented(v, der, len, pool->certs, pool->lens, pool->count,
                                                     p, o, &r),
               CHAINVET_RESULT_OK);
  free(der);
  REQUIRE(r != NULL);
  return r;
}

static void check_json(const chainvet_report *r, const char *needle) {
  const char *json = NULL;
  CHECK_RESULT(chainvet_report_json(r, &json), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(json, needle);
}

static void test_trust_store_constructors(void) {
  chainvet_validator *base = NULL;
  REQUIRE(chainvet_validator_new(&base) == CHAINVET_RESULT_OK);
  CHECK(chainvet_validator_trust_anchor_count(base) == 0);
  CHECK(chainvet_validator_trust_anchor_count(NULL) == 0);

  size_t len;
  unsigned char *roots = read_file(unit_dir, "root.pem", &len);
  chainvet_validator *v = UNTOUCHED;
  char err[512] = "untouched";
  size_t err_len = 12345;
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, roots, len, &v, err, sizeof err, &err_len),
               CHAINVET_RESULT_OK);
  REQUIRE(v != NULL && v != UNTOUCHED);
  CHECK(strcmp(err, "untouched") == 0 && err_len == 12345);
  CHECK(chainvet_validator_trust_anchor_count(v) == 1);
  CHECK(chainvet_validator_trust_anchor_count(base) == 0); /* the base is unchanged */
  /* The policy is the base's: a trusted bundle validates, a reversed one is still refused. */
  chainvet_options *o = options_at(at);
  chainvet_report *r = validate_file(v, "good.pem", o);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);

  /* Derived from a validator with a policy: the policy carries over, the anchors are new. */
  const char *lenient = "[severity]\n\"chain.order_reversed\" = \"warning\"\n";
  chainvet_validator *policy_v = NULL, *derived = NULL;
  REQUIRE(chainvet_validator_new_from_policy(lenient, strlen(lenient), &policy_v, NULL, 0, NULL) ==
          CHAINVET_RESULT_OK);
  char path[4096];
  snprintf(path, sizeof path, "%s/deep-root.pem", unit_dir);
  CHECK_RESULT(chainvet_validator_new_with_trust_store_file(policy_v, path, &derived, err, sizeof err, NULL),
               CHAINVET_RESULT_OK);
  chainvet_validator_free(policy_v); /* independent of its base */
  CHECK(chainvet_validator_trust_anchor_count(derived) == 1);
  r = validate_file(derived, "reversed.pem", o);
  CHECK(chainvet_report_accepted(r) == false); /* not under the new anchor */
  CHECK(find_code(r, CHAINVET_CODE_ROOT_NOT_TRUSTED) >= 0);
  long i = find_code(r, CHAINVET_CODE_CHAIN_ORDER_REVERSED);
  REQUIRE(i >= 0);
  chainvet_severity sev = 0;
  CHECK_RESULT(chainvet_report_finding_severity(r, (size_t)i, &sev), CHAINVET_RESULT_OK);
  CHECK(sev == CHAINVET_SEVERITY_WARNING);
  chainvet_report_free(r);
  chainvet_validator_free(derived);

  /* Not a trust store: no certificate, a broken one, garbage, a missing file. */
  chainvet_validator *none = UNTOUCHED;
  const char *no_cert = "just text\n";
  err_len = 0;
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, (const uint8_t *)no_cert, strlen(no_cert), &none,
                                                       err, sizeof err, &err_len),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK_STR_CONTAINS(err, "no CERTIFICATE block");
  CHECK(err_len == strlen(err));
  const char *broken = "-----BEGIN CERTIFICATE-----\nAAECAw==\n-----END CERTIFICATE-----\n";
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, (const uint8_t *)broken, strlen(broken), &none,
                                                       err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK(strncmp(err, "<text>:1:1: certificate 1: not a usable certificate",
                strlen("<text>:1:1: certificate 1: not a usable certificate")) == 0);
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, roots, 0, &none, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  size_t big = 10 * 1024 * 1024;
  unsigned char *noise = random_bytes(big, 31337);
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, noise, big, &none, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  free(noise);
  char small[8];
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, (const uint8_t *)no_cert, strlen(no_cert), &none,
                                                       small, sizeof small, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK(strlen(small) == sizeof small - 1);
  snprintf(path, sizeof path, "%s/no-such-roots.pem", unit_dir);
  CHECK_RESULT(chainvet_validator_new_with_trust_store_file(base, path, &none, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK_STR_CONTAINS(err, "no-such-roots.pem");
  snprintf(path, sizeof path, "%s/good-0.der", unit_dir); /* DER, not a PEM file */
  CHECK_RESULT(chainvet_validator_new_with_trust_store_file(base, path, &none, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  CHECK_STR_CONTAINS(err, "good-0.der");

  /* NULL misuse: nothing written. */
  CHECK_RESULT(chainvet_validator_new_with_trust_store(NULL, roots, len, &none, err, sizeof err, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, NULL, 0, &none, err, sizeof err, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, roots, len, NULL, err, sizeof err, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, roots, len, &none, NULL, 5, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, roots, SIZE_MAX, &none, err, sizeof err, NULL),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_with_trust_store_file(NULL, path, &none, err, sizeof err, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_with_trust_store_file(base, NULL, &none, err, sizeof err, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_with_trust_store_file(base, path, NULL, err, sizeof err, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK(none == UNTOUCHED);
  free(roots);
  chainvet_options_free(o);
  chainvet_validator_free(v);
  chainvet_validator_free(base);
}

static void test_presented_options(void) {
  chainvet_presented_options *p = UNTOUCHED;
  CHECK_RESULT(chainvet_presented_options_new(NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_new(&p), CHAINVET_RESULT_OK);
  REQUIRE(p != NULL && p != UNTOUCHED);
  CHECK_RESULT(chainvet_presented_options_set_usage(p, CHAINVET_USAGE_SERVER_AUTH), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_set_usage(p, CHAINVET_USAGE_CLIENT_AUTH), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_set_usage(p, 0), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_set_usage(p, 3), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_set_usage(p, UINT32_MAX), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_set_usage(NULL, CHAINVET_USAGE_CLIENT_AUTH),
               CHAINVET_RESULT_NULL_PARAMETER);

  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_DNS, "a.example", 9),
               CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_IP, "192.0.2.1", 9),
               CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_IP, "2001:db8::1", 11),
               CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_EMAIL, "ops@example.com", 15),
               CHAINVET_RESULT_OK);
  /* Wrong kinds, empty, not UTF-8, not an IP address, NULL, huge. */
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, 0, "a.example", 9), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, 4, "a.example", 9), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_DNS, "a.example", 0),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_DNS, "caf\xe9", 4),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_IP, "192.0.2.256", 11),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_IP, "a.example", 9),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(NULL, CHAINVET_PEER_NAME_TYPE_DNS, "a", 1),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_DNS, NULL, 0),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_DNS, "a", SIZE_MAX),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_clear_peer_names(p), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_clear_peer_names(NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_set_max_depth(p, 0), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_set_max_depth(p, SIZE_MAX), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_set_max_depth(NULL, 1), CHAINVET_RESULT_NULL_PARAMETER);
  chainvet_presented_options_free(p);
  chainvet_presented_options_free(NULL);
}

static void test_presented(void) {
  chainvet_validator *base = NULL, *v = NULL, *deep = NULL;
  REQUIRE(chainvet_validator_new(&base) == CHAINVET_RESULT_OK);
  char path[4096];
  snprintf(path, sizeof path, "%s/root.pem", unit_dir);
  REQUIRE(chainvet_validator_new_with_trust_store_file(base, path, &v, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  snprintf(path, sizeof path, "%s/deep-root.pem", unit_dir);
  REQUIRE(chainvet_validator_new_with_trust_store_file(base, path, &deep, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  chainvet_options *o = options_at(at);
  chainvet_presented_options *p = NULL;
  REQUIRE(chainvet_presented_options_new(&p) == CHAINVET_RESULT_OK);

  /* The leaf and its intermediate, the root from the trust store: accepted, the anchor
   * appended to the report as certificate 2. NULL presented options are the defaults. */
  static const char *const inter[] = {"good-1.der"};
  struct ders pool = load_ders(unit_dir, inter, 1);
  chainvet_report *r = presented(v, unit_dir, "good-0.der", &pool, NULL, o);
  CHECK(chainvet_report_accepted(r));
  CHECK(chainvet_report_findings_count(r) == 0);
  check_json(r, "\"path\":[0,1,2]");
  check_json(r, "\"validated_at\":\"2026-06-01T00:00:00Z\"");
  chainvet_report_free(r);
  r = presented(v, unit_dir, "good-0.der", &pool, p, o);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);

  /* Without trust anchors nothing validates. */
  r = presented(base, unit_dir, "good-0.der", &pool, p, o);
  CHECK(!chainvet_report_accepted(r));
  chainvet_report_free(r);

  /* An unordered pool with a stranger: the path goes 0 -> 3 -> 2 -> anchor (4). */
  static const char *const shuffled[] = {"good-1.der", "deep-2.der", "deep-1.der"};
  struct ders deep_pool = load_ders(unit_dir, shuffled, 3);
  r = presented(deep, unit_dir, "deep-0.der", &deep_pool, p, o);
  CHECK(chainvet_report_accepted(r));
  CHECK(chainvet_report_findings_count(r) == 0);
  check_json(r, "\"path\":[0,3,2,4]");

  chainvet_report_free(r);
  /* A chain ending at a root the validator does not trust (sent along in the pool). */
  static const char *const untrusted[] = {"deep-1.der", "deep-2.der", "deep-3.der"};
  struct ders untrusted_pool = load_ders(unit_dir, untrusted, 3);
  r = presented(v, unit_dir, "deep-0.der", &untrusted_pool, p, o);
  CHECK(!chainvet_report_accepted(r));
  long i = find_code(r, CHAINVET_CODE_ROOT_NOT_TRUSTED);
  REQUIRE(i >= 0);
  size_t cert = 99;
  CHECK_RESULT(chainvet_report_finding_certificate(r, (size_t)i, &cert), CHAINVET_RESULT_OK);
  CHECK(cert == 3);
  chainvet_report_free(r);
  /* ... and one whose intermediates were not sent. */
  const uint8_t *no_certs[1] = {NULL};
  size_t no_lens[1] = {0};
  r = NULL;
  size_t leaf_len;
  unsigned char *deep_leaf = read_file(unit_dir, "deep-0.der", &leaf_len);
  CHECK_RESULT(chainvet_validator_validate_presented(deep, deep_leaf, leaf_len, no_certs, no_lens, 0, p, o, &r),
               CHAINVET_RESULT_OK);
  CHECK(find_code(r, CHAINVET_CODE_CHAIN_ISSUER_MISSING) >= 0);
  chainvet_report_free(r);

  /* Depth: two intermediates are too many for max_depth 1, fine for 2 and unlimited. */
  CHECK_RESULT(chainvet_presented_options_set_max_depth(p, 1), CHAINVET_RESULT_OK);
  r = presented(deep, unit_dir, "deep-0.der", &deep_pool, p, o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_CHAIN_TOO_LONG) >= 0);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_presented_options_set_max_depth(p, 2), CHAINVET_RESULT_OK);
  r = presented(deep, unit_dir, "deep-0.der", &deep_pool, p, o);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_presented_options_set_max_depth(p, 0), CHAINVET_RESULT_OK);
  r = presented(v, unit_dir, "good-0.der", &pool, p, o);
  CHECK(find_code(r, CHAINVET_CODE_CHAIN_TOO_LONG) >= 0);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_presented_options_set_max_depth(p, SIZE_MAX), CHAINVET_RESULT_OK);

  /* Server usage and expected names. */
  CHECK_RESULT(chainvet_presented_options_set_usage(p, CHAINVET_USAGE_SERVER_AUTH), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_DNS, "api.example.com", 15),
               CHAINVET_RESULT_OK);
  r = presented(v, unit_dir, "server-0.der", &pool, p, o);
  CHECK(chainvet_report_accepted(r));
  CHECK(chainvet_report_findings_count(r) == 0);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_DNS, "other.example.com", 17),
               CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_IP, "192.0.2.1", 9),
               CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_add_peer_name(p, CHAINVET_PEER_NAME_TYPE_EMAIL, "ops@example.com", 15),
               CHAINVET_RESULT_OK);
  r = presented(v, unit_dir, "server-0.der", &pool, p, o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(count_code(r, CHAINVET_CODE_LEAF_NAME_MISMATCH) == 3);
  i = find_code(r, CHAINVET_CODE_LEAF_NAME_MISMATCH);
  REQUIRE(i >= 0);
  const char *message = NULL;
  CHECK_RESULT(chainvet_report_finding_message(r, (size_t)i, &message), CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(message, "other.example.com");
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_presented_options_clear_peer_names(p), CHAINVET_RESULT_OK);
  /* A client leaf validated for server use, and the server leaf for client use. */
  r = presented(v, unit_dir, "good-0.der", &pool, p, o);
  CHECK(find_code(r, CHAINVET_CODE_LEAF_SERVER_AUTH_MISSING) >= 0);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_presented_options_set_usage(p, CHAINVET_USAGE_CLIENT_AUTH), CHAINVET_RESULT_OK);
  r = presented(v, unit_dir, "server-0.der", &pool, p, o);
  CHECK(find_code(r, CHAINVET_CODE_LEAF_CLIENT_AUTH_MISSING) >= 0);
  chainvet_report_free(r);

  /* Registration binding from the options: the registered leaf passes, another valid
   * leaf of the same CA does not. */
  chainvet_registry *reg = NULL;
  snprintf(path, sizeof path, "%s/registry.toml", unit_dir);
  REQUIRE(chainvet_registry_new_from_file(path, &reg, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  chainvet_options *bound = options_at(at);
  CHECK_RESULT(chainvet_options_set_client(bound, reg, "acme", 4), CHAINVET_RESULT_OK);
  chainvet_registry_free(reg);
  r = presented(v, unit_dir, "good-0.der", &pool, p, bound);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);
  r = presented(v, unit_dir, "other-0.der", &pool, p, bound);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_BINDING_SERIAL_MISMATCH) >= 0);
  chainvet_report_free(r);
  chainvet_options_free(bound);

  /* Time from the options: in 2040 the leaf has expired; NULL options validate now. */
  chainvet_options *later = options_at(2208988800);
  r = presented(v, unit_dir, "good-0.der", &pool, p, later);
  CHECK(find_code(r, CHAINVET_CODE_VALIDITY_EXPIRED) >= 0);
  chainvet_report_free(r);
  chainvet_options_free(later);
  r = presented(v, unit_dir, "good-0.der", &pool, p, NULL);
  const char *json = NULL;
  CHECK_RESULT(chainvet_report_json(r, &json), CHAINVET_RESULT_OK);
  CHECK(strstr(json, "\"validated_at\":\"2026-06-01T00:00:00Z\"") == NULL);
  chainvet_report_free(r);

  /* Hostile input is findings: an empty leaf, garbage, 10 MB of noise. */
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_presented(v, deep_leaf, 0, pool.certs, pool.lens, 1, p, o, &r),
               CHAINVET_RESULT_OK);
  CHECK(!chainvet_report_accepted(r));
  i = find_code(r, CHAINVET_CODE_CERTIFICATE_MALFORMED);
  REQUIRE(i >= 0);
  CHECK_RESULT(chainvet_report_finding_certificate(r, (size_t)i, &cert), CHAINVET_RESULT_OK);
  CHECK(cert == 0);
  chainvet_report_free(r);
  size_t big = 10 * 1024 * 1024;
  unsigned char *noise = random_bytes(big, 4711);
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_presented(v, noise, 100, pool.certs, pool.lens, 1, p, o, &r),
               CHAINVET_RESULT_OK);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_CERTIFICATE_MALFORMED) >= 0);
  chainvet_report_free(r);
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_presented(v, noise, big, pool.certs, pool.lens, 1, p, o, &r),
               CHAINVET_RESULT_OK);
  CHECK(find_code(r, CHAINVET_CODE_INPUT_TOO_LARGE) >= 0);
  chainvet_report_free(r);
  /* Garbage in the pool next to the real intermediate: still accepted (strangers are
   * allowed), and the garbage is never mistaken for an issuer. */
  const uint8_t *mixed[3] = {noise, pool.certs[0], noise + 1};
  size_t mixed_lens[3] = {0, pool.lens[0], 2000};
  r = NULL;
  unsigned char *good_leaf = read_file(unit_dir, "good-0.der", &leaf_len);
  CHECK_RESULT(chainvet_validator_validate_presented(v, good_leaf, leaf_len, mixed, mixed_lens, 3, p, o, &r),
               CHAINVET_RESULT_OK);
  CHECK(chainvet_report_accepted(r));
  check_json(r, "\"path\":[0,2,4]");
  chainvet_report_free(r);
  /* Many copies of the intermediate: over the policy's certificate limit. */
  const uint8_t *many[4] = {pool.certs[0], pool.certs[0], pool.certs[0], pool.certs[0]};
  size_t many_lens[4] = {pool.lens[0], pool.lens[0], pool.lens[0], pool.lens[0]};
  const char *two = "max_certificates = 2\n";
  chainvet_validator *strict = NULL, *strict_trusting = NULL;
  REQUIRE(chainvet_validator_new_from_policy(two, strlen(two), &strict, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  snprintf(path, sizeof path, "%s/root.pem", unit_dir);
  REQUIRE(chainvet_validator_new_with_trust_store_file(strict, path, &strict_trusting, NULL, 0, NULL) ==
          CHAINVET_RESULT_OK);
  r = NULL;
  CHECK_RESULT(chainvet_validator_validate_presented(strict_trusting, good_leaf, leaf_len, many, many_lens, 4, p,
                                                     o, &r),
               CHAINVET_RESULT_OK);
  CHECK(find_code(r, CHAINVET_CODE_CHAIN_TOO_LONG) >= 0);
  chainvet_report_free(r);
  chainvet_validator_free(strict);
  chainvet_validator_free(strict_trusting);

  /* Misuse: nothing written. */
  r = UNTOUCHED;
  const uint8_t *with_null[2] = {pool.certs[0], NULL};
  size_t two_lens[2] = {pool.lens[0], 1};
  CHECK_RESULT(chainvet_validator_validate_presented(NULL, good_leaf, leaf_len, pool.certs, pool.lens, 1, p, o, &r),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_presented(v, NULL, 0, pool.certs, pool.lens, 1, p, o, &r),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_presented(v, good_leaf, leaf_len, NULL, pool.lens, 1, p, o, &r),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_presented(v, good_leaf, leaf_len, pool.certs, NULL, 1, p, o, &r),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_presented(v, good_leaf, leaf_len, NULL, NULL, 0, p, o, &r),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_presented(v, good_leaf, leaf_len, with_null, two_lens, 2, p, o, &r),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_presented(v, good_leaf, leaf_len, pool.certs, pool.lens, 1, p, o, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_presented(v, good_leaf, SIZE_MAX, pool.certs, pool.lens, 1, p, o, &r),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_validator_validate_presented(v, good_leaf, leaf_len, pool.certs, pool.lens, SIZE_MAX, p, o,
                                                     &r),
               CHAINVET_RESULT_INVALID_PARAMETER);
  size_t huge[1] = {SIZE_MAX};
  CHECK_RESULT(chainvet_validator_validate_presented(v, good_leaf, leaf_len, pool.certs, huge, 1, p, o, &r),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK(r == UNTOUCHED);

  free(noise);
  free(good_leaf);
  free(deep_leaf);
  free_ders(&pool);
  free_ders(&deep_pool);
  free_ders(&untrusted_pool);
  chainvet_presented_options_free(p);
  chainvet_options_free(o);
  chainvet_validator_free(deep);
  chainvet_validator_free(v);
  chainvet_validator_free(base);
}

/* Trust-store mode with revocation input: the CRL made by `openssl ca -gencrl`. */
/* RFC 5280 6.1.1 policy inputs per validation, and the policy set of the accepted path. */
static void test_presented_policies(void) {
  chainvet_validator *base = NULL, *v = NULL;
  REQUIRE(chainvet_validator_new(&base) == CHAINVET_RESULT_OK);
  char path[4096];
  snprintf(path, sizeof path, "%s/root.pem", unit_dir);
  REQUIRE(chainvet_validator_new_with_trust_store_file(base, path, &v, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  chainvet_options *o = options_at(at);
  chainvet_presented_options *p = NULL;
  REQUIRE(chainvet_presented_options_new(&p) == CHAINVET_RESULT_OK);
  static const char *const inter[] = {"policy-1.der"};
  struct ders pool = load_ders(unit_dir, inter, 1);
  const char *p1 = "1.3.6.1.4.1.55555.1", *p2 = "1.3.6.1.4.1.55555.2";

  /* No inputs: the policy's (any policy); the path is valid for P1. */
  chainvet_report *r = presented(v, unit_dir, "policy-0.der", &pool, p, o);
  CHECK(chainvet_report_accepted(r));
  size_t count = 99;
  CHECK_RESULT(chainvet_report_certificate_policies_count(r, &count), CHAINVET_RESULT_OK);
  CHECK(count == 1);
  const char *oid = NULL;
  CHECK_RESULT(chainvet_report_certificate_policy(r, 0, &oid), CHAINVET_RESULT_OK);
  CHECK(oid != NULL && strcmp(oid, p1) == 0);
  oid = UNTOUCHED;
  CHECK_RESULT(chainvet_report_certificate_policy(r, 1, &oid), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK(oid == UNTOUCHED);
  CHECK_RESULT(chainvet_report_certificate_policy(r, 0, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_certificate_policies_count(NULL, &count), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_certificate_policies_count(r, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  check_json(r, "\"certificate_policies\":[\"1.3.6.1.4.1.55555.1\"]");
  chainvet_report_free(r);

  /* Explicit P2: the path is not valid for it. */
  CHECK_RESULT(chainvet_presented_options_add_policy_oid(p, p2, strlen(p2)), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_set_explicit_policy(p, true), CHAINVET_RESULT_OK);
  r = presented(v, unit_dir, "policy-0.der", &pool, p, o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_CHAIN_POLICY_INVALID) >= 0);
  count = 99;
  CHECK_RESULT(chainvet_report_certificate_policies_count(r, &count), CHAINVET_RESULT_NOT_PRESENT);
  CHECK(count == 99);
  CHECK_RESULT(chainvet_report_certificate_policy(r, 0, &oid), CHAINVET_RESULT_NOT_PRESENT);
  chainvet_report_free(r);
  /* P1 added: valid for it, and only it is reported. */
  CHECK_RESULT(chainvet_presented_options_add_policy_oid(p, p1, strlen(p1)), CHAINVET_RESULT_OK);
  r = presented(v, unit_dir, "policy-0.der", &pool, p, o);
  CHECK(chainvet_report_accepted(r));
  CHECK_RESULT(chainvet_report_certificate_policies_count(r, &count), CHAINVET_RESULT_OK);
  CHECK(count == 1);
  chainvet_report_free(r);
  /* The leaf without policies fails explicit policy; the inhibits are accepted. */
  static const char *const good_inter[] = {"good-1.der"};
  struct ders good_pool = load_ders(unit_dir, good_inter, 1);
  CHECK_RESULT(chainvet_presented_options_set_inhibit_policy_mapping(p, true), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_presented_options_set_inhibit_any_policy(p, true), CHAINVET_RESULT_OK);
  r = presented(v, unit_dir, "good-0.der", &good_pool, p, o);
  CHECK(find_code(r, CHAINVET_CODE_CHAIN_POLICY_INVALID) >= 0);
  chainvet_report_free(r);
  /* Cleared: the policy's inputs again; no policy anywhere is an empty set. */
  CHECK_RESULT(chainvet_presented_options_clear_policy_inputs(p), CHAINVET_RESULT_OK);
  r = presented(v, unit_dir, "good-0.der", &good_pool, p, o);
  CHECK(chainvet_report_accepted(r));
  CHECK_RESULT(chainvet_report_certificate_policies_count(r, &count), CHAINVET_RESULT_OK);
  CHECK(count == 0);
  chainvet_report_free(r);

  /* Misuse: not an OID, not UTF-8, NULL, huge; nothing changes. */
  CHECK_RESULT(chainvet_presented_options_add_policy_oid(p, "x.y", 3), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_policy_oid(p, "", 0), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_policy_oid(p, "1.2\xff", 4), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_policy_oid(p, NULL, 0), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_policy_oid(NULL, p1, strlen(p1)), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_add_policy_oid(p, p1, SIZE_MAX), CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_set_explicit_policy(NULL, true), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_set_inhibit_policy_mapping(NULL, true), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_set_inhibit_any_policy(NULL, true), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_presented_options_clear_policy_inputs(NULL), CHAINVET_RESULT_NULL_PARAMETER);
  r = presented(v, unit_dir, "good-0.der", &good_pool, p, o);
  CHECK(chainvet_report_accepted(r));
  chainvet_report_free(r);

  free_ders(&pool);
  free_ders(&good_pool);
  chainvet_presented_options_free(p);
  chainvet_options_free(o);
  chainvet_validator_free(v);
  chainvet_validator_free(base);
}

static void test_presented_revocation(void) {
  size_t len;
  char *at_text = (char *)read_file(revocation_dir, "at.txt", &len);
  int64_t now = strtoll(at_text, NULL, 10);
  free(at_text);
  chainvet_validator *base = NULL, *v = NULL;
  REQUIRE(chainvet_validator_new(&base) == CHAINVET_RESULT_OK);
  unsigned char *root = read_file(revocation_dir, "root.pem", &len);
  REQUIRE(chainvet_validator_new_with_trust_store(base, root, len, &v, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  free(root);
  chainvet_options *o = options_at(now);
  CHECK_RESULT(chainvet_options_set_offline(o, true), CHAINVET_RESULT_OK);
  static const char *const ca[] = {"ca.der"};
  struct ders pool = load_ders(revocation_dir, ca, 1);

  /* Nothing supplied, offline: unavailable, a warning under soft-fail. */
  chainvet_report *r = presented(v, revocation_dir, "good-0.der", &pool, NULL, o);
  CHECK(chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_UNAVAILABLE) >= 0);
  chainvet_report_free(r);

  add_file(o, "crl.der", chainvet_options_add_crl);
  r = presented(v, revocation_dir, "revoked-0.der", &pool, NULL, o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_REVOKED) >= 0);
  chainvet_revocation_status status;
  chainvet_revocation_method method;
  chainvet_revocation_source source;
  leaf_revocation(r, &status, &method, &source);
  CHECK(status == CHAINVET_REVOCATION_STATUS_REVOKED && method == CHAINVET_REVOCATION_METHOD_CRL &&
        source == CHAINVET_REVOCATION_SOURCE_SUPPLIED);
  chainvet_report_free(r);
  r = presented(v, revocation_dir, "good-0.der", &pool, NULL, o);
  CHECK(chainvet_report_accepted(r));
  CHECK(chainvet_report_findings_count(r) == 0);
  leaf_revocation(r, &status, &method, &source);
  CHECK(status == CHAINVET_REVOCATION_STATUS_GOOD && method == CHAINVET_REVOCATION_METHOD_CRL);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);

  /* A stapled OCSP response made by `openssl ocsp`. */
  add_file(o, "revoked-ocsp.der", chainvet_options_add_stapled_ocsp);
  r = presented(v, revocation_dir, "revoked-0.der", &pool, NULL, o);
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_REVOKED) >= 0);
  leaf_revocation(r, &status, &method, &source);
  CHECK(status == CHAINVET_REVOCATION_STATUS_REVOKED && method == CHAINVET_REVOCATION_METHOD_OCSP &&
        source == CHAINVET_REVOCATION_SOURCE_STAPLED);
  chainvet_report_free(r);

  free_ders(&pool);
  chainvet_options_free(o);
  chainvet_validator_free(v);
  chainvet_validator_free(base);
}

/* A report is independent of its validator and options: both may go first. After
 * chainvet_report_free nothing touches the report's memory again (ASan and valgrind
 * would see it in the calls that follow). */
static void test_lifetimes(void) {
  chainvet_validator *v = NULL;
  REQUIRE(chainvet_validator_new(&v) == CHAINVET_RESULT_OK);
  chainvet_options *o = options_at(at);
  chainvet_report *r = validate_file(v, "reversed.pem", o);
  chainvet_options_free(o);
  chainvet_validator_free(v);
  const char *message = NULL;
  CHECK(chainvet_report_findings_count(r) >= 1);
  CHECK_RESULT(chainvet_report_finding_message(r, 0, &message), CHAINVET_RESULT_OK);
  CHECK(strlen(message) > 0);
  chainvet_report_free(r);

  REQUIRE(chainvet_validator_new(&v) == CHAINVET_RESULT_OK);
  o = options_at(at);
  for (int k = 0; k < 20; k++) {
    chainvet_report *again = validate_file(v, k % 2 ? "reversed.pem" : "good.pem", o);
    CHECK(chainvet_report_accepted(again) == (k % 2 == 0));
    chainvet_report_free(again);
  }
  chainvet_options_free(o);
  chainvet_validator_free(v);
}

/* Listens on 127.0.0.1:port (non-blocking); -1 if the port cannot be bound. */
static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 64) != 0) {
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

/* Connections waiting on a listener (each accepted and closed). */
static int count_connections(int fd) {
  int n = 0;
  for (;;) {
    int c = accept(fd, NULL, NULL);
    if (c < 0) break;
    close(c);
    n++;
  }
  return n;
}

/* An attacker's own chain names OCSP and CRL URLs on a port we listen on: validate_pem,
   validate_der and validate_presented never connect to it, with or without a trust
   store; a trusted chain does not reach loopback either unless the policy opens it, and
   the operator-facing detail says why (the message does not). */
static void test_no_fetch_for_untrusted_chains(const char *dir) {
  size_t len;
  char *port_text = (char *)read_file(dir, "port.txt", &len);
  int port = atoi(port_text);
  free(port_text);
  char *at_text = (char *)read_file(dir, "at.txt", &len);
  int64_t when = strtoll(at_text, NULL, 10);
  free(at_text);
  int fd = listen_on(port);
  REQUIRE(fd >= 0);
  size_t pem_len, leaf_len, ca_len;
  unsigned char *pem = read_file(dir, "chain.pem", &pem_len);
  unsigned char *leaf = read_file(dir, "leaf.der", &leaf_len);
  unsigned char *ca = read_file(dir, "ca.der", &ca_len);
  const uint8_t *ders[2] = {leaf, ca};
  size_t lens[2] = {leaf_len, ca_len};
  chainvet_options *o = options_at(when);
  chainvet_report *r = NULL;

  chainvet_validator *plain = NULL;
  REQUIRE(chainvet_validator_new(&plain) == CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_validator_validate_pem(plain, pem, pem_len, o, &r), CHAINVET_RESULT_OK);
  chainvet_report_free(r);
  CHECK_RESULT(chainvet_validator_validate_der(plain, ders, lens, 2, o, &r), CHAINVET_RESULT_OK);
  chainvet_report_free(r);
  chainvet_validator_free(plain);
  CHECK(count_connections(fd) == 0);

  /* Trusted: the chain verifies, but 127.0.0.1 is not opened. */
  char path[4096];
  snprintf(path, sizeof path, "%s/trusting.toml", dir);
  chainvet_validator *trusting = NULL;
  REQUIRE(chainvet_validator_new_from_policy_file(path, &trusting, NULL, 0, NULL) == CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_validator_validate_pem(trusting, pem, pem_len, o, &r), CHAINVET_RESULT_OK);
  CHECK(!chainvet_report_accepted(r));
  long i = find_code(r, CHAINVET_CODE_REVOCATION_UNAVAILABLE);
  REQUIRE(i >= 0);
  const char *message = NULL, *detail = NULL;
  CHECK_RESULT(chainvet_report_finding_message(r, (size_t)i, &message), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_report_finding_detail(r, (size_t)i, &detail), CHAINVET_RESULT_OK);
  REQUIRE(detail != NULL);
  CHECK_STR_CONTAINS(detail, "loopback");
  CHECK(strstr(message, "loopback") == NULL);
  /* A finding without detail gives NULL; misuse writes nothing. */
  const char *untouched = UNTOUCHED;
  CHECK_RESULT(chainvet_report_finding_detail(r, SIZE_MAX, &untouched), CHAINVET_RESULT_OUT_OF_RANGE);
  CHECK(untouched == UNTOUCHED);
  CHECK_RESULT(chainvet_report_finding_detail(NULL, 0, &untouched), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_report_finding_detail(r, 0, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  chainvet_report_free(r);
  CHECK(count_connections(fd) == 0);
  chainvet_validator_free(trusting);

  chainvet_options_free(o);
  free(pem);
  free(leaf);
  free(ca);
  close(fd);
}

/* A CRL parsed once (chainvet_crl_new) serves many validations through any number of
   options objects, outlives its own handle there, and is removed by
   chainvet_options_clear_revocation_input. */
static void test_parsed_crl(void) {
  size_t len;
  unsigned char *der = read_file(revocation_dir, "crl.der", &len);
  chainvet_crl *crl = NULL;
  char err[256];
  size_t err_len = 0;
  CHECK_RESULT(chainvet_crl_new(der, len, &crl, err, sizeof err, &err_len), CHAINVET_RESULT_OK);
  REQUIRE(crl != NULL);
  chainvet_validator *v = NULL;
  REQUIRE(chainvet_validator_new(&v) == CHAINVET_RESULT_OK);
  chainvet_options *o = NULL;
  REQUIRE(chainvet_options_new(&o) == CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_set_offline(o, true), CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_options_add_parsed_crl(o, crl), CHAINVET_RESULT_OK);
  chainvet_crl_free(crl); /* the options keep their own reference */
  for (int round = 0; round < 3; round++) {
    chainvet_report *r = validate_rev(v, "revoked.pem", o);
    CHECK(!chainvet_report_accepted(r));
    CHECK(find_code(r, CHAINVET_CODE_REVOCATION_REVOKED) >= 0);
    chainvet_report_free(r);
    r = validate_rev(v, "good.pem", o);
    CHECK(chainvet_report_accepted(r));
    chainvet_report_free(r);
  }
  CHECK_RESULT(chainvet_options_clear_revocation_input(o), CHAINVET_RESULT_OK);
  chainvet_report *r = validate_rev(v, "revoked.pem", o);
  CHECK(find_code(r, CHAINVET_CODE_REVOCATION_REVOKED) < 0);
  chainvet_report_free(r);

  /* Not a CRL: refused with a reason; misuse. */
  chainvet_crl *bad = UNTOUCHED;
  CHECK_RESULT(chainvet_crl_new((const uint8_t *)"junk", 4, &bad, err, sizeof err, &err_len),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK(bad == UNTOUCHED && err_len > 0 && strlen(err) > 0);
  CHECK_RESULT(chainvet_crl_new(NULL, 1, &bad, NULL, 0, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_crl_new(der, len, NULL, NULL, 0, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_add_parsed_crl(o, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_options_add_parsed_crl(NULL, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  chainvet_crl_free(NULL);
  chainvet_options_free(o);
  chainvet_validator_free(v);
  free(der);
}

/* What a gateway does at configuration load: override the policy's revocation mode, and
 * check CRL files before the first handshake needs them. */
static void test_gateway_load(void) {
  size_t len;
  char *at_text = (char *)read_file(revocation_dir, "at.txt", &len);
  int64_t now = strtoll(at_text, NULL, 10);
  free(at_text);
  chainvet_validator *base = NULL, *anchored = NULL, *hard = NULL, *off = NULL, *soft = NULL;
  REQUIRE(chainvet_validator_new(&base) == CHAINVET_RESULT_OK);
  unsigned char *root = read_file(revocation_dir, "root.pem", &len);
  REQUIRE(chainvet_validator_new_with_trust_store(base, root, len, &anchored, NULL, 0, NULL) ==
          CHAINVET_RESULT_OK);
  free(root);
  CHECK_RESULT(chainvet_validator_new_with_revocation_mode(anchored, CHAINVET_REVOCATION_MODE_HARD_FAIL,
                                                           &hard),
               CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_validator_new_with_revocation_mode(hard, CHAINVET_REVOCATION_MODE_OFF, &off),
               CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_validator_new_with_revocation_mode(hard, CHAINVET_REVOCATION_MODE_SOFT_FAIL, &soft),
               CHAINVET_RESULT_OK);
  /* The trust anchors come along. */
  CHECK(chainvet_validator_trust_anchor_count(hard) == chainvet_validator_trust_anchor_count(anchored));
  CHECK(chainvet_validator_trust_anchor_count(off) >= 1);

  chainvet_options *o = options_at(now);
  CHECK_RESULT(chainvet_options_set_offline(o, true), CHAINVET_RESULT_OK);
  static const char *const ca[] = {"ca.der"};
  struct ders pool = load_ders(revocation_dir, ca, 1);
  /* Offline with nothing supplied: hard-fail rejects, soft-fail warns, off never asks. */
  chainvet_report *r = presented(hard, revocation_dir, "good-0.der", &pool, NULL, o);
  CHECK(!chainvet_report_accepted(r));
  CHECK(count_code(r, CHAINVET_CODE_REVOCATION_UNAVAILABLE) == 1);
  chainvet_report_free(r);
  r = presented(soft, revocation_dir, "good-0.der", &pool, NULL, o);
  CHECK(chainvet_report_accepted(r));
  CHECK(count_code(r, CHAINVET_CODE_REVOCATION_UNAVAILABLE) == 1);
  chainvet_report_free(r);
  add_file(o, "crl.der", chainvet_options_add_crl);
  r = presented(off, revocation_dir, "revoked-0.der", &pool, NULL, o);
  CHECK(chainvet_report_accepted(r));
  CHECK(chainvet_report_revocation_count(r) == 0);
  chainvet_report_free(r);
  r = presented(hard, revocation_dir, "revoked-0.der", &pool, NULL, o);
  CHECK(count_code(r, CHAINVET_CODE_REVOCATION_REVOKED) == 1);
  chainvet_report_free(r);
  free_ders(&pool);
  chainvet_options_free(o);

  /* Misuse: nothing is written. */
  chainvet_validator *untouched = UNTOUCHED;
  CHECK_RESULT(chainvet_validator_new_with_revocation_mode(anchored, 0, &untouched),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_with_revocation_mode(anchored, 4, &untouched),
               CHAINVET_RESULT_INVALID_PARAMETER);
  CHECK_RESULT(chainvet_validator_new_with_revocation_mode(NULL, 1, &untouched),
               CHAINVET_RESULT_NULL_PARAMETER);
  CHECK(untouched == UNTOUCHED);
  CHECK_RESULT(chainvet_validator_new_with_revocation_mode(anchored, 1, NULL),
               CHAINVET_RESULT_NULL_PARAMETER);

  /* CRL check: the DER and PEM CRLs load; a certificate, noise and nothing do not. */
  static const char *const good_crls[] = {"crl.der", "crl.pem"};
  for (size_t k = 0; k < 2; k++) {
    unsigned char *crl = read_file(revocation_dir, good_crls[k], &len);
    CHECK_RESULT(chainvet_crl_check(crl, len, NULL, 0, NULL), CHAINVET_RESULT_OK);
    free(crl);
  }
  char why[128];
  size_t why_len = 0;
  unsigned char *cert = read_file(revocation_dir, "good-0.der", &len);
  CHECK_RESULT(chainvet_crl_check(cert, len, why, sizeof why, &why_len), CHAINVET_RESULT_CRL_INVALID);
  CHECK_STR_CONTAINS(why, "not a valid CRL");
  CHECK(why_len == strlen(why));
  free(cert);
  unsigned char *noise = random_bytes(4096, 15);
  CHECK_RESULT(chainvet_crl_check(noise, 4096, why, 8, NULL), CHAINVET_RESULT_CRL_INVALID);
  CHECK(strlen(why) == 7);
  free(noise);
  CHECK_RESULT(chainvet_crl_check((const uint8_t *)"", 0, NULL, 0, NULL), CHAINVET_RESULT_CRL_INVALID);
  CHECK_RESULT(chainvet_crl_check(NULL, 0, NULL, 0, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  CHECK_RESULT(chainvet_crl_check((const uint8_t *)"x", 1, NULL, 4, NULL), CHAINVET_RESULT_NULL_PARAMETER);
  char code_text[128];
  CHECK_RESULT(chainvet_code_message(CHAINVET_RESULT_CRL_INVALID, code_text, sizeof code_text, NULL),
               CHAINVET_RESULT_OK);
  CHECK_STR_CONTAINS(code_text, "CHAINVET_RESULT_CRL_INVALID");

  chainvet_validator_free(soft);
  chainvet_validator_free(off);
  chainvet_validator_free(hard);
  chainvet_validator_free(anchored);
  chainvet_validator_free(base);
}

/* Writes `text` to `name` in the unit fixtures directory; returns its path in `path`. */
static void write_fixture(const char *name, const void *text, size_t len, char *path, size_t path_len) {
  snprintf(path, path_len, "%s/%s", unit_dir, name);
  FILE *f = fopen(path, "wb");
  REQUIRE(f != NULL);
  REQUIRE(fwrite(text, 1, len, f) == len);
  REQUIRE(fclose(f) == 0);
}

/* Policy, trust store and registry files that do not load: one message format,
 * FILE:LINE:COL: field: message, copied into the caller's buffer. */
static void test_load_errors(void) {
  char path[4096], err[1024], expected[4200];
  chainvet_validator *v = UNTOUCHED;

  const char *policy = "leaf_min_lifetime_days = 0\n[revocation]\nmode = \"strict\"\n";
  write_fixture("broken-policy.toml", policy, strlen(policy), path, sizeof path);
  CHECK_RESULT(chainvet_validator_new_from_policy_file(path, &v, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  snprintf(expected, sizeof expected, "%s:3:8: revocation.mode: invalid policy TOML: ", path);
  CHECK(strncmp(err, expected, strlen(expected)) == 0);
  CHECK_STR_CONTAINS(err, "strict");

  /* A trust store whose second block is no certificate: its BEGIN line, column 1. */
  size_t root_len;
  unsigned char *root = read_file(unit_dir, "root.pem", &root_len);
  const char *junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  size_t total = root_len + strlen(junk);
  unsigned char *roots = malloc(total);
  REQUIRE(roots != NULL);
  memcpy(roots, root, root_len);
  memcpy(roots + root_len, junk, strlen(junk));
  size_t line = 1;
  for (size_t k = 0; k < root_len; k++) line += root[k] == '\n';
  write_fixture("bad-roots.pem", roots, total, path, sizeof path);
  chainvet_validator *base = NULL;
  REQUIRE(chainvet_validator_new(&base) == CHAINVET_RESULT_OK);
  CHECK_RESULT(chainvet_validator_new_with_trust_store_file(base, path, &v, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  snprintf(expected, sizeof expected, "%s:%zu:1: certificate 2: not a usable certificate: ", path, line);
  CHECK(strncmp(err, expected, strlen(expected)) == 0);
  CHECK_RESULT(chainvet_validator_new_with_trust_store(base, roots, total, &v, err, sizeof err, NULL),
               CHAINVET_RESULT_POLICY_INVALID);
  snprintf(expected, sizeof expected, "<text>:%zu:1: certificate 2: ", line);
  CHECK(strncmp(err, expected, strlen(expected)) == 0);
  free(roots);
  free(root);

  /* A registry naming a certificate file that is not there, on line 3 column 3. */
  const char *registry = "[clients.acme]\ncertificates = [\"good.pem\",\n  \"missing.pem\"]\n";
  write_fixture("broken-registry.toml", registry, strlen(registry), path, sizeof path);
  chainvet_registry *reg = UNTOUCHED;
  CHECK_RESULT(chainvet_registry_new_from_file(path, &reg, err, sizeof err, NULL),
               CHAINVET_RESULT_REGISTRY_INVALID);
  snprintf(expected, sizeof expected, "%s:3:3: clients.acme.certificates[1]: ", path);
  CHECK(strncmp(err, expected, strlen(expected)) == 0);
  CHECK_STR_CONTAINS(err, "missing.pem");
  CHECK(reg == UNTOUCHED && v == UNTOUCHED);
  chainvet_validator_free(base);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s FIXTURES_DIR EXPECTED_VERSION\n", argv[0]);
    return 2;
  }
  static char unit[4096], revocation[4096];
  snprintf(unit, sizeof unit, "%s/unit", argv[1]);
  snprintf(revocation, sizeof revocation, "%s/revocation", argv[1]);
  unit_dir = unit;
  revocation_dir = revocation;
  size_t len;
  char *at_text = (char *)read_file(unit_dir, "at.txt", &len);
  at = strtoll(at_text, NULL, 10);
  free(at_text);
  REQUIRE(at > 0);

  test_version(argv[2]);
  test_code_name();
  test_code_message();
  test_options();
  test_validator_constructors();

  chainvet_validator *v = NULL;
  REQUIRE(chainvet_validator_new(&v) == CHAINVET_RESULT_OK);
  chainvet_options *o = options_at(at);
  test_report_accessors(v, o);
  test_validate_pem_misuse(v, o);
  test_validate_der(v, o);
  chainvet_options_free(o);
  chainvet_validator_free(v);

  test_registry();
  test_revocation();
  test_trust_store_constructors();
  test_load_errors();
  test_presented_options();
  test_presented();
  test_presented_policies();
  test_presented_revocation();
  test_lifetimes();
  static char attacker[4096];
  snprintf(attacker, sizeof attacker, "%s/attacker", argv[1]);
  test_no_fetch_for_untrusted_chains(attacker);
  test_parsed_crl();
  test_gateway_load();
  return finish("api");
}
