// IdGenerator: where generated message ids come from. Parsing takes one by reference so tests can
// use a predictable sequence while the server uses random UUIDs.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace streamhook::ingest {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // A new id, distinct from every other id this or any other generator returns (with overwhelming
  // probability), at most 100 characters.
  virtual std::string NewId() = 0;
};

// Random UUID v4 ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower case) from OpenSSL's CSPRNG.
// Random bytes are fetched in blocks so a 2,500-event batch costs a few RAND_bytes calls.
// Not thread-safe: use one per thread.
class RandomUuidGenerator final : public IdGenerator {
 public:
  std::string NewId() override;

 private:
  void Refill();

  static constexpr size_t kIdsPerRefill = 64;
  std::array<uint8_t, 16 * kIdsPerRefill> pool_{};
  size_t used_ = sizeof(pool_);  // empty until the first call
};

}  // namespace streamhook::ingest
