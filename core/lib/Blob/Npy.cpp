//===- Npy.cpp - numpy .npy headers ---------------------------------------===//

#include "mlirscope/Blob/Npy.h"
#include "mlirscope/Support/FormatError.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

#include <cstring>

using namespace mlirscope;

std::string mlirscope::npyDescrFor(DType dtype) {
  // numpy has no bfloat16 or f8: their bits, as unsigned integers.
  if (dtype == DType::BF16)
    return "<u2";
  if (isFloat8(dtype))
    return "|u1";
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

  // The header is a Python dict literal. It is parsed as one (keys, then
  // values of the three kinds numpy writes) rather than searched for key
  // names: a name can also appear inside another value, e.g. a field called
  // 'shape' in a structured dtype's descr.
  size_t p = 0;
  auto at = [&] { return start + p; };
  auto space = [&] {
    while (p < dict.size() && (dict[p] == ' ' || dict[p] == '\t' ||
                               dict[p] == '\n' || dict[p] == '\r'))
      ++p;
  };
  auto quoted = [&](std::string &out) {
    if (p >= dict.size() || (dict[p] != '\'' && dict[p] != '"'))
      return false;
    char q = dict[p];
    size_t close = dict.find(q, p + 1);
    if (close == llvm::StringRef::npos)
      return false;
    out = dict.slice(p + 1, close).str();
    p = close + 1;
    return true;
  };
  bool sawDescr = false, sawOrder = false, sawShape = false;
  space();
  if (p >= dict.size() || dict[p] != '{')
    return fail(at(), "'{' opening the header dict");
  ++p;
  while (true) {
    space();
    if (p < dict.size() && dict[p] == '}')
      break;
    std::string key;
    uint64_t keyAt = at();
    if (!quoted(key))
      return fail(at(), "a quoted key or '}' in the header dict");
    space();
    if (p >= dict.size() || dict[p] != ':')
      return fail(at(), "':' after '" + key + "'");
    ++p;
    space();
    uint64_t valueAt = at();
    if ((key == "descr" && sawDescr) || (key == "fortran_order" && sawOrder) ||
        (key == "shape" && sawShape))
      return fail(keyAt, "each key once, got a second '" + key + "'");
    if (key == "descr") {
      if (!quoted(h.descr))
        return fail(valueAt, "a quoted dtype string as 'descr' (structured "
                             "dtypes are not supported)");
      // What numpy writes for a plain dtype ('<f4', '|b1', '<M8[ns]').
      for (char c : h.descr)
        if (!llvm::isAlnum(c) && !llvm::StringRef("<>|=[]").contains(c))
          return fail(valueAt, "a dtype string of letters, digits and "
                               "'<>|=[]' as 'descr'");
      sawDescr = true;
    } else if (key == "fortran_order") {
      if (dict.substr(p).starts_with("True")) {
        h.fortranOrder = true;
        p += 4;
      } else if (dict.substr(p).starts_with("False")) {
        p += 5;
      } else {
        return fail(valueAt, "'fortran_order': True or False");
      }
      sawOrder = true;
    } else if (key == "shape") {
      if (p >= dict.size() || dict[p] != '(')
        return fail(valueAt, "a tuple as 'shape'");
      ++p;
      while (true) {
        space();
        if (p < dict.size() && dict[p] == ')')
          break;
        size_t digits = p;
        while (p < dict.size() && dict[p] >= '0' && dict[p] <= '9')
          ++p;
        int64_t v;
        if (p == digits ||
            dict.slice(digits, p).getAsInteger(10, v) || v < 0)
          return fail(start + digits,
                      "a non-negative integer dimension below 2^63");
        h.shape.push_back(v);
        space();
        if (p < dict.size() && dict[p] == ',')
          ++p;
        else if (p >= dict.size() || dict[p] != ')')
          return fail(at(), "',' or ')' in the shape");
      }
      ++p;
      sawShape = true;
    } else {
      return fail(keyAt,
                  "only 'descr', 'fortran_order' and 'shape' keys, got '" +
                      key + "'");
    }
    space();
    if (p < dict.size() && dict[p] == ',')
      ++p;
    else if (p >= dict.size() || dict[p] != '}')
      return fail(at(), "',' or '}' in the header dict");
  }
  if (!sawDescr || !sawOrder || !sawShape)
    return fail(start, std::string("a header with 'descr', 'fortran_order' "
                                   "and 'shape' (no '") +
                           (!sawDescr ? "descr" : !sawOrder ? "fortran_order"
                                                            : "shape") +
                           "')");
  return h;
}
