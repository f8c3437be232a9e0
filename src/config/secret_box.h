// SecretBox: authenticated encryption of secrets at rest (AES-256-GCM) under the master key.
//
// Sealed format: base64( version u8 = 1 | nonce [12] | ciphertext | tag [16] ). Each value gets a
// fresh random nonce, so sealing the same secret twice gives different text; the optional context
// (GCM associated data) binds a value to where it is stored, so ciphertexts cannot be swapped
// between rows. Open verifies the tag: a wrong master key is reported as such, never as garbage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace streamhook::config {

class SecretBox {
 public:
  static constexpr size_t kKeySize = 32;
  static constexpr size_t kNonceSize = 12;
  static constexpr size_t kTagSize = 16;
  static constexpr uint8_t kFormatVersion = 1;

  // A box for a 32-byte master key; InvalidArgument for any other length.
  static Result<SecretBox> Create(std::string_view master_key);

  SecretBox(const SecretBox&) = default;
  SecretBox& operator=(const SecretBox&) = default;
  SecretBox(SecretBox&&) = default;
  SecretBox& operator=(SecretBox&&) = default;
  ~SecretBox();  // wipes the key material

  // Encrypts `plaintext`; `context` must be given again to Open.
  Result<std::string> Seal(std::string_view plaintext, std::string_view context = {}) const;

  // Decrypts a value from Seal. PermissionDenied (naming the master key) when the tag does not
  // verify: the key differs from the sealing one, or the value or its context was altered.
  // Corruption when the text is not a sealed value at all.
  Result<std::string> Open(std::string_view sealed, std::string_view context = {}) const;

  // A deterministic keyed digest (hex HMAC-SHA256 under a key derived from the master key): lets
  // the store index and de-duplicate secrets (write keys) without keeping them in plaintext.
  std::string Digest(std::string_view value) const;

 private:
  explicit SecretBox(std::string key);

  std::string key_;
  std::string digest_key_;
};

}  // namespace streamhook::config
