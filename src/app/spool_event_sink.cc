#include "app/spool_event_sink.h"

namespace streamhook::app {

void SpoolEventSink::Append(std::vector<Event> events, std::function<void(Status)> done) {
  std::vector<std::string> records(events.size());
  for (size_t i = 0; i < events.size(); ++i) EncodeEvent(events[i], &records[i]);
  spool_->Append(std::move(records),
                 [done = std::move(done)](Status status, spool::Lsn) { done(std::move(status)); });
}

}  // namespace streamhook::app
