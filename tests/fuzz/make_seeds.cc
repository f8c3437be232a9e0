// Writes the generated part of the committed seed corpus (tests/fuzz/corpus/): spool segments made
// by the Spool itself and KPL aggregated records made with aws::Aggregate. The ingest and SigV4
// seeds are plain text files kept as they are. Run after changing a format:
//   build/fuzz/tests/fuzz/fuzz_make_seeds tests/fuzz/corpus
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "aws/kpl_aggregation.h"
#include "spool/segment.h"
#include "spool/spool.h"

namespace {

namespace fs = std::filesystem;
namespace spool = streamhook::spool;
using streamhook::aws::UserRecord;

void Write(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
  std::printf("%s (%zu bytes)\n", path.c_str(), bytes.size());
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The segment files a Spool writes for `batches` of records, oldest first (one per segment_bytes).
std::vector<std::string> SpoolSegments(const std::vector<std::vector<std::string>>& batches,
                                       uint64_t segment_bytes) {
  std::string pattern = (fs::temp_directory_path() / "make_seeds.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  const fs::path dir(pattern);
  {
    auto s = spool::Spool::Open({.dir = dir, .segment_bytes = segment_bytes, .fsync = false});
    if (!s.ok()) std::abort();
    for (const auto& batch : batches) {
      if (!(*s)->AppendSync(batch).ok()) std::abort();
    }
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (spool::ParseSegmentFileName(entry.path().filename().string())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const fs::path& file : files) out.push_back(ReadFile(file));
  fs::remove_all(dir);
  return out;
}

// The spool fuzzer's input (see spool_fuzzer.cc) for consecutive segments starting at LSN 1.
std::string SpoolInput(const std::vector<std::string>& segments, const std::vector<size_t>& record_counts) {
  std::string out(1, static_cast<char>(segments.size() - 1));
  out.push_back(0);  // the first segment starts at LSN 1
  for (size_t i = 1; i < segments.size(); ++i) out.push_back(static_cast<char>(record_counts[i - 1] - 1));
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    out.push_back(static_cast<char>(segments[i].size() & 0xff));
    out.push_back(static_cast<char>(segments[i].size() >> 8));
  }
  for (const std::string& segment : segments) out += segment;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  spdlog::set_level(spdlog::level::off);
  const fs::path corpus = argv[1];

  // Spool: a few event-sized records; an empty record; one record split over two blocks; two segments.
  const std::string event = R"({"type":"track","event":"Signed Up","userId":"u-1","messageId":"m-1"})";
  auto one = SpoolSegments({{event, event + " ", ""}}, 64 << 20);
  Write(corpus / "spool" / "three-records", SpoolInput(one, {}));
  auto big = SpoolSegments({{std::string(100, 'a'), std::string(33000, 'b'), "tail"}}, 64 << 20);
  Write(corpus / "spool" / "record-across-blocks", SpoolInput(big, {}));
  auto two = SpoolSegments({{event, event}, {"second segment"}}, 100);  // rolls after the first Append
  if (two.size() != 2) std::abort();
  Write(corpus / "spool" / "two-segments", SpoolInput(two, {2}));
  Write(corpus / "spool" / "torn-tail", SpoolInput({one[0].substr(0, one[0].size() - 5)}, {}));

  // KPL: mode byte 0 = the record as is, 1 = protobuf framed by the fuzzer (see kpl_fuzzer.cc).
  const std::vector<UserRecord> records = {
      {"user-1", "", R"({"n":1})"}, {"user-2", "", R"({"n":2})"}, {"user-1", "", R"({"n":3})"}};
  const std::vector<UserRecord> hashed = {{"k", "170141183460469231731687303715884105728", "x"},
                                          {"k", "1", ""}};
  for (const auto& [name, set] :
       {std::pair{"three-records", &records}, std::pair{"explicit-hash-keys", &hashed}}) {
    const std::string aggregated = streamhook::aws::Aggregate(*set);
    Write(corpus / "kpl" / name, std::string(1, '\0') + aggregated);
    // The protobuf alone: between the 4-byte magic and the 16-byte MD5.
    Write(corpus / "kpl" / (std::string(name) + "-framed"),
          std::string(1, '\1') + aggregated.substr(4, aggregated.size() - 20));
  }
  return 0;
}
