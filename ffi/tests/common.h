/* Shared helpers of the C tests: assertions that report the failing line and keep
 * going, and file reading. */
#ifndef CHAINVET_TEST_COMMON_H
#define CHAINVET_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chainvet.h>

static int checks_run;
static int checks_failed;

#define CHECK(cond)                                                                   \
  do {                                                                                \
    checks_run++;                                                                     \
    if (!(cond)) {                                                                    \
      checks_failed++;                                                                \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);        \
    }                                                                                 \
  } while (0)

/* Compares two chainvet_result values and prints both on failure. */
#define CHECK_RESULT(got, want)                                                       \
  do {                                                                                \
    chainvet_result got_ = (got);                                                     \
    chainvet_result want_ = (want);                                                   \
    checks_run++;                                                                     \
    if (got_ != want_) {                                                              \
      checks_failed++;                                                                \
      fprintf(stderr, "%s:%d: %s returned %u, expected %u\n", __FILE__, __LINE__,     \
              #got, (unsigned)got_, (unsigned)want_);                                 \
    }                                                                                 \
  } while (0)

#define CHECK_STR_CONTAINS(haystack, needle)                                          \
  do {                                                                                \
    const char *h_ = (haystack);                                                      \
    checks_run++;                                                                     \
    if (h_ == NULL || strstr(h_, (needle)) == NULL) {                                 \
      checks_failed++;                                                                \
      fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__,  \
              h_ ? h_ : "(null)", (needle));                                          \
    }                                                                                 \
  } while (0)

/* Stops the test at once: for failures that make the rest meaningless. */
#define REQUIRE(cond)                                                                 \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #cond);      \
      exit(1);                                                                        \
    }                                                                                 \
  } while (0)

/* The whole of `dir/name`, malloc'd; its length in *len. Exits on failure. */
static unsigned char *read_file(const char *dir, const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  REQUIRE(fseek(f, 0, SEEK_END) == 0);
  long size = ftell(f);
  REQUIRE(size >= 0);
  REQUIRE(fseek(f, 0, SEEK_SET) == 0);
  unsigned char *data = malloc((size_t)size + 1);
  REQUIRE(data != NULL);
  REQUIRE(fread(data, 1, (size_t)size, f) == (size_t)size);
  data[size] = 0;
  fclose(f);
  *len = (size_t)size;
  return data;
}

static int finish(const char *name) {
  printf("%s: %d checks, %d failed\n", name, checks_run, checks_failed);
  return checks_failed == 0 ? 0 : 1;
}

#endif
