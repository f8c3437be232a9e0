#include "config/secret_box.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <utility>

#include "common/encoding.h"
#include "config/random_tokens.h"

namespace streamhook::config {
namespace {

constexpr size_t kHeaderSize = 1 + SecretBox::kNonceSize;

// Domain separation: the digest key must never equal the encryption key.
constexpr std::string_view kDigestKeyLabel = "streamhook secret digest v1";

constexpr std::string_view kWrongKeyMessage =
    "cannot decrypt a stored secret: the master key (STREAMHOOK_MASTER_KEY or master.key in the data "
    "directory) is not the one it was encrypted with, or the stored value was altered";

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

}  // namespace

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  digest_key_ = std::string(AsBytes(HmacSha256(key_, kDigestKeyLabel)));
}

SecretBox::~SecretBox() {
  OPENSSL_cleanse(key_.data(), key_.size());
  OPENSSL_cleanse(digest_key_.data(), digest_key_.size());
}

Result<SecretBox> SecretBox::Create(std::string_view master_key) {
  if (master_key.size() != kKeySize) {
    return Status::InvalidArgument("the master key must be exactly 32 bytes, got " +
                                   std::to_string(master_key.size()));
  }
  return SecretBox(std::string(master_key));
}

Result<std::string> SecretBox::Seal(std::string_view plaintext, std::string_view context) const {
  std::string out;
  out.reserve(kHeaderSize + plaintext.size() + kTagSize);
  out.push_back(static_cast<char>(kFormatVersion));
  const std::string nonce = RandomBytes(kNonceSize);
  out += nonce;
  const size_t ciphertext_at = out.size();
  out.resize(ciphertext_at + plaintext.size() + kTagSize);

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  const bool ok =
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key_), Bytes(nonce)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(context), static_cast<int>(context.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), Bytes(out) + ciphertext_at, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), Bytes(out) + ciphertext_at + len, &final_len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                          Bytes(out) + ciphertext_at + plaintext.size()) == 1;
  if (!ok) return Status::Internal("AES-256-GCM encryption failed in OpenSSL");
  return Base64Encode(out);
}

Result<std::string> SecretBox::Open(std::string_view sealed, std::string_view context) const {
  const std::optional<std::string> raw = Base64Decode(sealed);
  if (!raw) return Status::Corruption("a stored secret is not valid base64; config.db may be damaged");
  if (raw->size() < kHeaderSize + kTagSize) {
    return Status::Corruption("a stored secret is too short to be sealed; config.db may be damaged");
  }
  const auto version = static_cast<uint8_t>((*raw)[0]);
  if (version != kFormatVersion) {
    return Status::Corruption("a stored secret has format version " + std::to_string(version) +
                              ", but this streamhook reads version 1; upgrade streamhook");
  }
  const std::string_view view(*raw);
  const std::string_view nonce = view.substr(1, kNonceSize);
  const std::string_view ciphertext = view.substr(kHeaderSize, view.size() - kHeaderSize - kTagSize);
  std::string tag(view.substr(view.size() - kTagSize));

  std::string plaintext(ciphertext.size(), '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool setup_ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceSize, nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, Bytes(key_), Bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(context), static_cast<int>(context.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), Bytes(plaintext), &len, Bytes(ciphertext),
                        static_cast<int>(ciphertext.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, Bytes(tag)) == 1;
  if (!setup_ok) return Status::Internal("AES-256-GCM decryption failed in OpenSSL");
  int final_len = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), Bytes(plaintext) + len, &final_len) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return Status::PermissionDenied(std::string(kWrongKeyMessage));
  }
  return plaintext;
}

std::string SecretBox::Digest(std::string_view value) const {
  return HexEncode(AsBytes(HmacSha256(digest_key_, value)));
}

}  // namespace streamhook::config
