//===- Diff.cpp - Comparing two models ------------------------------------===//

#include "mlirscope/Blob/Diff.h"
#include "mlirscope/Bytecode/Encoding.h"
#include "mlirscope/Blob/WeightView.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <cerrno>
#include <cmath>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlirscope;

/// Compares op `i` of both indexes; returns a reason when they differ.
static std::string compareOp(const ModelIndex &a, const ModelIndex &b,
                             uint64_t i) {
  const OpRecord &x = a.ops[i], &y = b.ops[i];
  if (a.getOpName(x) != b.getOpName(y))
    return "'" + a.getOpName(x).str() + "' vs '" + b.getOpName(y).str() + "'";
  if (x.parent != y.parent || x.depth != y.depth)
    return "nested differently";
  if (x.numRegions != y.numRegions || x.numBlocks != y.numBlocks)
    return "different regions or blocks";
  if (x.numResults != y.numResults)
    return "different result counts";
  if (x.numOperands != y.numOperands)
    return "different operand counts";
  for (uint32_t k = 0; k < x.numOperands; ++k) {
    uint32_t va = a.operands[x.firstOperand + k];
    uint32_t vb = b.operands[y.firstOperand + k];
    if ((va == kNone) != (vb == kNone))
      return "operand " + std::to_string(k) + " differs";
    if (va == kNone)
      continue;
    const ValueRecord &p = a.values[va], &q = b.values[vb];
    if (p.kind != q.kind || p.owner != q.owner || p.number != q.number)
      return "operand " + std::to_string(k) + " comes from a different value";
  }
  if (x.symbol != y.symbol)
    return "symbol @" + x.symbol + " vs @" + y.symbol;
  return "";
}

/// True if `n` bytes at `offsetA` of `a`'s source equal those at `offsetB`
/// of `b`'s, read through the sources in spans; false when either cannot be
/// read.
static bool sameBytes(const ModelIndex &a, uint64_t offsetA,
                      const ModelIndex &b, uint64_t offsetB, uint64_t n) {
  constexpr uint64_t kChunk = 64u << 20;
  for (uint64_t done = 0; done < n;) {
    uint64_t len = std::min(kChunk, n - done);
    llvm::Expected<Span> x = a.file->read(offsetA + done, len);
    llvm::Expected<Span> y = b.file->read(offsetB + done, len);
    if (!x || !y) {
      llvm::consumeError(x.takeError());
      llvm::consumeError(y.takeError());
      return false;
    }
    if (std::memcmp(x->begin(), y->begin(), size_t(len)) != 0)
      return false;
    done += len;
  }
  return true;
}

/// The decoded bytes [first, first + n) of weight `w` stored raw or as hex
/// in its model file; false when they cannot be read.
static bool readStored(const ModelIndex &m, const Weight &w, uint64_t first,
                       uint64_t n, std::vector<uint8_t> &out) {
  bool hex = w.encoding == WeightEncoding::Hex;
  llvm::Expected<Span> span =
      m.file->read(w.offset + (hex ? 2 : 1) * first, (hex ? 2 : 1) * n);
  if (!span) {
    llvm::consumeError(span.takeError());
    return false;
  }
  out.assign(span->begin(), span->begin() + (hex ? 0 : n));
  for (uint64_t i = 0; hex && i < n; ++i) {
    unsigned hi = llvm::hexDigitValue(char(span->begin()[2 * i]));
    unsigned lo = llvm::hexDigitValue(char(span->begin()[2 * i + 1]));
    if (hi > 15 || lo > 15)
      return false;
    out.push_back(uint8_t(hi << 4 | lo));
  }
  return true;
}

/// True if two weights without a usable type store the same bytes: raw or
/// hex in their model files (text against bytecode too), not splats.
static bool sameStoredBytes(const ModelIndex &a, const Weight &x,
                            const ModelIndex &b, const Weight &y) {
  auto plain = [](const Weight &w) {
    return w.kind != WeightKind::Parameter && !w.splat && !w.bitPacked &&
           (w.encoding == WeightEncoding::Raw ||
            w.encoding == WeightEncoding::Hex);
  };
  if (!plain(x) || !plain(y) || x.dataBytes != y.dataBytes)
    return false;
  if (x.encoding == WeightEncoding::Raw && y.encoding == WeightEncoding::Raw)
    return sameBytes(a, x.offset, b, y.offset, x.dataBytes);
  constexpr uint64_t kChunk = 4u << 20;
  std::vector<uint8_t> bufA, bufB;
  for (uint64_t first = 0; first < x.dataBytes; first += kChunk) {
    uint64_t n = std::min(kChunk, x.dataBytes - first);
    if (!readStored(a, x, first, n, bufA) ||
        !readStored(b, y, first, n, bufB) || bufA != bufB)
      return false;
  }
  return true;
}

/// True if every non-resource section of two bytecode files is identical.
static bool irBytesEqual(const ModelIndex &a, const ModelIndex &b) {
  auto ir = [](const ModelIndex &m) {
    std::vector<const BytecodeLayout::Section *> out;
    for (const BytecodeLayout::Section &s : m.layout.sections)
      if (s.id != bytecode::kResource && s.id != bytecode::kResourceOffset)
        out.push_back(&s);
    return out;
  };
  auto sa = ir(a), sb = ir(b);
  if (sa.size() != sb.size() || a.bytecodeVersion != b.bytecodeVersion)
    return false;
  for (size_t i = 0; i < sa.size(); ++i) {
    uint64_t na = sa[i]->end - sa[i]->begin, nb = sb[i]->end - sb[i]->begin;
    if (sa[i]->id != sb[i]->id || na != nb || !sameBytes(a, sa[i]->begin, b, sb[i]->begin, na))
      return false;
  }
  return true;
}

namespace {

/// The file behind a mapped model, opened to ask where its holes are.
struct HoleProbe {
  int fd = -1;
  explicit HoleProbe(const ModelIndex &m) {
    if (m.file && !m.file->isRemote())
      fd = ::open(m.file->getName().c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  }
  ~HoleProbe() {
    if (fd >= 0)
      ::close(fd);
  }
  /// True if [offset, offset + size) is a hole (reads as zeros, no disk
  /// blocks). False when unsure (no SEEK_DATA, not a file).
  bool isHole(uint64_t offset, uint64_t size) const {
    if (fd < 0 || !size)
      return false;
    // Past the end of a file truncated under us is no hole: reading it must
    // fault (FaultGuard) so the change is reported, not taken for zeros.
    struct stat st;
    if (::fstat(fd, &st) != 0 || offset + size > uint64_t(st.st_size))
      return false;
    off_t data = ::lseek(fd, off_t(offset), SEEK_DATA);
    if (data < 0)
      return errno == ENXIO;
    return uint64_t(data) >= offset + size;
  }
};

} // namespace

llvm::Expected<ModelDiff> mlirscope::diffModels(const ModelIndex &a,
                                                const ModelIndex &b,
                                                const Progress &progress) {
  ModelDiff d;
  uint64_t n = std::min(a.ops.size(), b.ops.size());
  for (uint64_t i = 0; i < n && !d.firstDifferentOp; ++i) {
    std::string why = compareOp(a, b, i);
    if (!why.empty()) {
      d.firstDifferentOp = i;
      d.irDifference = why;
    }
  }
  if (!d.firstDifferentOp && a.ops.size() != b.ops.size()) {
    d.firstDifferentOp = n;
    d.irDifference = std::to_string(a.ops.size()) + " ops vs " +
                     std::to_string(b.ops.size());
  }
  d.irEqual = !d.firstDifferentOp;
  d.irBytesEqual = d.irEqual && a.format == ModelIndex::Format::Bytecode &&
                   b.format == ModelIndex::Format::Bytecode && irBytesEqual(a, b);

  // Weights of every kind, matched by name (Weight.h): resource blobs by
  // key, inline weights by holder, parameters by scope and key.
  auto byName = [](const ModelIndex &m) {
    llvm::StringMap<const Weight *> out;
    for (const Weight &w : m.weights)
      out.try_emplace(w.name, &w);
    return out;
  };
  llvm::StringMap<const Weight *> wa = byName(a), wb = byName(b);
  // Stored as read, in the model file itself: its bytes can be compared in
  // place and its holes skipped.
  auto rawInFile = [](const Weight &w) {
    return w.kind != WeightKind::Parameter &&
           w.encoding == WeightEncoding::Raw && !w.splat && !w.bitPacked;
  };
  uint64_t total = 0, done = 0;
  HoleProbe holesA(a), holesB(b);
  for (auto &e : wa)
    if (wb.count(e.getKey()))
      total += e.getValue()->bytes();
  for (const Weight &r : a.weights) {
    auto it = wb.find(r.name);
    if (it == wb.end()) {
      d.removed.push_back(r.name);
      continue;
    }
    const Weight &s = *it->second;
    ModelDiff::Changed c;
    c.key = r.name;
    std::string ta = r.type ? r.type->text : "?", tb = s.type ? s.type->text : "?";
    if (ta != tb || r.bytes() != s.bytes()) {
      c.typeChange = ta + " (" + std::to_string(r.bytes()) + " bytes) vs " +
                     tb + " (" + std::to_string(s.bytes()) + " bytes)";
      d.changed.push_back(c);
      continue;
    }
    auto va = WeightView::get(a, r), vb = WeightView::get(b, s);
    if (!va || !vb) {
      // Untyped: compare bytes only.
      llvm::consumeError(va.takeError());
      llvm::consumeError(vb.takeError());
      bool same = sameStoredBytes(a, r, b, s);
      if (same)
        ++d.unchanged;
      else
        d.changed.push_back(c);
      done += r.bytes();
      continue;
    }
    bool inFiles = rawInFile(r) && rawInFile(s);
    // Chunked: equal chunks are skipped by memcmp at memory speed, only
    // differing ones are compared element by element.
    const uint64_t esz = dtypeSize(va->getDType());
    const uint64_t chunkElems = std::max<uint64_t>(1, (4u << 20) / esz);
    std::vector<uint8_t> bufA, bufB;
    double sumAbs = 0;
    for (uint64_t first = 0; first < va->size(); first += chunkElems) {
      uint64_t count = std::min(chunkElems, va->size() - first);
      // Holes on both sides are equal zeros: a sparse 100 GB model is
      // compared without reading its holes.
      if (inFiles && holesA.isHole(r.offset + first * esz, count * esz) &&
          holesB.isHole(s.offset + first * esz, count * esz)) {
        done += count * esz;
        continue;
      }
      bufA.resize(count * esz);
      bufB.resize(count * esz);
      va->readBytes(first, count, bufA.data());
      vb->readBytes(first, count, bufB.data());
      if (std::memcmp(bufA.data(), bufB.data(), bufA.size()) != 0) {
        for (uint64_t i = 0; i < count; ++i) {
          if (std::memcmp(&bufA[i * esz], &bufB[i * esz], esz) == 0)
            continue;
          ++c.elementsDiffering;
          // From the buffers: a streamed view would read each again.
          double diff =
              std::abs(decodeComplexElement(va->getDType(), &bufA[i * esz]) -
                       decodeComplexElement(vb->getDType(), &bufB[i * esz]));
          if (std::isnan(diff))
            continue;
          c.maxAbs = std::max(c.maxAbs, diff);
          sumAbs += diff;
        }
      }
      done += count * esz;
      if (progress && !progress(done, total))
        return cancelledError();
    }
    // A streamed weight's read that failed left zeros: say why instead.
    if (llvm::Error e = va->readError())
      return std::move(e);
    if (llvm::Error e = vb->readError())
      return std::move(e);
    if (c.elementsDiffering) {
      c.meanAbs = sumAbs / double(va->size());
      d.changed.push_back(c);
    } else {
      ++d.unchanged;
    }
  }
  for (const Weight &w : b.weights)
    if (!wa.count(w.name))
      d.added.push_back(w.name);
  return d;
}
