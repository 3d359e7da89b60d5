//===- Editor.cpp - Crash-safe same-size edits of a model file ------------===//

#include "mlirscope/Edit/Editor.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Journal.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlirscope;

static llvm::Error sysError(const llvm::Twine &what, int err = errno) {
  return llvm::createStringError(std::error_code(err, std::generic_category()),
                                 what + ": " + std::strerror(err));
}

llvm::Expected<InPlaceEditor> InPlaceEditor::open(const ModelIndex &index) {
  if (!index.file)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no file to edit");
  InPlaceEditor ed;
  ed.path = index.file->getPath();
  struct stat st;
  if (::stat(ed.path.c_str(), &st) != 0)
    return sysError(ed.path + ": cannot stat");
  // Root may write anything; a file without write bits is still read-only to
  // its owner's intent, so refuse it.
  if (!(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)))
    return llvm::createStringError(std::make_error_code(std::errc::read_only_file_system),
                                   "%s: the file is read-only", ed.path.c_str());
  ed.fd = ::open(ed.path.c_str(), O_RDWR | O_CLOEXEC);
  if (ed.fd < 0)
    return sysError(ed.path + ": cannot open for writing");
  if (::flock(ed.fd, LOCK_EX | LOCK_NB) != 0)
    return sysError(ed.path + ": another process is editing it", errno);
  struct stat now;
  ::fstat(ed.fd, &now);
  int64_t mtime = int64_t(now.st_mtim.tv_sec) * 1000000000 + now.st_mtim.tv_nsec;
  if (now.st_ino != index.file->getInode() ||
      uint64_t(now.st_size) != index.file->size() ||
      mtime != index.file->getMTimeNs()) {
    noteFaultReported(); // this says what a fault reading it would mean
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "%s: the file changed since it was indexed; open it again",
        ed.path.c_str());
  }
  ed.fileSize = uint64_t(now.st_size);
  return std::move(ed);
}

InPlaceEditor::InPlaceEditor(InPlaceEditor &&o)
    : path(std::move(o.path)), fd(o.fd), fileSize(o.fileSize) {
  o.fd = -1;
}

InPlaceEditor::~InPlaceEditor() {
  if (fd >= 0)
    ::close(fd); // also drops the flock
}

llvm::Error InPlaceEditor::write(uint64_t offset,
                                 llvm::ArrayRef<uint8_t> bytes) {
  return writeRegion(offset, bytes.size(),
                     [&](uint64_t at, llvm::MutableArrayRef<uint8_t> buf) {
                       std::memcpy(buf.data(), bytes.data() + at, buf.size());
                       return llvm::Error::success();
                     });
}

llvm::Error InPlaceEditor::writeBlob(const Resource &r,
                                     llvm::ArrayRef<uint8_t> data,
                                     const Progress &progress) {
  uint64_t span = r.isHexText ? 2 * data.size() : data.size();
  return writeRegion(
      r.dataOffset, span,
      [&](uint64_t at, llvm::MutableArrayRef<uint8_t> buf) {
        if (!r.isHexText) {
          std::memcpy(buf.data(), data.data() + at, buf.size());
        } else {
          // `at` counts hex digits.
          static const char digits[] = "0123456789ABCDEF";
          for (size_t i = 0; i < buf.size(); ++i) {
            uint8_t b = data[(at + i) / 2];
            buf[i] = uint8_t(digits[(at + i) % 2 ? (b & 0xf) : (b >> 4)]);
          }
        }
        return llvm::Error::success();
      },
      progress);
}

llvm::Error InPlaceEditor::writeRegion(
    uint64_t offset, uint64_t size,
    llvm::function_ref<llvm::Error(uint64_t, llvm::MutableArrayRef<uint8_t>)>
        produce,
    const Progress &progress) {
  return writeJournaled(path, fd, fileSize, offset, size, produce, progress);
}

//===----------------------------------------------------------------------===//
// Element encoding
//===----------------------------------------------------------------------===//

template <typename T>
static std::vector<uint8_t> bytesOf(T v) {
  std::vector<uint8_t> out(sizeof(T));
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

static llvm::Error notRepresentable(llvm::StringRef text, DType d,
                                    llvm::StringRef why = "") {
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(), "%s is not representable as %s%s%s",
      text.str().c_str(), dtypeName(d), why.empty() ? "" : ": ",
      why.str().c_str());
}

/// Parses a real number; `overflow` is set for finite spellings beyond the
/// range of double ("1e999"), which strtod turns into infinity.
static std::optional<double> parseDouble(llvm::StringRef text,
                                         bool *overflow = nullptr) {
  std::string s = text.trim().lower();
  if (s == "nan")
    return std::numeric_limits<double>::quiet_NaN();
  if (s == "inf" || s == "+inf")
    return std::numeric_limits<double>::infinity();
  if (s == "-inf")
    return -std::numeric_limits<double>::infinity();
  char *end = nullptr;
  errno = 0;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size())
    return std::nullopt;
  if (overflow && errno == ERANGE && std::isinf(v))
    *overflow = true;
  return v;
}

/// APFloat's semantics of a one-byte float type.
static const llvm::fltSemantics &float8Semantics(DType d) {
  switch (d) {
  case DType::F8E5M2:
    return llvm::APFloat::Float8E5M2();
  case DType::F8E4M3:
    return llvm::APFloat::Float8E4M3();
  case DType::F8E4M3FN:
    return llvm::APFloat::Float8E4M3FN();
  case DType::F8E5M2FNUZ:
    return llvm::APFloat::Float8E5M2FNUZ();
  case DType::F8E4M3FNUZ:
    return llvm::APFloat::Float8E4M3FNUZ();
  case DType::F8E4M3B11FNUZ:
    return llvm::APFloat::Float8E4M3B11FNUZ();
  case DType::F8E3M4:
    return llvm::APFloat::Float8E3M4();
  default:
    return llvm::APFloat::Float8E8M0FNU();
  }
}

llvm::Expected<std::vector<uint8_t>> mlirscope::encodeElement(DType d,
                                                              llvm::StringRef text) {
  text = text.trim();
  auto intIn = [&](int64_t lo, int64_t hi) -> llvm::Expected<int64_t> {
    int64_t v;
    if (text.getAsInteger(10, v))
      return notRepresentable(text, d, "not an integer");
    if (v < lo || v > hi)
      return notRepresentable(text, d, "out of range");
    return v;
  };
  auto uintIn = [&](uint64_t hi) -> llvm::Expected<uint64_t> {
    uint64_t v;
    if (text.starts_with("-") || text.getAsInteger(10, v))
      return notRepresentable(text, d, "not a non-negative integer");
    if (v > hi)
      return notRepresentable(text, d, "out of range");
    return v;
  };
  auto finiteFits = [&](double v, double maxFinite) -> llvm::Error {
    if (std::isfinite(v) && std::fabs(v) > maxFinite)
      return notRepresentable(text, d, "out of range");
    return llvm::Error::success();
  };
  switch (d) {
  case DType::Bool: {
    std::string s = text.lower();
    if (s == "true" || s == "1")
      return std::vector<uint8_t>{1};
    if (s == "false" || s == "0")
      return std::vector<uint8_t>{0};
    return notRepresentable(text, d, "use true, false, 1 or 0");
  }
  case DType::I8: {
    auto v = intIn(INT8_MIN, INT8_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(int8_t(*v));
  }
  case DType::I16: {
    auto v = intIn(INT16_MIN, INT16_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(int16_t(*v));
  }
  case DType::I32: {
    auto v = intIn(INT32_MIN, INT32_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(int32_t(*v));
  }
  case DType::I64: {
    auto v = intIn(INT64_MIN, INT64_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(int64_t(*v));
  }
  case DType::U8: {
    auto v = uintIn(UINT8_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(uint8_t(*v));
  }
  case DType::U16: {
    auto v = uintIn(UINT16_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(uint16_t(*v));
  }
  case DType::U32: {
    auto v = uintIn(UINT32_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(uint32_t(*v));
  }
  case DType::U64: {
    auto v = uintIn(UINT64_MAX);
    if (!v)
      return v.takeError();
    return bytesOf(uint64_t(*v));
  }
  case DType::F16:
  case DType::BF16:
  case DType::F32:
  case DType::F64: {
    bool overflow = false;
    std::optional<double> v = parseDouble(text, &overflow);
    if (!v)
      return notRepresentable(text, d, "not a number");
    if (overflow)
      return notRepresentable(text, d, "out of range");
    if (d == DType::F64)
      return bytesOf(*v);
    // Checked before the conversion: a double beyond float's range does not
    // convert (undefined behaviour).
    if (auto e = finiteFits(*v, std::numeric_limits<float>::max()))
      return std::move(e);
    float f = float(*v);
    if (d == DType::F32)
      return bytesOf(f);
    // A finite value that rounds to infinity in the narrower type is out of
    // its range: f16 from 65520 on, bf16 from about 3.3961e38 (which f32
    // still holds).
    uint16_t bits = d == DType::F16 ? floatToHalf(f) : floatToBFloat16(f);
    uint16_t inf = d == DType::F16 ? 0x7c00 : 0x7f80;
    if (std::isfinite(f) && (bits & 0x7fff) == inf)
      return notRepresentable(text, d, "out of range");
    return bytesOf(bits);
  }
  case DType::F8E5M2:
  case DType::F8E4M3:
  case DType::F8E4M3FN:
  case DType::F8E5M2FNUZ:
  case DType::F8E4M3FNUZ:
  case DType::F8E4M3B11FNUZ:
  case DType::F8E3M4:
  case DType::F8E8M0FNU: {
    bool overflow = false;
    std::optional<double> v = parseDouble(text, &overflow);
    if (!v)
      return notRepresentable(text, d, "not a number");
    if (overflow)
      return notRepresentable(text, d, "out of range");
    // Rounded to nearest, ties to even, as f16 and bf16 are; what the type
    // cannot hold at all (too large, Inf where it has none, a negative or
    // zero f8E8M0FNU) is refused.
    llvm::APFloat f(*v);
    bool losesInfo = false;
    llvm::APFloat::opStatus status = f.convert(
        float8Semantics(d), llvm::APFloat::rmNearestTiesToEven, &losesInfo);
    if ((status & llvm::APFloat::opOverflow) ||
        (f.isNaN() && !std::isnan(*v)) ||
        (f.isInfinity() != std::isinf(*v)))
      return notRepresentable(text, d, "out of range");
    if (d == DType::F8E8M0FNU && (*v <= 0 || f.isZero()))
      return notRepresentable(text, d, "only powers of two above zero");
    return std::vector<uint8_t>{uint8_t(f.bitcastToAPInt().getZExtValue())};
  }
  case DType::C64:
  case DType::C128: {
    llvm::StringRef body = text.trim("() ");
    auto [re, im] = body.split(',');
    bool overflow = false;
    std::optional<double> r = parseDouble(re, &overflow),
                          i = parseDouble(im, &overflow);
    if (!r || !i || im.trim().empty())
      return notRepresentable(text, d, "write a complex number as (re,im)");
    if (overflow)
      return notRepresentable(text, d, "out of range");
    if (d == DType::C128) {
      std::vector<uint8_t> out = bytesOf(*r);
      std::vector<uint8_t> b = bytesOf(*i);
      out.insert(out.end(), b.begin(), b.end());
      return out;
    }
    if (auto e = finiteFits(*r, std::numeric_limits<float>::max()))
      return std::move(e);
    if (auto e = finiteFits(*i, std::numeric_limits<float>::max()))
      return std::move(e);
    std::vector<uint8_t> out = bytesOf(float(*r));
    std::vector<uint8_t> b = bytesOf(float(*i));
    out.insert(out.end(), b.begin(), b.end());
    return out;
  }
  case DType::Unsupported:
    break;
  }
  return notRepresentable(text, d, "unsupported element type");
}

FileRange mlirscope::encodeForFile(const BlobView &view, uint64_t byteOffset,
                                   llvm::ArrayRef<uint8_t> data) {
  const Resource &r = view.getResource();
  if (!r.isHexText)
    return {r.dataOffset + byteOffset,
            std::vector<uint8_t>(data.begin(), data.end())};
  std::vector<uint8_t> hex;
  hex.reserve(2 * data.size());
  for (uint8_t b : data) {
    hex.push_back(uint8_t(llvm::hexdigit(b >> 4)));
    hex.push_back(uint8_t(llvm::hexdigit(b & 0xf)));
  }
  return {r.dataOffset + 2 * byteOffset, std::move(hex)};
}
