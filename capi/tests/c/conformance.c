/* The conformance table (tests/conformance/cases.tsv) through the C ABI:
 * the same cases the Rust, Java and Python tests check, on licenses licet
 * mints.
 *
 *   conformance CASES.tsv FIXTURES_DIR
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "licet.h"
#include "fixtures.h"

#define DAY INT64_C(86400)

static int failures;

/* Splits `s` at `sep` into at most `max` fields; returns how many. */
static int split(char *s, char sep, char **fields, int max) {
  int n = 0;
  while (n < max) {
    fields[n++] = s;
    char *p = strchr(s, sep);
    if (!p) break;
    *p = 0;
    s = p + 1;
  }
  return n;
}

static const char *tier_name(uint8_t t) {
  switch (t) {
    case 1: return "basic";
    case 2: return "trial";
    case 3: return "plus";
    default: return "none";
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: conformance CASES.tsv FIXTURES_DIR\n");
    return 2;
  }
  fixtures_t fx;
  read_fixtures(argv[2], &fx);
  const char *own_group = fx.group;
  int64_t now = (int64_t)fx.now;
  const uint8_t *root = fx.root;
  FILE *cases = fopen(argv[1], "r");
  if (!cases) {
    perror(argv[1]);
    return 2;
  }
  static file_t files[LICET_MAX_LICENSES];
  char line[2048];
  int count = 0;
  while (fgets(line, sizeof line, cases)) {
    line[strcspn(line, "\r\n")] = 0;
    if (line[0] == '#' || line[0] == 0) continue;
    char *col[9];
    if (split(line, '\t', col, 9) != 9) {
      fprintf(stderr, "error: a row of %s does not have 9 columns\n", argv[1]);
      return 2;
    }
    const char *name = col[0];
    char *names[LICET_MAX_LICENSES], *want_status[LICET_MAX_LICENSES];
    int n = split(col[1], ',', names, LICET_MAX_LICENSES);
    int ns = split(col[7], ',', want_status, LICET_MAX_LICENSES);
    LicetInput inputs[LICET_MAX_LICENSES];
    for (int i = 0; i < n; i++) {
      read_file(names[i], &files[i]);
      inputs[i].data = files[i].data;
      inputs[i].len = files[i].len;
    }
    const char *group = strcmp(col[2], "-") == 0 ? own_group : col[2];
    uint64_t at = (uint64_t)(now + strtoll(col[3], NULL, 10) * DAY);
    uint64_t floor = strcmp(col[4], "-") == 0 ? 0 : (uint64_t)(now + strtoll(col[4], NULL, 10) * DAY);
    LicetDevice device = {group, strlen(group), NULL, 0, at};
    LicetEvaluation ev;
    int rc = licet_evaluate(root, 1, inputs, (size_t)n, &device, floor, NULL, NULL, 0, NULL, &ev);
    if (rc != LICET_OK) {
      printf("FAIL %s: licet_evaluate returned %s\n", name, licet_error_name(rc));
      failures++;
      continue;
    }
    char base[16];
    int b = licet_evaluation_base(&ev);
    if (b == -1) snprintf(base, sizeof base, "none");
    else if (b == -2) snprintf(base, sizeof base, "builtin");
    else snprintf(base, sizeof base, "%d", b);
    const char *tier = tier_name(licet_evaluation_tier(&ev));
    int ok = strcmp(base, col[5]) == 0 && strcmp(tier, col[6]) == 0 && ns == n &&
             licet_evaluation_clock_rollback(&ev) == (strcmp(col[8], "yes") == 0);
    for (int i = 0; ok && i < n; i++) {
      int s = licet_evaluation_status(&ev, (size_t)i, NULL);
      const char *got = s == LICET_OK ? "ok" : licet_error_name(s);
      ok = strcmp(got, want_status[i]) == 0;
    }
    if (!ok) {
      printf("FAIL %s: base %s tier %s rollback %d; wanted base %s tier %s rollback %s\n", name, base, tier,
             licet_evaluation_clock_rollback(&ev), col[5], col[6], col[8]);
      for (int i = 0; i < n; i++) {
        int s = licet_evaluation_status(&ev, (size_t)i, NULL);
        printf("  file %d: %s (wanted %s)\n", i, s == LICET_OK ? "ok" : licet_error_name(s),
               i < ns ? want_status[i] : "?");
      }
      failures++;
    }
    count++;
  }
  fclose(cases);
  printf("licet conformance (C): %d cases, %d failed\n", count, failures);
  return failures == 0 && count > 0 ? 0 : 1;
}
