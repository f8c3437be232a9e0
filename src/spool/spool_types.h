// The plain values of the spool's API: options, records, recovery reports and statistics.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace streamhook::spool {

// A record's logical sequence number: strictly increasing from 1, never reused across restarts.
using Lsn = uint64_t;

struct SpoolOptions {
  std::filesystem::path dir;             // created when missing; one process at a time (locked)
  uint64_t segment_bytes = 64ull << 20;  // a segment is closed once it reaches this size
  uint64_t max_bytes = 4ull << 30;       // Appends past this many bytes on disk fail (ResourceExhausted)
  // fsync appended data, and the directory when segments come and go. Off only for benchmarks:
  // a crash then loses acknowledged records.
  bool fsync = true;
};

struct SpoolRecord {
  Lsn lsn = 0;
  std::string data;
};

// A place where recovery found damage it could not repair by cutting a torn tail: intact records
// follow it (reading resumes at the first record starting in a later 32 KiB block), or it ends a
// segment that is not the newest.
struct DamagedPlace {
  std::string segment;  // file name, e.g. "00000000000000000001.log"
  uint64_t offset = 0;  // byte offset in it of the first record that could not be read
  std::string problem;  // what was wrong
  // Records (LSNs) readers skip because of it. Exact unless `problem` says it is an upper bound
  // (headers damaged too): LSNs after the place then move up, never down, so none is reused.
  uint64_t records_lost = 0;
};

// What Spool::Open found and did.
struct RecoveryReport {
  uint64_t segments_scanned = 0;
  uint64_t records_recovered = 0;  // readable records kept
  uint64_t bytes_cut = 0;          // torn or corrupt tail cut off the last segment
  std::vector<DamagedPlace> damaged;
  // One line for the log: "scanned 3 segments, recovered 1200 records, cut 17 bytes, 0 damaged".
  std::string Summary() const;
};

struct CursorStats {
  std::string name;
  Lsn next = 0;      // next LSN the cursor's owner will process
  uint64_t lag = 0;  // durable records it has not processed yet
};

struct SpoolStats {
  uint64_t bytes_on_disk = 0;  // sum of segment sizes (what max_bytes limits)
  uint64_t max_bytes = 0;
  uint64_t segments = 0;
  Lsn first_lsn = 0;              // oldest LSN still on disk
  Lsn end_lsn = 0;                // one past the newest durable record
  uint64_t appends = 0;           // accepted Append calls with at least one record
  uint64_t records_appended = 0;  // records made durable since Open
  uint64_t groups = 0;            // writes, each carrying the Appends that queued up meanwhile
  uint64_t fsyncs = 0;            // fsyncs of appended data (one per group when fsync is on)
  uint64_t rejected_full = 0;     // Appends refused because of max_bytes
  uint64_t write_errors = 0;      // Appends failed by I/O errors
  uint64_t segments_deleted = 0;  // since Open, after every cursor passed them
  // The latest write (or fsync, or new segment) failed and none has succeeded since: appends are
  // failing now, e.g. on a full disk. Cleared by the next successful write.
  bool last_write_failed = false;
  std::string last_write_error;  // its message; empty when last_write_failed is false
  std::vector<CursorStats> cursors;

  // The share of fsyncs group commit saved compared with one fsync per Append: 1 - fsyncs/appends
  // (0 before any fsync, e.g. with fsync off).
  double FsyncSavedShare() const {
    if (fsyncs == 0 || fsyncs >= appends) return 0.0;
    return 1.0 - static_cast<double>(fsyncs) / static_cast<double>(appends);
  }
};

}  // namespace streamhook::spool
