// MergeTraits: how identify's traits update a profile's traits.
//
// Top-level merge, as Segment's profiles do: each key of the update replaces the key of the same
// name (a nested object such as `address` is replaced whole, not merged), keys the update does not
// name are kept, and null is stored as a value (identify cannot delete a trait).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace streamhook::profiles {

// The merge of `update` over `base`, both JSON objects, as compact JSON: base's keys in their
// order (with updated values), then update's new keys in theirs. A key repeated within one input
// counts once, with its last value. InvalidArgument when either is not a JSON object.
Result<std::string> MergeTraits(std::string_view base, std::string_view update);

}  // namespace streamhook::profiles
