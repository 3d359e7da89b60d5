//===- mlirscope-corrupt-check.cpp - Truncate and flip inputs -------------===//
//
// Feeds damaged copies of sample models through the indexers and the summary:
// each file cut at N offsets and with M random bytes flipped. Every run must
// end in a summary or a FormatError whose offset lies within the damaged
// file, never a crash, a hang (SIGALRM aborts after a few seconds) or another
// kind of error. Copies are exact-size heap buffers, so an ASan build catches
// any read past the end.
//
// Usage: mlirscope-corrupt-check [--truncations N] [--flips M] [--seed S]
//                                FILE...
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Index/Summary.h"
#include "mlirscope/Support/MappedFile.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>
#include <random>
#include <unistd.h>

using namespace mlirscope;

static const char *currentCase = "";

static void onAlarm(int) {
  llvm::errs() << "mlirscope-corrupt-check: hang in " << currentCase << "\n";
  std::_Exit(3);
}

int main(int argc, char **argv) {
  unsigned truncations = 1000, flips = 1000, seed = 1;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef a = argv[i];
    auto num = [&](unsigned &out) {
      if (i + 1 >= argc || llvm::StringRef(argv[++i]).getAsInteger(10, out)) {
        llvm::errs() << "bad value for " << a << "\n";
        std::exit(1);
      }
    };
    if (a == "--truncations")
      num(truncations);
    else if (a == "--flips")
      num(flips);
    else if (a == "--seed")
      num(seed);
    else
      files.push_back(a.str());
  }
  if (files.empty()) {
    llvm::errs() << "usage: mlirscope-corrupt-check [--truncations N] "
                    "[--flips M] [--seed S] FILE...\n";
    return 1;
  }
  std::signal(SIGALRM, onAlarm);
  std::mt19937_64 rng(seed);
  uint64_t runs = 0, summaries = 0, errors = 0, failures = 0;
  std::string caseName;

  auto check = [&](const std::string &name, std::vector<uint8_t> &bytes) {
    caseName = name;
    currentCase = caseName.c_str();
    ::alarm(10);
    ++runs;
    auto indexOr =
        indexMapped(std::shared_ptr<MappedFile>(MappedFile::copyOf(name, bytes)));
    if (indexOr) {
      ModelSummary s = summarize(**indexOr);
      (void)s;
      ++summaries;
    } else {
      llvm::Error err = indexOr.takeError();
      bool ok = err.isA<FormatError>();
      std::string text;
      llvm::handleAllErrors(std::move(err), [&](const FormatError &e) {
        text = e.message();
        ok = ok && e.getOffset() <= bytes.size() && !e.getExpected().empty() &&
             text.find('\n') == std::string::npos;
      }, [&](const llvm::ErrorInfoBase &e) { text = e.message(); });
      if (ok) {
        ++errors;
      } else {
        ++failures;
        llvm::errs() << "FAIL " << name << ": " << text << "\n";
      }
    }
    ::alarm(0);
  };

  for (const std::string &path : files) {
    auto buf = llvm::MemoryBuffer::getFile(path);
    if (!buf) {
      llvm::errs() << path << ": " << buf.getError().message() << "\n";
      return 1;
    }
    llvm::StringRef data = (*buf)->getBuffer();
    std::vector<uint8_t> original(data.begin(), data.end());
    uint64_t size = original.size();
    // Cut points: every offset of a small file, else evenly spread ones.
    for (unsigned i = 0; i < truncations && size; ++i) {
      uint64_t cut = truncations >= size ? i % size : (size * i) / truncations;
      std::vector<uint8_t> bytes(original.begin(), original.begin() + cut);
      check(path + " cut at " + std::to_string(cut), bytes);
    }
    for (unsigned i = 0; i < flips && size; ++i) {
      std::vector<uint8_t> bytes = original;
      unsigned n = 1 + rng() % 4;
      std::string what;
      for (unsigned k = 0; k < n; ++k) {
        uint64_t at = rng() % size;
        uint8_t x = uint8_t(1 + rng() % 255);
        bytes[at] ^= x;
        what += " " + std::to_string(at) + "^" + std::to_string(x);
      }
      check(path + " flipped" + what, bytes);
    }
  }
  llvm::outs() << runs << " runs: " << summaries << " summaries, " << errors
               << " format errors, " << failures << " failures\n";
  return failures ? 2 : 0;
}
