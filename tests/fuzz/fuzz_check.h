// FUZZ_CHECK: a property every fuzz input must keep. A failure prints the property and aborts, which
// libFuzzer reports as a crash and saves the input (crash-<sha1>) for reproduction.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                 \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)
