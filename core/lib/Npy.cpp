//===- Npy.cpp - numpy .npy headers ---------------------------------------===//

#include "mlirscope/Npy.h"
#include "mlirscope/FormatError.h"

#include "llvm/ADT/StringRef.h"

#include <cstring>

using namespace mlirscope;

std::string mlirscope::npyDescrFor(DType dtype) {
  if (dtype == DType::BF16)
    return "<u2";
  return dtypeNumpy(dtype);
}

std::string mlirscope::makeNpyHeader(llvm::StringRef descr,
                                     llvm::ArrayRef<int64_t> shape) {
  std::string dict = "{'descr': '" + descr.str() +
                     "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i)
    dict += std::to_string(shape[i]) + (shape.size() == 1 ? "," : (i + 1 < shape.size() ? ", " : ""));
  dict += "), }";
  // Magic (6) + version (2) + length (2 or 4) + dict + padding + '\n'.
  bool v2 = dict.size() + 12 > 65535;
  size_t prefix = v2 ? 12 : 10;
  size_t total = prefix + dict.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict += '\n';
  std::string out = "\x93NUMPY";
  out += char(v2 ? 2 : 1);
  out += char(0);
  uint32_t len = uint32_t(dict.size());
  out += char(len & 0xff);
  out += char((len >> 8) & 0xff);
  if (v2) {
    out += char((len >> 16) & 0xff);
    out += char((len >> 24) & 0xff);
  }
  return out + dict;
}

llvm::Expected<NpyHeader> mlirscope::parseNpyHeader(llvm::ArrayRef<uint8_t> b,
                                                    llvm::StringRef name) {
  auto fail = [&](uint64_t at, const llvm::Twine &what) {
    return makeFormatError(name, at, what);
  };
  if (b.size() < 10 || std::memcmp(b.data(), "\x93NUMPY", 6) != 0)
    return fail(0, "the .npy magic '\\x93NUMPY'");
  unsigned major = b[6];
  if (major < 1 || major > 3)
    return fail(6, "an .npy version of 1, 2 or 3, got " + llvm::Twine(major));
  uint64_t len, start;
  if (major == 1) {
    len = b[8] | (uint64_t(b[9]) << 8);
    start = 10;
  } else {
    if (b.size() < 12)
      return fail(b.size(), "a 4-byte header length");
    len = b[8] | (uint64_t(b[9]) << 8) | (uint64_t(b[10]) << 16) |
          (uint64_t(b[11]) << 24);
    start = 12;
  }
  if (len > b.size() - start)
    return fail(start, "a header of " + llvm::Twine(len) +
                           " bytes within the file");
  llvm::StringRef dict(reinterpret_cast<const char *>(b.data() + start),
                       size_t(len));
  NpyHeader h;
  h.dataOffset = start + len;
  auto valueOf = [&](llvm::StringRef key, uint64_t &at) -> llvm::StringRef {
    size_t k = dict.find("'" + key.str() + "'");
    if (k == llvm::StringRef::npos)
      return {};
    size_t colon = dict.find(':', k);
    if (colon == llvm::StringRef::npos)
      return {};
    at = start + colon + 1;
    return dict.drop_front(colon + 1).ltrim();
  };
  uint64_t at = start;
  llvm::StringRef d = valueOf("descr", at);
  if (!d.consume_front("'"))
    return fail(at, "a quoted 'descr' in the header");
  h.descr = d.take_until([](char c) { return c == '\''; }).str();
  llvm::StringRef f = valueOf("fortran_order", at);
  if (f.starts_with("True"))
    h.fortranOrder = true;
  else if (!f.starts_with("False"))
    return fail(at, "'fortran_order': True or False");
  llvm::StringRef s = valueOf("shape", at);
  if (!s.consume_front("("))
    return fail(at, "a tuple as 'shape'");
  llvm::StringRef inside = s.take_until([](char c) { return c == ')'; });
  if (inside.size() == s.size())
    return fail(at, "a closing ')' of the shape");
  llvm::SmallVector<llvm::StringRef> dims;
  inside.split(dims, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef dim : dims) {
    int64_t v;
    if (dim.trim().getAsInteger(10, v) || v < 0)
      return fail(at, "non-negative integer dimensions in the shape");
    h.shape.push_back(v);
  }
  return h;
}
