#include "spool/reader.h"

#include <spdlog/spdlog.h>

#include "spool/spool.h"

namespace streamhook::spool {

Status Reader::Read(size_t max_records, size_t max_bytes, std::vector<SpoolRecord>* out) {
  size_t count = 0;
  size_t bytes = 0;
  const auto fits = [&](size_t size) {
    return count < max_records && (count == 0 || bytes + size <= max_bytes);
  };
  const auto room = [&] { return count < max_records && (count == 0 || bytes < max_bytes); };
  if (held_) {
    if (!fits(held_->data.size())) return Status::Ok();
    bytes += held_->data.size();
    ++count;
    out->push_back(std::move(*held_));
    held_.reset();
  }
  std::string data;
  std::string problem;
  while (room()) {
    const SegmentView view = spool_->ViewSegmentFor(next_);
    if (next_ < view.first) {  // deleted (or lost) before this reader got there
      skipped_ += view.first - next_;
      next_ = view.first;
    }
    if (view.lost_to) {  // lost to damage that recovery found: resume where it did
      skipped_ += *view.lost_to - next_;
      next_ = *view.lost_to;
      continue;
    }
    if (next_ >= view.readable_end) {
      if (!view.next_first) break;           // caught up with the writer
      skipped_ += *view.next_first - next_;  // records recovery could not read
      next_ = *view.next_first;
      continue;
    }
    if (!segment_ || segment_first_ != view.first) {
      auto opened = SegmentReader::Open(spool_->SegmentPath(view.first));
      if (!opened.ok()) {
        // Deleted since we looked (every cursor passed it): look again.
        if (opened.status().code() == Status::Code::kNotFound &&
            spool_->ViewSegmentFor(next_).first != view.first) {
          continue;
        }
        return opened.status();
      }
      segment_ = std::move(opened).value();
      segment_first_ = view.first;
      segment_lsn_ = view.first;
    }
    // Known record starts include the first record after each lost range, so walking from the
    // nearest one never crosses damage.
    if (segment_lsn_ > next_ || view.checkpoint_lsn > segment_lsn_) {
      segment_->Seek(view.checkpoint_offset);
      segment_lsn_ = view.checkpoint_lsn;
    }
    while (next_ < view.run_end && room()) {
      const auto outcome = segment_->ReadRecord(view.size, &data, &problem);
      if (outcome != SegmentReader::Outcome::kRecord) {
        Status s = SkipDamage(outcome, problem, view);
        if (!s.ok()) return s;
        break;  // look again from next_
      }
      if (segment_lsn_++ < next_) continue;  // walking from a checkpoint to next_
      SpoolRecord record{next_++, std::move(data)};
      data = std::string();
      if (!fits(record.data.size())) {
        held_ = std::move(record);
        return Status::Ok();
      }
      bytes += record.data.size();
      ++count;
      out->push_back(std::move(record));
    }
  }
  return Status::Ok();
}

Status Reader::SkipDamage(SegmentReader::Outcome outcome, const std::string& problem,
                          const SegmentView& view) {
  const std::string where = segment_->path().string() + " at offset " + std::to_string(segment_->offset());
  if (outcome == SegmentReader::Outcome::kIoError) {
    segment_.reset();
    return Status::IoError(problem);
  }
  // Recovery checked this record, so the file changed under us (disk fault, outside writer). Resume
  // at the next block as recovery would, when the headers say exactly how many records are lost.
  auto resume = segment_->FindResume(view.size);
  if (resume.ok() && *resume && (*resume)->exact && segment_lsn_ + (*resume)->records_lost < view.run_end) {
    const Lsn resumed = segment_lsn_ + (*resume)->records_lost;
    spdlog::error("spool: damaged segment {} ({}); skipping {} records to offset {}", where, problem,
                  resumed > next_ ? resumed - next_ : 0, (*resume)->offset);
    if (resumed > next_) {
      skipped_ += resumed - next_;
      next_ = resumed;
    }
    segment_lsn_ = resumed;
    return Status::Ok();
  }
  segment_.reset();
  if (!resume.ok()) return resume.status();
  if (!view.next_first) {
    return Status::Corruption("the newest spool segment " + where + " is damaged (" + problem +
                              "); restart streamhook so recovery finds where intact records resume");
  }
  spdlog::error("spool: damaged segment {} ({}); skipping {} records to the next segment", where, problem,
                *view.next_first - next_);
  skipped_ += *view.next_first - next_;
  next_ = *view.next_first;
  return Status::Ok();
}

bool Reader::Wait(std::chrono::milliseconds timeout) const {
  if (held_) return true;
  return spool_->WaitForRecords(next_, timeout);
}

void Reader::Seek(Lsn lsn) {
  held_.reset();
  next_ = lsn;
}

}  // namespace streamhook::spool
