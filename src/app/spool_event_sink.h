// The ingest EventSink over the spool: accepted events become spool records, and the request is
// answered once they are fsync'd.
#pragma once

#include "ingest/ingest_handler.h"
#include "spool/spool.h"

namespace streamhook::app {

class SpoolEventSink : public ingest::EventSink {
 public:
  explicit SpoolEventSink(spool::Spool* spool) : spool_(spool) {}
  void Append(std::vector<Event> events, std::function<void(Status)> done) override;

 private:
  spool::Spool* spool_;
};

}  // namespace streamhook::app
