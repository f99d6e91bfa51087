/*
 * What the C tests read from a folder scripts/mint-fixtures.sh filled:
 * license files, and the vendor's root key, the panel's group and the
 * minting time. Shared by licet_test.c and conformance.c.
 */
#ifndef LICET_TEST_FIXTURES_H
#define LICET_TEST_FIXTURES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "licet.h"

typedef struct {
  uint8_t data[LICET_MAX_LICENSE_BYTES * 2];
  size_t len;
} file_t;

/* The folder; set before reading. */
static const char *fixtures_dir;

/* Reads fixture NAME into F; a missing fixture ends the test (exit 2). */
static void read_file(const char *name, file_t *f) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", fixtures_dir, name);
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    fprintf(stderr, "error: cannot open %s\nhint: run scripts/mint-fixtures.sh first\n", path);
    exit(2);
  }
  f->len = fread(f->data, 1, sizeof f->data, fp);
  fclose(fp);
}

/* The first line of fixture NAME, without its line end. */
static void read_line(const char *name, char *buf, size_t cap) {
  static file_t f;
  read_file(name, &f);
  size_t n = f.len < cap - 1 ? f.len : cap - 1;
  memcpy(buf, f.data, n);
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
  buf[n] = 0;
}

typedef struct {
  uint8_t root[32];
  char group[256];
  uint64_t now;
} fixtures_t;

/* root.hex, group and now of the folder DIR (which becomes fixtures_dir). */
static void read_fixtures(const char *dir, fixtures_t *fx) {
  fixtures_dir = dir;
  char hex[80], now_text[32];
  read_line("root.hex", hex, sizeof hex);
  read_line("group", fx->group, sizeof fx->group);
  read_line("now", now_text, sizeof now_text);
  fx->now = strtoull(now_text, NULL, 10);
  for (int i = 0; i < 32; i++) {
    unsigned b;
    if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
      fprintf(stderr, "error: %s/root.hex is not 64 hex digits\nhint: run scripts/mint-fixtures.sh again\n", dir);
      exit(2);
    }
    fx->root[i] = (uint8_t)b;
  }
}

#endif
