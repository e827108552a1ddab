/* The attacker's test of "a private key is never echoed" from C: every shape of RSA,
 * EC and Ed25519 private key (PKCS#8, PKCS#1, SEC1, encrypted, PEM and DER, PKCS#12,
 * one line with literal \n, CR-only, lower-case labels, indented, UTF-16, a body
 * without its BEGIN line) goes through validate_pem, validate_der, validate_presented,
 * check_binding_der, trust-store and registry loading; no 16-character run of the
 * key's base64 or DER hex may appear in any JSON, message, hint or error text.
 *
 * Usage: keys FIXTURES_DIR (written by `cargo run -p chainvet-ffi --example
 * gen-c-fixtures`: FIXTURES_DIR/keys/{list,NNN.key,KIND.runs}, FIXTURES_DIR/unit/). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>

#include "common.h"

#define RUN 16

struct runs {
  char (*items)[RUN];
  size_t count;
};

static const char *keys_dir;
static const char *unit_dir;
static int64_t at;

/* KIND.runs: sorted lines of 16 characters. */
static struct runs load_runs(const char *kind) {
  char name[256];
  snprintf(name, sizeof name, "%s.runs", kind);
  size_t len;
  char *text = (char *)read_file(keys_dir, name, &len);
  struct runs r = {malloc(len / (RUN + 1) * RUN + RUN), 0};
  REQUIRE(r.items != NULL);
  for (char *line = text; line + RUN <= text + len; line += RUN + 1) {
    REQUIRE(line[RUN] == '\n');
    memcpy(r.items[r.count++], line, RUN);
  }
  free(text);
  REQUIRE(r.count > 100);
  return r;
}

static int cmp_run(const void *a, const void *b) { return memcmp(a, b, RUN); }

/* The first window of `text` that is a run of the key, or NULL. */
static const char *leak(const char *text, size_t len, const struct runs *runs) {
  for (size_t i = 0; i + RUN <= len; i++) {
    if (bsearch(text + i, runs->items, runs->count, RUN, cmp_run) != NULL) return text + i;
  }
  return NULL;
}

static void check_text(const char *what, const char *shape, const char *text, size_t len,
                       const struct runs *runs) {
  const char *hit = leak(text, len, runs);
  checks_run++;
  if (hit != NULL) {
    checks_failed++;
    fprintf(stderr, "%s: %s echoes key material: %.16s\n", shape, what, hit);
  }
}

/* JSON, and every finding's message and hint. */
static void check_report(const char *what, const char *shape, chainvet_report *r,
                         const struct runs *runs) {
  checks_run++;
  if (r == NULL) {
    checks_failed++;
    fprintf(stderr, "%s: %s made no report\n", shape, what);
    return;
  }
  const char *json = NULL;
  CHECK_RESULT(chainvet_report_json(r, &json), CHAINVET_RESULT_OK);
  REQUIRE(json != NULL);
  check_text(what, shape, json, strlen(json), runs);
  for (size_t i = 0; i < chainvet_report_findings_count(r); i++) {
    const char *message = NULL, *hint = NULL;
    CHECK_RESULT(chainvet_report_finding_message(r, i, &message), CHAINVET_RESULT_OK);
    CHECK_RESULT(chainvet_report_finding_hint(r, i, &hint), CHAINVET_RESULT_OK);
    check_text(what, shape, message, strlen(message), runs);
    check_text(what, shape, hint, strlen(hint), runs);
  }
  chainvet_report_free(r);
}

static int has_code(const chainvet_report *r, uint32_t code) {
  for (size_t i = 0; i < chainvet_report_findings_count(r); i++) {
    uint32_t c = 0;
    CHECK_RESULT(chainvet_report_finding_code(r, i, &c), CHAINVET_RESULT_OK);
    if (c == code) return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s FIXTURES_DIR\n", argv[0]);
    return 2;
  }
  static char keys[4096], unit[4096];
  snprintf(keys, sizeof keys, "%s/keys", argv[1]);
  snprintf(unit, sizeof unit, "%s/unit", argv[1]);
  keys_dir = keys;
  unit_dir = unit;
  size_t len;
  char *at_text = (char *)read_file(unit_dir, "at.txt", &len);
  at = strtoll(at_text, NULL, 10);
  free(at_text);

  chainvet_validator *v = NULL;
  REQUIRE(chainvet_validator_new(&v) == CHAINVET_RESULT_OK);
  chainvet_options *o = NULL;
  REQUIRE(chainvet_options_new(&o) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_options_set_time(o, at) == CHAINVET_RESULT_OK);
  REQUIRE(chainvet_options_set_offline(o, true) == CHAINVET_RESULT_OK);
  unsigned char *root = read_file(unit_dir, "root.pem", &len);
  chainvet_validator *gateway = NULL;
  REQUIRE(chainvet_validator_new_with_trust_store(v, root, len, &gateway, NULL, 0, NULL) ==
          CHAINVET_RESULT_OK);
  free(root);
  chainvet_presented_options *po = NULL;
  REQUIRE(chainvet_presented_options_new(&po) == CHAINVET_RESULT_OK);
  size_t leaf_len;
  unsigned char *leaf = read_file(unit_dir, "good-0.der", &leaf_len);
  const char pinned[] =
      "[clients.acme]\nsha256 = [\"0000000000000000000000000000000000000000000000000000000000000000\"]\n";
  chainvet_registry *registry = NULL;
  REQUIRE(chainvet_registry_new_from_text(pinned, strlen(pinned), unit_dir, &registry, NULL, 0,
                                          NULL) == CHAINVET_RESULT_OK);

  char *list = (char *)read_file(keys_dir, "list", &len);
  struct runs runs[3] = {{0}};
  const char *kinds[3] = {"rsa", "ec", "ed25519"};
  for (int k = 0; k < 3; k++) runs[k] = load_runs(kinds[k]);
  size_t shapes = 0;
  char *save = NULL;
  for (char *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char number[8], kind[16], shape[128];
    REQUIRE(sscanf(line, "%7s %15s %127s", number, kind, shape) == 3);
    const struct runs *r = NULL;
    for (int k = 0; k < 3; k++)
      if (strcmp(kind, kinds[k]) == 0) r = &runs[k];
    REQUIRE(r != NULL);
    char file[32];
    snprintf(file, sizeof file, "%s.key", number);
    size_t key_len;
    unsigned char *key = read_file(keys_dir, file, &key_len);
    shapes++;

    chainvet_report *rep = NULL;
    rep = NULL;
    CHECK_RESULT(chainvet_validator_validate_pem(v, key, key_len, o, &rep), CHAINVET_RESULT_OK);
    CHECK(rep != NULL && !chainvet_report_accepted(rep));
    CHECK(rep != NULL && (has_code(rep, CHAINVET_CODE_PEM_PRIVATE_KEY_PRESENT) ||
          (strstr(shape, "/p12") != NULL && has_code(rep, CHAINVET_CODE_INPUT_NOT_PEM))));
    check_report("validate_pem", shape, rep, r);

    const uint8_t *certs[2] = {leaf, key};
    size_t lens[2] = {leaf_len, key_len};
    rep = NULL;
    CHECK_RESULT(chainvet_validator_validate_der(v, certs + 1, lens + 1, 1, o, &rep),
                 CHAINVET_RESULT_OK);
    CHECK(rep != NULL && !chainvet_report_accepted(rep));
    check_report("validate_der", shape, rep, r);
    rep = NULL;
    CHECK_RESULT(chainvet_validator_validate_der(v, certs, lens, 2, o, &rep), CHAINVET_RESULT_OK);
    check_report("validate_der (after a leaf)", shape, rep, r);

    rep = NULL;
    CHECK_RESULT(chainvet_validator_validate_presented(gateway, key, key_len, certs, lens, 0, po,
                                                       o, &rep),
                 CHAINVET_RESULT_OK);
    CHECK(rep != NULL && !chainvet_report_accepted(rep));
    check_report("validate_presented (leaf)", shape, rep, r);
    rep = NULL;
    CHECK_RESULT(chainvet_validator_validate_presented(gateway, leaf, leaf_len, certs + 1,
                                                       lens + 1, 1, po, o, &rep),
                 CHAINVET_RESULT_OK);
    check_report("validate_presented (pool)", shape, rep, r);

    rep = NULL;
    CHECK_RESULT(chainvet_validator_check_binding_der(v, registry, "acme", 4, key, key_len, o,
                                                      &rep),
                 CHAINVET_RESULT_OK);
    CHECK(rep != NULL && !chainvet_report_accepted(rep));
    check_report("check_binding_der", shape, rep, r);

    /* The key as a trust store, and as a registered certificate file. */
    char error[4096];
    size_t error_len = 0;
    chainvet_validator *trusting = NULL;
    CHECK(chainvet_validator_new_with_trust_store(v, key, key_len, &trusting, error,
                                                  sizeof error, &error_len) !=
          CHAINVET_RESULT_OK);
    CHECK(trusting == NULL);
    check_text("trust store", shape, error, error_len < sizeof error ? error_len : sizeof error,
               r);
    char text[256];
    snprintf(text, sizeof text, "[clients.acme]\ncertificates = [\"%s\"]\n", file);
    chainvet_registry *bad = NULL;
    error_len = 0;
    CHECK(chainvet_registry_new_from_text(text, strlen(text), keys_dir, &bad, error, sizeof error,
                                          &error_len) != CHAINVET_RESULT_OK);
    CHECK(bad == NULL);
    check_text("registry", shape, error, error_len < sizeof error ? error_len : sizeof error, r);
    free(key);
  }
  CHECK(shapes >= 80);
  printf("keys: %zu shapes through every C entry point\n", shapes);
  for (int k = 0; k < 3; k++) free(runs[k].items);
  free(list);
  free(leaf);
  chainvet_registry_free(registry);
  chainvet_presented_options_free(po);
  chainvet_validator_free(gateway);
  chainvet_options_free(o);
  chainvet_validator_free(v);
  return finish("keys");
}
