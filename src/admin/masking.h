// How secrets are shown once stored: enough to recognize one, never enough to use it. Short
// secrets are masked completely, since four characters of eight would give half of it away.
#pragma once

#include <string>
#include <string_view>

namespace streamhook::admin {

// "****" + the last 4 characters ("****WXYZ"); just "****" when shorter than 12 characters.
std::string MaskSecretTail(std::string_view secret);

// The first 4 characters + "****" ("abcd****"); just "****" when shorter than 12 characters.
std::string MaskWriteKey(std::string_view write_key);

}  // namespace streamhook::admin
