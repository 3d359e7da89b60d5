//===- Diff.cpp - Comparing two models ------------------------------------===//

#include "mlirscope/Blob/Diff.h"
#include "mlirscope/Bytecode/Encoding.h"
#include "mlirscope/Blob/WeightView.h"

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
    if (m.file)
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

  auto blobs = [](const ModelIndex &m) {
    llvm::StringMap<const Resource *> out;
    for (const Resource &r : m.resources)
      if (r.isDialectGroup && r.kind == ResourceKind::Blob)
        out.try_emplace(r.key, &r);
    return out;
  };
  llvm::StringMap<const Resource *> ra = blobs(a), rb = blobs(b);
  uint64_t total = 0, done = 0;
  HoleProbe holesA(a), holesB(b);
  for (auto &e : ra)
    if (rb.count(e.getKey()))
      total += e.getValue()->size;
  for (const Resource &r : a.resources) {
    if (!r.isDialectGroup || r.kind != ResourceKind::Blob)
      continue;
    auto it = rb.find(r.key);
    if (it == rb.end()) {
      d.removed.push_back(r.key);
      continue;
    }
    const Resource &s = *it->second;
    ModelDiff::Changed c;
    c.key = r.key;
    std::string ta = r.type ? r.type->text : "?", tb = s.type ? s.type->text : "?";
    if (ta != tb || r.size != s.size) {
      c.typeChange = ta + " (" + std::to_string(r.size) + " bytes) vs " + tb +
                     " (" + std::to_string(s.size) + " bytes)";
      d.changed.push_back(c);
      continue;
    }
    auto va = WeightView::get(a, r), vb = WeightView::get(b, s);
    if (!va || !vb) {
      // Untyped: compare bytes only.
      llvm::consumeError(va.takeError());
      llvm::consumeError(vb.takeError());
      bool same = !r.isHexText && !s.isHexText &&
                  sameBytes(a, r.dataOffset, b, s.dataOffset, r.size);
      if (same)
        ++d.unchanged;
      else
        d.changed.push_back(c);
      done += r.size;
      continue;
    }
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
      if (!r.isHexText && !s.isHexText &&
          holesA.isHole(r.dataOffset + first * esz, count * esz) &&
          holesB.isHole(s.dataOffset + first * esz, count * esz)) {
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
          double diff = std::abs(va->getComplex(first + i) -
                                 vb->getComplex(first + i));
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
    if (c.elementsDiffering) {
      c.meanAbs = sumAbs / double(va->size());
      d.changed.push_back(c);
    } else {
      ++d.unchanged;
    }
  }
  for (const Resource &r : b.resources)
    if (r.isDialectGroup && r.kind == ResourceKind::Blob && !ra.count(r.key))
      d.added.push_back(r.key);
  return d;
}
