// The size limits of the tracking API. Defaults match Segment's so its client libraries, which
// split batches by the same numbers, never hit them.
#pragma once

#include <cstddef>

namespace streamhook::ingest {

struct IngestLimits {
  size_t max_event_bytes = 32 * 1024;   // one message's JSON; also a single call's whole body
  size_t max_batch_bytes = 500 * 1024;  // a batch / event list / log list body
  size_t max_batch_events = 2500;       // items in one batch / list
  size_t max_message_id_length = 100;   // characters of a client's messageId (or a log's id)
};

}  // namespace streamhook::ingest
