// EventCorpus: realistic Segment /v1/batch request bodies, generated before a load run starts.
//
// The mix follows typical web/mobile traffic: track ~70% (a few dozen event names, themselves
// skewed), identify 10%, page 10%, screen 5%, group 3%, alias 2%; each event 200-600 bytes of JSON;
// users drawn from a Zipf distribution; about 15% of track/page/screen calls anonymous only.
//
// Bodies are templates: every messageId ends in a fixed-width slot of hex digits that
// StampMessageIds fills with a running sequence number. A small pool of templates therefore serves
// a run of any length with every messageId unique, at the cost of a copy per request.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "zipf_sampler.h"

namespace streamhook::bench {

inline constexpr size_t kMinEventBytes = 200;
inline constexpr size_t kMaxEventBytes = 600;
// A messageId is "<8 hex run id>-<16 hex sequence>".
inline constexpr size_t kRunIdLength = 8;
inline constexpr size_t kSequenceDigits = 16;

struct CorpusOptions {
  size_t users = 100000;
  double zipf_exponent = 1.1;  // skew of events per user
  uint64_t seed = 1;
  // 8 lower-case hex characters that keep the messageIds of separate runs apart; when empty the
  // corpus derives one from the clock and the process id.
  std::string run_id;
};

struct BatchTemplate {
  std::string body;              // {"batch":[...],"sentAt":"..."}
  std::vector<size_t> id_slots;  // offset in body of each messageId's sequence digits
  size_t events() const { return id_slots.size(); }
};

class EventCorpus {
 public:
  explicit EventCorpus(CorpusOptions options);

  // One event's JSON object. *id_slot receives the offset of its messageId sequence digits
  // (all '0' until stamped).
  std::string MakeEvent(size_t* id_slot);

  // A batch body holding `events` new events.
  BatchTemplate MakeBatch(size_t events);

  const std::string& run_id() const { return run_id_; }

 private:
  struct Draft;
  void DraftTrack(Draft* d);
  void DraftIdentify(Draft* d);
  void DraftPage(Draft* d, bool screen);
  void DraftGroup(Draft* d);
  void DraftAlias(Draft* d);
  void DraftContext(Draft* d, bool mobile);
  std::string UserId(size_t rank) const;
  std::string AnonymousId();
  size_t Uniform(size_t n);

  std::mt19937_64 rng_;
  std::string run_id_;
  ZipfSampler users_;
  ZipfSampler track_names_;
  int64_t base_time_ms_;
};

// Copies the template into *body and writes first_sequence, first_sequence + 1, ... into its
// messageId slots, in order.
void StampMessageIds(const BatchTemplate& batch, uint64_t first_sequence, std::string* body);

}  // namespace streamhook::bench
