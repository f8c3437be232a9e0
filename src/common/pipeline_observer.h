// PipelineObserver: what happens to each event on its way through streamhook, for the control
// panel's live view (the latest events per source and per hook, with their outcome).
//
// The stages call it at the points below; an implementation keeps a bounded window in memory.
// It must cost nothing measurable when nobody watches: callers check watching() (one relaxed
// atomic load in the implementation) before building any argument, and the implementation answers
// false while no browser has asked for the live view recently.
//
// Threads: called from ingest's I/O threads and from the delivery threads, concurrently. Every
// method must be thread-safe, must not block (no I/O, no waiting; a short mutex for a ring buffer
// is fine) and must not call back into the pipeline.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/event.h"

namespace streamhook {

// Why a hook did not take an event it saw.
enum class NotRoutedReason : uint8_t {
  kConnectorInactive = 1,  // the Kinesis connector's active flag is off
  kHookDisabled = 2,       // the hook is disabled
  kNoMatch = 3,            // not the hook's trigger type or event code
};

class PipelineObserver {
 public:
  virtual ~PipelineObserver() = default;

  // False while nobody looks at the live view: callers skip the calls below.
  virtual bool watching() const = 0;

  // Ingest made `event` durable (the client got its 200), accepted with `source_id`'s write key.
  virtual void OnAccepted(const EventView& event) = 0;

  // Delivery read the event for `hook_id` and queued its record (partition key decided).
  virtual void OnRouted(std::string_view hook_id, const EventView& event, std::string_view partition_key) = 0;
  // Delivery read the event and `hook_id` did not take it.
  virtual void OnNotRouted(std::string_view hook_id, const EventView& event, NotRoutedReason reason) = 0;
  // Kinesis stored the record of `message_id` for `hook_id` (for an aggregated record, every user
  // record in it is reported with the Kinesis record's shard and sequence number).
  virtual void OnDelivered(std::string_view hook_id, std::string_view message_id, std::string_view stream,
                           std::string_view shard_id, std::string_view sequence_number, int64_t acked_at_ms) = 0;
  // The record of `message_id` for `hook_id` went to the hook's dead letters.
  virtual void OnDeadLettered(std::string_view hook_id, std::string_view message_id, std::string_view reason) = 0;
};

}  // namespace streamhook
