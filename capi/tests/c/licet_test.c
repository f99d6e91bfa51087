/*
 * The C ABI from C: licenses minted by `licet` (scripts/mint-fixtures.sh)
 * checked through licet.h. Run by capi/tests/c/run.sh.
 *
 *   licet_test FIXTURES_DIR
 */
#include "licet.h"
#include "fixtures.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
static int checks;

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    checks++;                                                                  \
    if (!(cond)) {                                                             \
      failures++;                                                              \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);          \
      fprintf(stderr, __VA_ARGS__);                                            \
      fprintf(stderr, "\n");                                                   \
    }                                                                          \
  } while (0)

#define CHECK_CODE(got, want)                                                  \
  CHECK((got) == (want), "got %d (%s), want %d (%s)", (int)(got),              \
        licet_error_name(got), (int)(want), licet_error_name(want))

static LicetDevice device_at(const char *group, uint64_t now) {
  LicetDevice d = {group, strlen(group), NULL, 0, now};
  return d;
}

static int equals(const char *p, size_t n, const char *s) {
  return p != NULL && n == strlen(s) && memcmp(p, s, n) == 0;
}

#define DAY UINT64_C(86400)

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: licet_test FIXTURES_DIR\n");
    return 2;
  }
  fixtures_t fx;
  read_fixtures(argv[1], &fx);
  const char *group = fx.group;
  uint64_t now = fx.now;
  const uint8_t *root = fx.root;

  static file_t chain3, plus, basic, addon, armored;
  read_file("chain3.lic", &chain3);
  read_file("plus.lic", &plus);
  read_file("basic.lic", &basic);
  read_file("addon.lic", &addon);
  read_file("armored.txt", &armored);
  LicetDevice here = device_at(group, now);
  size_t link = 0;

  /* A valid chain. */
  CHECK_CODE(licet_verify(root, 1, chain3.data, chain3.len, &here, NULL, 0, NULL, &link), LICET_OK);
  CHECK(link == LICET_NO_LINK, "failed_link %zu", link);

  /* Tampered: one bit of the last link's signature. */
  static file_t tampered;
  tampered = chain3;
  tampered.data[tampered.len - 10] ^= 0x01;
  CHECK_CODE(licet_verify(root, 1, tampered.data, tampered.len, &here, NULL, 0, NULL, &link),
             LICET_E_BAD_SIGNATURE);
  CHECK(link == 2, "tampered: failed link %zu, want 2", link);
  /* Tampered in a claim of the first link (its payload sits early in the file). */
  tampered = chain3;
  tampered.data[40] ^= 0x20;
  CHECK(licet_verify(root, 1, tampered.data, tampered.len, &here, NULL, 0, NULL, &link) != LICET_OK,
        "a changed first link was accepted");

  /* Wrong group: a panel in another building cannot use it. */
  LicetDevice elsewhere = device_at("acme/dist-7/dealer-3/complex-12/bldg-9", now);
  CHECK_CODE(licet_verify(root, 1, chain3.data, chain3.len, &elsewhere, NULL, 0, NULL, &link),
             LICET_E_WRONG_GROUP);
  /* Which group the license is for, to show on the panel or quote to support. */
  LicetLicenseInfo info;
  CHECK_CODE(licet_license_info(chain3.data, chain3.len, &info), LICET_OK);
  /* The license is for the building; the panel's group is an apartment in it. */
  CHECK(info.subject_len < strlen(group) && memcmp(info.subject, group, info.subject_len) == 0 &&
            group[info.subject_len] == '/',
        "info subject %.*s is not above %s", (int)info.subject_len, (const char *)info.subject, group);
  CHECK(info.links == 3 && info.serial_len >= 8 && info.serial_len <= LICET_MAX_SERIAL_BYTES,
        "info links %zu serial %zu", info.links, info.serial_len);
  CHECK(info.issuer_len > 0 && info.issuer_len < info.subject_len &&
            memcmp(info.issuer, info.subject, info.issuer_len) == 0,
        "the issuer is the parent group: %.*s", (int)info.issuer_len, (const char *)info.issuer);
  CHECK(info.tier >= 1 && info.tier <= 3 && !info.delegates && !info.addon, "info tier %u", info.tier);
  CHECK(info.not_before <= now && info.not_after > now && info.issued_at <= now, "info validity");
  LicetLicenseInfo addon_info;
  CHECK_CODE(licet_license_info(addon.data, addon.len, &addon_info), LICET_OK);
  CHECK(addon_info.addon, "addon.lic is an add-on");
  CHECK_CODE(licet_license_info(chain3.data, 7, &info), LICET_E_DECODE);
  CHECK(info.subject_len == 0 && info.links == 0, "a failed info is zeroed");
  CHECK_CODE(licet_license_info(chain3.data, chain3.len, NULL), LICET_E_NULL_ARGUMENT);
  CHECK(LICET_MAX_GROUP_BYTES == 128 && LICET_MAX_LINKS == 8 && LICET_MAX_ARMOR_BYTES > LICET_MAX_LICENSE_BYTES,
        "size macros");
  /* Nor a panel of the parent group (licenses narrow downwards only). */
  LicetDevice above = device_at("acme/dist-7/dealer-3", now);
  CHECK_CODE(licet_verify(root, 1, chain3.data, chain3.len, &above, NULL, 0, NULL, &link),
             LICET_E_WRONG_GROUP);

  /* Expired: chain3 ends after 365 days. */
  LicetDevice later = device_at(group, now + 400 * DAY);
  CHECK_CODE(licet_verify(root, 1, chain3.data, chain3.len, &later, NULL, 0, NULL, &link),
             LICET_E_EXPIRED);
  CHECK(link == 2, "expired: failed link %zu, want 2", link);

  /* Wrong trust root. */
  uint8_t other_root[32];
  memcpy(other_root, root, 32);
  other_root[0] ^= 1;
  int rc = licet_verify(other_root, 1, chain3.data, chain3.len, &here, NULL, 0, NULL, &link);
  CHECK(rc == LICET_E_UNKNOWN_ROOT || rc == LICET_E_INVALID_ROOT_KEY, "wrong root: %s", licet_error_name(rc));

  /* Verify once: the second check hits the cache and changes nothing; a
     tampered chain is still rejected with a warm cache. */
  uint8_t cache[16 * LICET_CACHE_ENTRY_BYTES];
  memset(cache, 0, sizeof cache);
  bool modified = false;
  CHECK_CODE(licet_verify(root, 1, chain3.data, chain3.len, &here, cache, 16, &modified, &link), LICET_OK);
  CHECK(modified, "first cached check must fill the cache");
  CHECK_CODE(licet_verify(root, 1, chain3.data, chain3.len, &here, cache, 16, &modified, &link), LICET_OK);
  CHECK(!modified, "second cached check must not change the cache");
  tampered = chain3;
  tampered.data[tampered.len - 10] ^= 0x01;
  CHECK_CODE(licet_verify(root, 1, tampered.data, tampered.len, &here, cache, 16, &modified, &link),
             LICET_E_BAD_SIGNATURE);
  CHECK_CODE(licet_verify(root, 1, chain3.data, chain3.len, &later, cache, 16, &modified, &link),
             LICET_E_EXPIRED);

  /* Basic fallback: Plus (20 days left) + Basic + an add-on. */
  LicetInput set[3] = {{plus.data, plus.len}, {basic.data, basic.len}, {addon.data, addon.len}};
  LicetEvaluation ev;
  uint64_t value = 0, at = 0;
  CHECK_CODE(licet_evaluate(root, 1, set, 3, &here, 0, NULL, NULL, 0, NULL, &ev), LICET_OK);
  CHECK(licet_evaluation_count(&ev) == 3, "count");
  CHECK(licet_evaluation_base(&ev) == 0, "base %d, want Plus (0)", licet_evaluation_base(&ev));
  CHECK(licet_evaluation_tier(&ev) == 3, "tier %u, want plus", licet_evaluation_tier(&ev));
  CHECK_CODE(licet_evaluation_quota(&ev, "sip_numbers", 11, &value), LICET_OK);
  CHECK(value == 10, "sip_numbers %" PRIu64 ", want 10", value);
  CHECK_CODE(licet_evaluation_quota(&ev, "app_installs", 12, &value), LICET_OK);
  CHECK(value == 14, "app_installs %" PRIu64 ", want 10 + 4 from the add-on", value);
  CHECK(licet_evaluation_has_feature(&ev, "remote_open", 11), "Plus grants remote_open");
  CHECK(licet_evaluation_has_feature(&ev, "intercom_api", 12), "the add-on grants intercom_api");
  CHECK(licet_evaluation_role_has_feature(&ev, "concierge", 9, "door_log", 8), "concierge door_log");
  CHECK(!licet_evaluation_role_has_feature(&ev, "concierge", 9, "guest_passes", 12), "not granted here");
  CHECK(licet_evaluation_next_change(&ev, &at), "Plus ends");
  CHECK(at > now + 19 * DAY && at <= now + 20 * DAY + 60, "next change %" PRIu64, at);
  CHECK(licet_evaluation_warning(&ev), "20 days left is inside the 30-day reminder");
  CHECK(licet_evaluation_floor(&ev) >= now, "the floor covers the time the device has seen");
  /* Enumerations: each quota and feature once. */
  const char *name = NULL;
  size_t name_len = 0;
  int quotas = 0, features = 0, saw_sip = 0;
  while (licet_evaluation_quota_at(&ev, (size_t)quotas, &name, &name_len, &value) == LICET_OK) {
    if (equals(name, name_len, "sip_numbers")) saw_sip = (value == 10);
    quotas++;
  }
  CHECK(quotas == 3 && saw_sip, "%d quotas", quotas);
  while (licet_evaluation_feature_at(&ev, (size_t)features, &name, &name_len) == LICET_OK) features++;
  CHECK(features == 4, "%d features, want video door_api remote_open intercom_api", features);
  CHECK_CODE(licet_evaluation_role_grant_at(&ev, "concierge", 9, 0, &name, &name_len), LICET_OK);
  CHECK(equals(name, name_len, "door_log"), "concierge grant");
  CHECK_CODE(licet_evaluation_role_grant_at(&ev, "concierge", 9, 1, &name, &name_len), LICET_E_NOT_GRANTED);
  CHECK_CODE(licet_evaluation_role_grant_at(&ev, "janitor", 7, 0, &name, &name_len), LICET_E_NOT_GRANTED);
  /* A role's grants in one call; too small a buffer says how many. */
  LicetName grants[4];
  size_t grant_count = 99;
  CHECK_CODE(licet_evaluation_role_grants(&ev, "concierge", 9, grants, 4, &grant_count), LICET_OK);
  CHECK(grant_count == 1 && equals(grants[0].name, grants[0].len, "door_log"), "%zu grants", grant_count);
  CHECK_CODE(licet_evaluation_role_grants(&ev, "concierge", 9, NULL, 0, &grant_count), LICET_E_BUFFER_TOO_SMALL);
  CHECK(grant_count == 1, "the count without a buffer: %zu", grant_count);
  CHECK_CODE(licet_evaluation_role_grants(&ev, "janitor", 7, grants, 4, &grant_count), LICET_OK);
  CHECK(grant_count == 0, "no grants for a role nobody granted");
  CHECK_CODE(licet_evaluation_role_grants(&ev, "concierge", 9, NULL, 4, &grant_count), LICET_E_NULL_ARGUMENT);
  CHECK_CODE(licet_evaluation_role_grants(NULL, "concierge", 9, grants, 4, &grant_count), LICET_E_NULL_ARGUMENT);

  /* 21 days later Plus has expired: Basic takes over, the add-on still adds. */
  LicetDevice three_weeks = device_at(group, now + 21 * DAY);
  CHECK_CODE(licet_evaluate(root, 1, set, 3, &three_weeks, licet_evaluation_floor(&ev), NULL, NULL, 0, NULL, &ev),
             LICET_OK);
  CHECK_CODE(licet_evaluation_status(&ev, 0, &link), LICET_E_EXPIRED);
  CHECK_CODE(licet_evaluation_status(&ev, 1, &link), LICET_OK);
  CHECK(licet_evaluation_base(&ev) == 1, "base %d, want Basic (1)", licet_evaluation_base(&ev));
  CHECK(licet_evaluation_tier(&ev) == 1, "tier %u, want basic", licet_evaluation_tier(&ev));
  CHECK_CODE(licet_evaluation_quota(&ev, "sip_numbers", 11, &value), LICET_OK);
  CHECK(value == 2, "sip_numbers %" PRIu64 ", want Basic's 2", value);
  CHECK_CODE(licet_evaluation_quota(&ev, "app_installs", 12, &value), LICET_OK);
  CHECK(value == 6, "app_installs %" PRIu64 ", want 2 + 4", value);
  CHECK_CODE(licet_evaluation_quota(&ev, "integrations", 12, &value), LICET_OK);
  CHECK(value == 0, "integrations %" PRIu64, value);
  CHECK_CODE(licet_evaluation_quota(&ev, "door_codes", 10, &value), LICET_E_NOT_GRANTED);
  CHECK(!licet_evaluation_has_feature(&ev, "remote_open", 11), "Basic has no remote_open");
  CHECK(licet_evaluation_has_feature(&ev, "video", 5), "Basic has video");
  CHECK(!licet_evaluation_next_change(&ev, &at), "nothing in use ends");
  CHECK(!licet_evaluation_warning(&ev), "no warning");

  /* The same evaluation through a verify-once cache. */
  memset(cache, 0, sizeof cache);
  CHECK_CODE(licet_evaluate(root, 1, set, 3, &here, 0, NULL, cache, 16, &modified, &ev), LICET_OK);
  CHECK(modified && licet_evaluation_base(&ev) == 0, "cached evaluation");
  CHECK_CODE(licet_evaluate(root, 1, set, 3, &here, 0, NULL, cache, 16, &modified, &ev), LICET_OK);
  CHECK(!modified && licet_evaluation_tier(&ev) == 3, "warm cached evaluation");

  /* Clock rollback: far behind the floor. The evaluation is made at the
     floor and says so; Plus (20 days) still runs there, Basic would too. */
  CHECK_CODE(licet_evaluate(root, 1, set, 3, &here, now + 10 * DAY, NULL, NULL, 0, NULL, &ev), LICET_OK);
  CHECK(licet_evaluation_clock_rollback(&ev), "rollback reported");
  CHECK(licet_evaluation_now(&ev) == now + 10 * DAY, "evaluated at the floor");
  CHECK(licet_evaluation_base(&ev) == 0, "Plus still in effect at the floor");
  CHECK_CODE(licet_evaluate(root, 1, set, 3, &here, now + 30 * DAY, NULL, NULL, 0, NULL, &ev), LICET_OK);
  CHECK(licet_evaluation_clock_rollback(&ev) && licet_evaluation_base(&ev) == 1,
        "at a floor past Plus's end, Basic keeps working (base %d)", licet_evaluation_base(&ev));

  /* Regression, cut-down file: every prefix of a license chain is a
     delegation license (dist, dealer, complex, building are the first 1-4
     links of chain5), refused for every group under it. */
  static file_t chain5, prefixes[4], poison;
  read_file("chain5.lic", &chain5);
  read_file("poison.lic", &poison);
  const char *prefix_names[4] = {"dist.lic", "dealer.lic", "complex.lic", "building.lic"};
  const char *groups_below[3] = {"acme/dist-7/dealer-3/complex-12", "acme/dist-7/dealer-3/complex-12/bldg-2", NULL};
  groups_below[2] = group;
  for (int i = 0; i < 4; i++) {
    read_file(prefix_names[i], &prefixes[i]);
    /* The same links as the start of chain5 (after the 3-byte container head). */
    CHECK(prefixes[i].len < chain5.len && memcmp(prefixes[i].data + 3, chain5.data + 3, prefixes[i].len - 3) == 0,
          "%s is a prefix of chain5", prefix_names[i]);
    for (int g = 0; g < 3; g++) {
      LicetDevice d = device_at(groups_below[g], now);
      rc = licet_verify(root, 1, prefixes[i].data, prefixes[i].len, &d, NULL, 0, NULL, &link);
      if (i < 3 || g > 0) /* the complex prefix is above the complex's own panels' group only for i < 3 */
        CHECK(rc == LICET_E_DELEGATION_LICENSE || rc == LICET_E_WRONG_GROUP, "%s for %s: %s", prefix_names[i],
              groups_below[g], licet_error_name(rc));
      CHECK(rc != LICET_OK, "%s accepted for %s", prefix_names[i], groups_below[g]);
    }
  }
  LicetDevice apt = device_at(group, now);
  CHECK_CODE(licet_verify(root, 1, prefixes[3].data, prefixes[3].len, &apt, NULL, 0, NULL, &link),
             LICET_E_DELEGATION_LICENSE);
  CHECK(link == 3, "the leaf of the cut-down file, got %zu", link);
  CHECK(strcmp(licet_error_name(LICET_E_DELEGATION_LICENSE), "delegation_license") == 0, "name");

  /* Regression, far-future iat: refused, and the floor stays at the true time. */
  LicetInput poisoned[2] = {{basic.data, basic.len}, {poison.data, poison.len}};
  CHECK_CODE(licet_evaluate(root, 1, poisoned, 2, &here, 0, NULL, NULL, 0, NULL, &ev), LICET_OK);
  CHECK_CODE(licet_evaluation_status(&ev, 1, &link), LICET_E_ISSUED_IN_FUTURE);
  CHECK(licet_evaluation_floor(&ev) <= now + DAY, "floor %" PRIu64 " poisoned", licet_evaluation_floor(&ev));
  CHECK(licet_evaluation_base(&ev) == 0, "Basic in effect");

  /* Regression, the same add-on seven times counts once. */
  LicetInput copies[8] = {{basic.data, basic.len}};
  for (int i = 1; i < 8; i++) copies[i] = (LicetInput){addon.data, addon.len};
  CHECK_CODE(licet_evaluate(root, 1, copies, 8, &here, 0, NULL, NULL, 0, NULL, &ev), LICET_OK);
  CHECK_CODE(licet_evaluation_quota(&ev, "app_installs", 12, &value), LICET_OK);
  CHECK(value == 6, "app_installs %" PRIu64 ", want 2 + 4 once", value);
  CHECK_CODE(licet_evaluation_status(&ev, 2, &link), LICET_E_DUPLICATE_LICENSE);

  /* Regression, buffers reused after licet_evaluate: the answers are the
     evaluation's own. */
  static file_t scratch[3];
  scratch[0] = plus;
  scratch[1] = basic;
  scratch[2] = addon;
  LicetInput reused[3] = {{scratch[0].data, scratch[0].len}, {scratch[1].data, scratch[1].len},
                          {scratch[2].data, scratch[2].len}};
  CHECK_CODE(licet_evaluate(root, 1, reused, 3, &here, 0, NULL, NULL, 0, NULL, &ev), LICET_OK);
  uint64_t before_sip = 0, before_apps = 0;
  licet_evaluation_quota(&ev, "sip_numbers", 11, &before_sip);
  licet_evaluation_quota(&ev, "app_installs", 12, &before_apps);
  for (int i = 0; i < 3; i++) {
    scratch[i] = chain5; /* another license in the same buffer */
    memset(scratch[i].data + 40, 'x', 300);
  }
  CHECK_CODE(licet_evaluation_quota(&ev, "sip_numbers", 11, &value), LICET_OK);
  CHECK(value == before_sip && value == 10, "sip_numbers changed to %" PRIu64, value);
  CHECK_CODE(licet_evaluation_quota(&ev, "app_installs", 12, &value), LICET_OK);
  CHECK(value == before_apps && value == 14, "app_installs changed to %" PRIu64, value);
  CHECK(licet_evaluation_has_feature(&ev, "intercom_api", 12), "feature lost with the buffer");
  CHECK(licet_evaluation_role_has_feature(&ev, "concierge", 9, "door_log", 8), "role grant lost");
  features = 0;
  while (licet_evaluation_feature_at(&ev, (size_t)features, &name, &name_len) == LICET_OK) {
    CHECK(name_len > 0 && name[0] >= 'a' && name[0] <= 'z', "feature name read from the old buffer");
    features++;
  }
  CHECK(features == 4, "%d features after the buffers changed", features);

  /* Built-in Basic: no license file, or only expired ones, still runs Basic. */
  LicetName video = {"video", 5};
  LicetName guest = {"guest_passes", 12};
  LicetBuiltinQuota bq[2] = {{{"sip_numbers", 11}, 1}, {{"app_installs", 12}, 2}};
  LicetBuiltinRole br[1] = {{{"concierge", 9}, &guest, 1}};
  LicetBuiltin builtin = {bq, 2, &video, 1, br, 1};
  CHECK_CODE(licet_evaluate(root, 1, NULL, 0, &here, 0, &builtin, NULL, 0, NULL, &ev), LICET_OK);
  CHECK(licet_evaluation_base(&ev) == -2 && licet_evaluation_tier(&ev) == 1, "built-in Basic with no file");
  CHECK_CODE(licet_evaluation_quota(&ev, "app_installs", 12, &value), LICET_OK);
  CHECK(value == 2, "built-in app_installs %" PRIu64, value);
  CHECK(licet_evaluation_has_feature(&ev, "video", 5), "built-in video");
  CHECK(licet_evaluation_role_has_feature(&ev, "concierge", 9, "guest_passes", 12), "built-in role grant");
  LicetInput expired_only[1] = {{plus.data, plus.len}};
  LicetDevice much_later = device_at(group, now + 40 * DAY);
  CHECK_CODE(licet_evaluate(root, 1, expired_only, 1, &much_later, 0, &builtin, NULL, 0, NULL, &ev), LICET_OK);
  CHECK(licet_evaluation_base(&ev) == -2, "expired Plus: built-in Basic (%d)", licet_evaluation_base(&ev));
  CHECK_CODE(licet_evaluation_status(&ev, 0, &link), LICET_E_EXPIRED);

  /* Arguments. */
  CHECK_CODE(licet_verify(root, 1, NULL, 10, &here, NULL, 0, NULL, NULL), LICET_E_NULL_ARGUMENT);
  CHECK_CODE(licet_verify(NULL, 1, chain3.data, chain3.len, &here, NULL, 0, NULL, NULL), LICET_E_NULL_ARGUMENT);
  CHECK_CODE(licet_verify(root, 0, chain3.data, chain3.len, &here, NULL, 0, NULL, NULL), LICET_E_NO_TRUSTED_ROOTS);
  CHECK_CODE(licet_verify(root, 5, chain3.data, chain3.len, &here, NULL, 0, NULL, NULL), LICET_E_INVALID_ARGUMENT);
  CHECK_CODE(licet_verify(root, 1, chain3.data, chain3.len, NULL, NULL, 0, NULL, NULL), LICET_E_NULL_ARGUMENT);
  LicetDevice bad_group = device_at("Not A Group//", now);
  CHECK_CODE(licet_verify(root, 1, chain3.data, chain3.len, &bad_group, NULL, 0, NULL, NULL),
             LICET_E_INVALID_ARGUMENT);
  LicetDevice not_utf8 = device_at("acme/\xff", now);
  CHECK_CODE(licet_verify(root, 1, chain3.data, chain3.len, &not_utf8, NULL, 0, NULL, NULL),
             LICET_E_INVALID_ARGUMENT);
  CHECK_CODE(licet_verify(root, 1, chain3.data, 7, &here, NULL, 0, NULL, NULL), LICET_E_DECODE);
  LicetInput nine[9];
  for (int i = 0; i < 9; i++) nine[i] = set[0];
  CHECK_CODE(licet_evaluate(root, 1, nine, 9, &here, 0, NULL, NULL, 0, NULL, &ev), LICET_E_TOO_MANY_LICENSES);
  CHECK_CODE(licet_evaluate(root, 1, set, 3, &here, 0, NULL, NULL, 0, NULL, NULL), LICET_E_NULL_ARGUMENT);
  LicetEvaluation blank;
  memset(&blank, 0, sizeof blank);
  CHECK_CODE(licet_evaluation_quota(&blank, "sip_numbers", 11, &value), LICET_E_NOT_EVALUATED);
  CHECK_CODE(licet_evaluation_quota(NULL, "sip_numbers", 11, &value), LICET_E_NULL_ARGUMENT);
  CHECK(licet_evaluation_count(&blank) == 0 && !licet_evaluation_warning(NULL), "blank evaluation");
  CHECK_CODE(licet_evaluation_status(&ev, 0, NULL), LICET_E_NOT_EVALUATED);

  /* The text armor. */
  static uint8_t decoded[LICET_MAX_LICENSE_BYTES];
  size_t decoded_len = 0;
  CHECK_CODE(licet_dearmor(armored.data, armored.len, decoded, sizeof decoded, &decoded_len), LICET_OK);
  CHECK(decoded_len > 0 && decoded_len < armored.len, "dearmored %zu bytes", decoded_len);
  CHECK_CODE(licet_verify(root, 1, decoded, decoded_len, &here, NULL, 0, NULL, &link), LICET_OK);
  CHECK_CODE(licet_dearmor(armored.data, armored.len, decoded, 10, &decoded_len), LICET_E_BUFFER_TOO_SMALL);
  CHECK_CODE(licet_dearmor(chain3.data, chain3.len, decoded, sizeof decoded, &decoded_len), LICET_OK);
  CHECK(decoded_len == chain3.len && memcmp(decoded, chain3.data, chain3.len) == 0, "binary passes through");
  /* As pasted from an email: a byte order mark, CRLF, "> " quoting, text around it. */
  static uint8_t pasted[LICET_MAX_ARMOR_BYTES];
  static uint8_t from_paste[LICET_MAX_LICENSE_BYTES];
  size_t pasted_len = 0, from_paste_len = 0;
  const char *intro = "\xEF\xBB\xBFHello,\r\nhere is the license:\r\n";
  memcpy(pasted, intro, strlen(intro));
  pasted_len = strlen(intro);
  for (size_t i = 0; i < armored.len; i++) {
    if (i == 0 || armored.data[i - 1] == '\n') {
      memcpy(pasted + pasted_len, "> ", 2);
      pasted_len += 2;
    }
    if (armored.data[i] == '\n') pasted[pasted_len++] = '\r';
    pasted[pasted_len++] = armored.data[i];
  }
  memcpy(pasted + pasted_len, "Regards\r\n", 9);
  pasted_len += 9;
  CHECK_CODE(licet_dearmor(armored.data, armored.len, decoded, sizeof decoded, &decoded_len), LICET_OK);
  CHECK_CODE(licet_dearmor(pasted, pasted_len, from_paste, sizeof from_paste, &from_paste_len), LICET_OK);
  CHECK(from_paste_len == decoded_len && memcmp(from_paste, decoded, decoded_len) == 0,
        "a pasted license decodes to the same bytes");
  /* The first half of the armor: its END line is missing. */
  CHECK_CODE(licet_dearmor(armored.data, armored.len / 2, decoded, sizeof decoded, &decoded_len), LICET_E_DECODE);
  armored.data[armored.len / 2] = '!';
  CHECK_CODE(licet_dearmor(armored.data, armored.len, decoded, sizeof decoded, &decoded_len), LICET_E_DECODE);

  /* Names and messages: static, distinct, defined for every code. */
  CHECK(strcmp(licet_error_name(LICET_E_BAD_SIGNATURE), "bad_signature") == 0, "name");
  CHECK(strcmp(licet_error_name(LICET_E_NOT_GRANTED), "not_granted") == 0, "name");
  CHECK(strcmp(licet_error_name(-5), "unknown") == 0 && strcmp(licet_error_name(99), "unknown") == 0, "unknown");
  for (int c = 0; c <= LICET_E_EVALUATION_FULL; c++)
    for (int d = c + 1; d <= LICET_E_EVALUATION_FULL; d++)
      CHECK(strcmp(licet_error_name(c), licet_error_name(d)) != 0, "codes %d and %d share a name", c, d);
  CHECK(strlen(licet_error_message(LICET_E_WRONG_GROUP)) > 10, "message");

  printf("licet C ABI: %d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
