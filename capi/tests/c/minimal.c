/* The smallest useful panel program: verify one license file for the
 * panel's group, now, and print the answer. Its stripped size is the
 * footprint docs/FOOTPRINT.md reports for Linux panels.
 *
 *   minimal ROOT_HEX GROUP LICENSE.lic   (text or binary)
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "licet.h"

int main(int argc, char **argv) {
  if (argc != 4 || strlen(argv[1]) != 64) {
    fprintf(stderr, "usage: minimal ROOT_HEX GROUP LICENSE.lic\n");
    return 2;
  }
  uint8_t root[32];
  for (int i = 0; i < 32; i++) {
    unsigned b;
    if (sscanf(argv[1] + 2 * i, "%2x", &b) != 1) return 2;
    root[i] = (uint8_t)b;
  }
  static uint8_t text[LICET_MAX_ARMOR_BYTES], license[LICET_MAX_LICENSE_BYTES];
  FILE *f = fopen(argv[3], "rb");
  if (!f) {
    perror(argv[3]);
    return 2;
  }
  size_t text_len = fread(text, 1, sizeof text, f);
  fclose(f);
  size_t len = 0;
  int rc = licet_dearmor(text, text_len, license, sizeof license, &len);
  LicetDevice device = {argv[2], strlen(argv[2]), NULL, 0, (uint64_t)time(NULL)};
  if (rc == LICET_OK) rc = licet_verify(root, 1, license, len, &device, NULL, 0, NULL, NULL);
  printf("%s: %s\n", licet_error_name(rc), licet_error_message(rc));
  return rc == LICET_OK ? 0 : 1;
}
