#include "ingest/id_generator.h"

#include <openssl/rand.h>

#include <chrono>
#include <random>

namespace streamhook::ingest {

void RandomUuidGenerator::Refill() {
  if (RAND_bytes(pool_.data(), static_cast<int>(pool_.size())) != 1) {
    // OpenSSL's DRBG does not fail once seeded; should it, ids must stay unique rather than
    // stop ingest, so fall back to the OS entropy source mixed with the clock.
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(),
                       static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count())};
    std::mt19937_64 engine(seed);
    for (auto& byte : pool_) byte = static_cast<uint8_t>(engine());
  }
  used_ = 0;
}

std::string RandomUuidGenerator::NewId() {
  if (used_ + 16 > pool_.size()) Refill();
  uint8_t bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = pool_[used_ + i];
  used_ += 16;
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(36, '-');
  size_t pos = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++pos;  // skip the dash
    id[pos++] = kHex[bytes[i] >> 4];
    id[pos++] = kHex[bytes[i] & 15];
  }
  return id;
}

}  // namespace streamhook::ingest
